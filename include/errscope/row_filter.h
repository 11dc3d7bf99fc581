#pragma once
// The row conditions of `errscope errors --where`: parsed once from the
// command line, checked against every decoded row.

#include <string>
#include <string_view>
#include <vector>

#include "errscope/status.h"

namespace errscope {

/// One condition: `confidence OP NUMBER`, `label OP CLASS` or
/// `pred OP CLASS` (grammar in docs/errors.md).
struct RowCondition {
  enum class Field { kLabel, kPred, kConfidence };
  enum class Op {
    kLess,
    kLessEqual,
    kGreater,
    kGreaterEqual,
    kEqual,
    kNotEqual
  };

  Field field = Field::kLabel;
  Op op = Op::kEqual;
  double number = 0;      ///< The bound of a confidence condition.
  std::string class_key;  ///< ClassKey of the class of a label/pred condition.
};

/// What a condition looks at in one row. Keys are ClassKey identities, so
/// `label==1` matches a label spelled "1.0"; a NaN confidence means the row
/// has none.
struct FilterRow {
  std::string_view label_key;
  std::string_view pred_key;
  double confidence;
};

/// Parses one expression. Spaces around the field, operator and value are
/// ignored; `=` means `==`; a class may be quoted ('a b' or "a b") to keep
/// spaces or start with an operator character. Errors name the expression
/// and what was expected.
Status ParseRowCondition(std::string_view expression, RowCondition* out);

/// Whether `row` satisfies `condition`. A row without a confidence never
/// satisfies a confidence condition (not even `!=`).
bool Satisfies(const RowCondition& condition, const FilterRow& row);

/// Every condition of the command line, ANDed.
class RowFilter {
 public:
  /// Parses `expressions`; fails on the first bad one, leaving `out` alone.
  static Status Parse(const std::vector<std::string>& expressions,
                      RowFilter* out);

  /// True when `row` satisfies every condition (always, without any).
  bool Matches(const FilterRow& row) const;
  bool empty() const { return conditions_.empty(); }
  const std::vector<RowCondition>& conditions() const { return conditions_; }

 private:
  std::vector<RowCondition> conditions_;
};

}  // namespace errscope
