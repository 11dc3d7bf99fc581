#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace errscope {

/// A fast, non-cryptographic hash of a short string (cells are a few bytes):
/// 8 bytes at a time through a 64x64->128-bit multiply.
inline uint64_t HashText(std::string_view text) {
  auto mix = [](uint64_t a, uint64_t b) {
    const unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
    return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
  };
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ text.size();
  const char* p = text.data();
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, p + i, 8);
    h = mix(h ^ word, 0xbf58476d1ce4e5b9ULL);
  }
  if (const size_t rest = text.size() - i; rest > 0) {
    // The last 1 to 7 bytes as one word without a variable-length memcpy
    // (a call, and bytes stored one by one then loaded as a word, which
    // stalls: profiled, a third of a text feature's counting loop): two
    // 4-byte loads that may overlap, or three single bytes.
    uint64_t word;
    if (rest >= 4) {
      uint32_t head, tail;
      std::memcpy(&head, p + i, 4);
      std::memcpy(&tail, p + i + rest - 4, 4);
      word = uint64_t{head} | (uint64_t{tail} << (8 * (rest - 4)));
    } else {
      word = uint64_t{static_cast<uint8_t>(p[i])} |
             (uint64_t{static_cast<uint8_t>(p[i + rest / 2])} << (8 * (rest / 2))) |
             (uint64_t{static_cast<uint8_t>(p[i + rest - 1])} << (8 * (rest - 1)));
    }
    h = mix(h ^ word, 0x94d049bb133111ebULL);
  }
  return mix(h, 0x2545f4914f6cdd1dULL);
}

/// Two words that, with the size n (1 to 16), tell any two texts of 1 to
/// 16 bytes apart: the first and last 8 bytes (which may overlap), the
/// first and last 4, or bytes 0, n/2 and n-1. Reads no byte outside the
/// text, and makes no variable-length copy (a call, and a store-forwarding
/// stall when the word is loaded back).
inline void ShortKey(const char* p, size_t n, uint64_t* head, uint64_t* tail) {
  if (n >= 8) {
    std::memcpy(head, p, 8);
    std::memcpy(tail, p + n - 8, 8);
  } else if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    *head = uint64_t{a} | (uint64_t{b} << 32);
    *tail = 0;
  } else {
    *head = uint64_t{static_cast<uint8_t>(p[0])} |
            (uint64_t{static_cast<uint8_t>(p[n / 2])} << 8) |
            (uint64_t{static_cast<uint8_t>(p[n - 1])} << 16);
    *tail = 0;
  }
}

/// A hash of ShortKey's words and the size.
inline uint64_t ShortKeyHash(uint64_t head, uint64_t tail, size_t n) {
  return (head ^ (tail * 0xC2B2AE3D27D4EB4Fu) ^ n) * 0x9E3779B97F4A7C15u;
}

/// Whether `a` and `b` hold the same bytes. Inline for short text (cells
/// are a few bytes, and a lookup's hash already matched), where a call to
/// memcmp costs more than the comparison: head and tail words that may
/// overlap.
inline bool SameText(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (n != b.size()) return false;
  const char* x = a.data();
  const char* y = b.data();
  auto same = [&](auto word, size_t at) {
    decltype(word) u, v;
    std::memcpy(&u, x + at, sizeof u);
    std::memcpy(&v, y + at, sizeof v);
    return u == v;
  };
  if (n >= 8 && n <= 16) return same(uint64_t{}, 0) && same(uint64_t{}, n - 8);
  if (n >= 4 && n < 8) return same(uint32_t{}, 0) && same(uint32_t{}, n - 4);
  if (n < 4) {
    for (size_t i = 0; i < n; ++i) {
      if (x[i] != y[i]) return false;
    }
    return true;
  }
  return std::memcmp(x, y, n) == 0;
}

/// A map from strings to `Value` for the hot path of counting cells: one
/// flat open-addressing table of entry indexes, the entries in insertion
/// order, and every key's bytes in one arena, so a lookup touches two
/// arrays and never allocates. Iteration is in insertion order, which makes
/// whatever is built from it deterministic. Keys cannot be removed.
template <typename Value>
class StringMap {
 public:
  struct Entry {
    uint64_t hash;
    uint32_t offset;  ///< Of the key in the arena.
    uint32_t size;
    Value value;
  };

  size_t size() const { return entries_.size(); }
  /// Bytes of all keys together.
  size_t key_bytes() const { return arena_.size(); }
  bool empty() const { return entries_.empty(); }

  /// The value of `key`, or nullptr.
  Value* Find(std::string_view key) { return FindHashed(key, HashText(key)); }
  const Value* Find(std::string_view key) const {
    return const_cast<StringMap*>(this)->Find(key);
  }

  /// The value of `key`, or nullptr; `hash` is HashText(key).
  Value* FindHashed(std::string_view key, uint64_t hash) {
    if (slots_.empty()) return nullptr;
    const size_t mask = slots_.size() - 1;
    for (size_t s = hash & mask;; s = (s + 1) & mask) {
      const uint32_t index = slots_[s];
      if (index == 0) return nullptr;
      Entry& e = entries_[index - 1];
      if (e.hash == hash && SameText(KeyOf(e), key)) return &e.value;
    }
  }

  /// Adds `key` (which must be absent) with `value`; returns the stored one.
  Value* Insert(std::string_view key, uint64_t hash, const Value& value) {
    if ((entries_.size() + 1) * 2 > slots_.size()) Grow();
    entries_.push_back({hash, static_cast<uint32_t>(arena_.size()),
                        static_cast<uint32_t>(key.size()), value});
    arena_.append(key);
    Place(static_cast<uint32_t>(entries_.size()));
    return &entries_.back().value;
  }
  Value* Insert(std::string_view key, const Value& value) {
    return Insert(key, HashText(key), value);
  }

  /// The entries in insertion order; KeyOf gives an entry's key.
  const std::vector<Entry>& entries() const { return entries_; }
  std::string_view KeyOf(const Entry& e) const {
    return std::string_view(arena_).substr(e.offset, e.size);
  }

  bool operator==(const StringMap& other) const {
    if (size() != other.size()) return false;
    for (const Entry& e : entries_) {
      const Value* v = other.Find(KeyOf(e));
      if (v == nullptr || !(*v == e.value)) return false;
    }
    return true;
  }

 private:
  void Place(uint32_t index) {
    const size_t mask = slots_.size() - 1;
    size_t s = entries_[index - 1].hash & mask;
    while (slots_[s] != 0) s = (s + 1) & mask;
    slots_[s] = index;
  }
  void Grow() {
    slots_.assign(slots_.empty() ? 16 : slots_.size() * 2, 0);
    for (uint32_t i = 1; i <= entries_.size(); ++i) Place(i);
  }

  std::vector<uint32_t> slots_;  ///< 0: empty; else entry index + 1.
  std::vector<Entry> entries_;
  std::string arena_;
};

}  // namespace errscope
