#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "errscope/string_map.h"

namespace errscope {

/// One class as the input spells it.
struct ClassInfo {
  std::string key;       ///< Identity: "#<shortest number>" or "$<text>".
  std::string spelling;  ///< The first spelling seen (see `first_seen`).
  int64_t first_seen;    ///< Input-order position of that spelling.
  bool numeric;          ///< Spelled as a finite number.
  double value;          ///< The number, when numeric.
};

/// Interns class names. Spellings that parse as the same finite number
/// (`1`, `1.0`, `"1"`) are one class; other spellings are compared as exact
/// strings. Ids are local to one index: partials and batches keep their own
/// index and are merged by key, never by id.
class ClassIndex {
 public:
  /// Input-order positions: probability columns come first (negative
  /// positions, in header order), then rows (label before pred).
  static int64_t ColumnPosition(size_t column, size_t columns) {
    return static_cast<int64_t>(column) - static_cast<int64_t>(columns);
  }
  static int64_t RowPosition(int64_t row_number, bool is_pred) {
    return row_number * 2 + (is_pred ? 1 : 0);
  }

  /// The id of `spelling`, adding the class if new. `position` decides which
  /// spelling names the class when several are seen.
  int32_t Intern(std::string_view spelling, int64_t position);

  /// Adds a class that no spelling in the input can produce (such as the
  /// negative class of threshold mode before it is known).
  int32_t InternReserved(const std::string& key, std::string_view spelling,
                         int64_t position) {
    return InternKey(key, spelling, position, false, 0);
  }

  /// Adds a class as another index knows it; returns its id here.
  int32_t InternClass(const ClassInfo& c) {
    return InternKey(c.key, c.spelling, c.first_seen, c.numeric, c.value);
  }

  /// Adds every class of `other`; returns the id here of each id there.
  std::vector<int32_t> MergeFrom(const ClassIndex& other);

  size_t size() const { return classes_.size(); }
  const ClassInfo& operator[](size_t id) const { return classes_[id]; }
  const std::vector<ClassInfo>& classes() const { return classes_; }
  /// The id of the class with this identity key, or -1.
  int32_t Find(const std::string& key) const;

  /// Ids in report order: by value when every class is numeric, else by
  /// spelling in code point (UTF-8 byte) order, as scikit-learn's
  /// unique_labels sorts.
  std::vector<int32_t> SortedIds() const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const {
      return std::hash<std::string_view>{}(s);
    }
  };
  /// Keeps the earliest spelling of class `id`; returns `id`.
  int32_t NoteSeen(int32_t id, std::string_view spelling, int64_t position);
  int32_t InternKey(std::string key, std::string_view spelling,
                    int64_t position, bool numeric, double value);

  std::vector<ClassInfo> classes_;
  std::unordered_map<std::string, int32_t, Hash, std::equal_to<>> by_key_;
  /// Cache from exact spelling to id, so a row costs one lookup (a flat
  /// StringMap: two label cells per row go through it).
  StringMap<int32_t> by_spelling_;
  /// In front of it, the last spellings of up to 16 bytes looked up, by
  /// their ShortKey, direct-mapped: a hit costs two loads and a compare of
  /// three words, where hashing the text and probing the map cost about a
  /// hundred instructions per label (two a row).
  struct RecentSpelling {
    uint64_t head = 0;
    uint64_t tail = 0;
    uint32_t size = 0;  ///< 0: empty.
    int32_t id = 0;
  };
  static constexpr int kRecentBits = 6;
  std::array<RecentSpelling, size_t{1} << kRecentBits> recent_{};
};

/// The identity key of a spelling (see ClassIndex).
std::string ClassKey(std::string_view spelling, bool* numeric, double* value);

/// Parses a whole cell as a finite or non-finite double, allowing
/// surrounding spaces. Returns false when the cell is not a number.
bool ParseNumber(std::string_view text, double* value);

}  // namespace errscope
