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

/// What one feature column has seen: counts per exact value (bounded: the
/// first kMaxTrackedValues distinct values in input order, the rest counted
/// together), and while every value is a number, a histogram of the numbers.
struct FeatureTally {
  /// Hashed, not ordered: a lookup per cell is the hot path of the slices.
  /// Everything that reads the values in an order sorts them first.
  StringMap<GroupCounts> values;
  GroupCounts untracked;  ///< Values beyond kMaxTrackedValues.
  GroupCounts missing;    ///< Empty cells.
  bool all_numeric = true;
  ValueHistogram numbers;
};

/// How many distinct values of a feature are counted one by one.
inline constexpr size_t kMaxTrackedValues = 10000;

struct SlicesPartial : Partial {
  int64_t rows = 0;
  int64_t errors = 0;
  std::vector<FeatureTally> features;  ///< ColumnMapping::features order.
};
void to_json(nlohmann::json& j, const SlicesPartial& p);
void from_json(const nlohmann::json& j, SlicesPartial& p);

std::unique_ptr<Analyzer> MakeSlicesAnalyzer(const AnalyzerSettings& settings);

}  // namespace errscope
