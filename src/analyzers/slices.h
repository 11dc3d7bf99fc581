#pragma once

#include <string>
#include <vector>

#include "errscope/analyzer.h"
#include "errscope/string_map.h"
#include "errscope/value_histogram.h"

namespace errscope {

/// Rows and errors of a group.
struct GroupCounts {
  int64_t rows = 0;
  int64_t errors = 0;
  /// The 1-based data row where the group was first met (0: unknown); used
  /// for tracked values only, so that a merge with room for only some new
  /// values takes the ones met first in input order.
  int64_t first_row = 0;
  void Add(const GroupCounts& other) {
    rows += other.rows;
    errors += other.errors;
    if (other.first_row > 0 &&
        (first_row == 0 || other.first_row < first_row)) {
      first_row = other.first_row;
    }
  }
};

/// A distinct number of a feature column. Spellings that parse as the same
/// finite number (`1`, `1.0`, ` 1`) are one value, as they are one class
/// label; the value is named by its first spelling in input order.
struct NumberCount {
  double value;  ///< -0.0 is counted as 0.0.
  GroupCounts counts;
  uint32_t spelling_offset;  ///< In FeatureTally::spellings.
  uint32_t spelling_size;
};

/// What one feature column has seen: counts per distinct value, and while
/// every value is a number, a histogram of the numbers. A chunk's partial
/// counts every distinct value of its chunk (bounded by the chunk's size);
/// the running total merged from them tracks the first kMaxTrackedValues in
/// input order and counts the rest together.
///
/// Numbers are kept apart from text, sorted by value: a chunk groups its
/// numbers by sorting them (which its histogram needs anyway) instead of
/// looking every cell up in a hash table, and a merge joins two sorted
/// lists. Profiled: hashing each numeric cell's text was a third of an
/// analysis of a file with a few continuous features.
struct FeatureTally {
  /// Cells that are not finite numbers, by exact text. Hashed, not
  /// ordered: a lookup per cell is the hot path of text features.
  /// Everything that reads the values in an order sorts them first.
  StringMap<GroupCounts> values;
  /// Cells that are finite numbers, ascending by value.
  std::vector<NumberCount> numeric_values;
  std::string spellings;  ///< Arena of the numeric values' first spellings.
  GroupCounts untracked;  ///< Values the running total did not track.
  GroupCounts missing;    ///< Empty cells.
  /// A running total that refused a new value takes no later one.
  bool tracking_closed = false;
  bool all_numeric = true;
  ValueHistogram numbers;

  std::string_view SpellingOf(const NumberCount& n) const {
    return std::string_view(spellings).substr(n.spelling_offset,
                                              n.spelling_size);
  }
  /// Distinct values tracked, text and numbers.
  size_t tracked() const { return values.size() + numeric_values.size(); }
  /// Bytes of the tracked values' text.
  size_t tracked_bytes() const { return values.key_bytes() + spellings.size(); }
};

/// How many distinct values of a feature are counted one by one.
inline constexpr size_t kMaxTrackedValues = 10000;
/// How many bytes of value text a running total keeps, at most.
inline constexpr size_t kMaxTrackedBytes = size_t{64} << 20;

struct SlicesPartial : Partial {
  int64_t rows = 0;
  int64_t errors = 0;
  std::vector<FeatureTally> features;  ///< ColumnMapping::features order.
};
void to_json(nlohmann::json& j, const SlicesPartial& p);
void from_json(const nlohmann::json& j, SlicesPartial& p);

std::unique_ptr<Analyzer> MakeSlicesAnalyzer(const AnalyzerSettings& settings);

}  // namespace errscope
