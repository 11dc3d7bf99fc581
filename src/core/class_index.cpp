#include "errscope/class_index.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

#include "errscope/plain_decimal.h"

namespace errscope {

bool ParseNumber(std::string_view text, double* value) {
  if (ParsePlainDecimal(text, value)) return true;
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (!text.empty() && text.front() == '-') return false;  // "+-1"
  }
  if (text.empty()) return false;
  // Most cells that are not plain decimals are words ("CA", "mobile"):
  // only a digit, a sign, a point or the start of inf/nan can begin a
  // number.
  const char first = text.front();
  if (!((first >= '0' && first <= '9') || first == '-' || first == '.' ||
        first == 'i' || first == 'I' || first == 'n' || first == 'N')) {
    return false;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(),
                                   *value);
  // from_chars reports out-of-range as an error without a value: 1e400 is
  // ±infinity but 1e-400 is ±0 (the correctly rounded values, as strtod
  // gives them; errscope never changes the C locale).
  if (ec == std::errc::result_out_of_range) {
    if (end != text.data() + text.size()) return false;  // "1e400x"
    *value = std::strtod(std::string(text).c_str(), nullptr);
    return true;
  }
  return ec == std::errc() && end == text.data() + text.size();
}

std::string ClassKey(std::string_view spelling, bool* numeric, double* value) {
  // Blanks around a number do not make it text (" 1" is 1), as pandas reads
  // a numeric column; ParseNumber drops them.
  *numeric = ParseNumber(spelling, value) && std::isfinite(*value);
  std::string key(1, *numeric ? '#' : '$');
  if (!*numeric) return key.append(spelling);
  if (*value == 0) *value = 0;  // -0 and 0 are one class
  char buffer[32];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, *value);
  return key.append(buffer, result.ptr);
}

int32_t ClassIndex::NoteSeen(int32_t id, std::string_view spelling,
                             int64_t position) {
  ClassInfo& info = classes_[id];
  if (position < info.first_seen) {
    info.first_seen = position;
    info.spelling = spelling;
  }
  return id;
}

int32_t ClassIndex::InternKey(std::string key, std::string_view spelling,
                              int64_t position, bool numeric, double value) {
  auto it = by_key_.find(key);
  if (it != by_key_.end()) {
    return NoteSeen(it->second, spelling, position);
  }
  auto id = static_cast<int32_t>(classes_.size());
  classes_.push_back({key, std::string(spelling), position, numeric, value});
  by_key_.emplace(std::move(key), id);
  return id;
}

int32_t ClassIndex::Intern(std::string_view spelling, int64_t position) {
  const size_t n = spelling.size();
  RecentSpelling* recent = nullptr;
  uint64_t head = 0, tail = 0;
  if (n - 1 < 16) {  // 1 to 16 bytes (0 wraps around)
    ShortKey(spelling.data(), n, &head, &tail);
    recent = &recent_[ShortKeyHash(head, tail, n) >> (64 - kRecentBits)];
    if (recent->size == n && recent->head == head && recent->tail == tail) {
      return NoteSeen(recent->id, spelling, position);
    }
  }
  const uint64_t hash = HashText(spelling);
  int32_t id;
  if (const int32_t* hit = by_spelling_.FindHashed(spelling, hash)) {
    id = NoteSeen(*hit, spelling, position);
  } else {
    bool numeric = false;
    double value = 0;
    std::string key = ClassKey(spelling, &numeric, &value);
    id = InternKey(std::move(key), spelling, position, numeric, value);
    by_spelling_.Insert(spelling, hash, id);
  }
  if (recent != nullptr) {
    *recent = {head, tail, static_cast<uint32_t>(n), id};
  }
  return id;
}

std::vector<int32_t> ClassIndex::MergeFrom(const ClassIndex& other) {
  std::vector<int32_t> remap(other.size());
  for (size_t i = 0; i < other.size(); ++i) {
    remap[i] = InternClass(other.classes_[i]);
  }
  return remap;
}

int32_t ClassIndex::Find(const std::string& key) const {
  auto it = by_key_.find(key);
  return it == by_key_.end() ? -1 : it->second;
}

std::vector<int32_t> ClassIndex::SortedIds() const {
  std::vector<int32_t> ids(classes_.size());
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<int32_t>(i);
  bool all_numeric = std::all_of(classes_.begin(), classes_.end(),
                                 [](const ClassInfo& c) { return c.numeric; });
  if (all_numeric) {
    std::sort(ids.begin(), ids.end(), [&](int32_t a, int32_t b) {
      return classes_[a].value < classes_[b].value;
    });
  } else {
    // std::string compares as unsigned bytes: UTF-8 byte order is code
    // point order.
    std::sort(ids.begin(), ids.end(), [&](int32_t a, int32_t b) {
      return classes_[a].spelling < classes_[b].spelling;
    });
  }
  return ids;
}

}  // namespace errscope
