#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "errscope/status.h"

namespace errscope {

/// How a rule compares a metric with its threshold.
enum class Comparison { kLess, kLessEqual, kGreater, kGreaterEqual, kEqual, kNotEqual };

/// "<=" for kLessEqual, and so on.
const char* ComparisonText(Comparison op);

/// One part of a metric path: `recall[>50K]` is {"recall", ">50K"}.
struct PathSegment {
  std::string name;
  std::optional<std::string> key;
};

/// A CI gate: `metric op threshold`, e.g. `recall[>50K] >= 0.6`.
struct Rule {
  std::string text;  ///< As written (trimmed).
  std::vector<PathSegment> path;
  std::string metric;  ///< The path in canonical form, e.g. "macro.f1".
  Comparison op = Comparison::kGreaterEqual;
  double threshold = 0;
};

/// Parses one rule. Grammar (docs/gates.md):
///   rule    := path blanks op blanks number
///   path    := segment ("." segment)*
///   segment := name ("[" key "]")?       name: letters, digits, _ and -
///   op      := "<" | "<=" | ">" | ">=" | "==" | "!="
/// A key runs to the first "]" followed by ".", a blank, an operator
/// character or the end, so `recall[>50K]` and `slice[age=[17, 26)]` need no
/// quotes; a key in double quotes may hold anything (`\"` and `\\` escape).
/// On error the message names the column (1-based) and what was expected.
Status ParseRule(std::string_view text, Rule* rule);

/// A rules file: {"rules": ["accuracy >= 0.85", ...], "tolerance": 0.01,
/// "alpha": 0.05}; only "rules" is required. Errors name the file, line and
/// column.
struct RulesFile {
  std::vector<Rule> rules;
  std::optional<double> tolerance;
  std::optional<double> alpha;
};
Status ParseRulesFile(const std::string& path, std::string_view text,
                      RulesFile* file);

/// The value of a metric in a JSON report (as `analyze --format json`
/// writes it).
struct MetricValue {
  /// Empty when the metric exists but is undefined (Cohen's kappa when
  /// p_e = 1, the lift of a group when no row is wrong).
  std::optional<double> value;
  /// Which group or class the value comes from, for aggregates such as
  /// slices.max_error_rate ("sex=Female"); empty otherwise.
  std::string where;
};

/// Whether `path` names a metric at all (not whether a report has it): an
/// unknown name is an error listing what exists. `check` runs this before
/// reading the input, so that a typo costs no analysis.
Status CheckMetricName(const std::vector<PathSegment>& path);

/// Looks `path` up in `report`. An unknown metric, class, feature or group
/// is an error whose message lists what exists (with a "did you mean");
/// so is a metric whose section the report lacks (ece without a confidence
/// column).
Status LookUpMetric(const nlohmann::json& report,
                    const std::vector<PathSegment>& path, MetricValue* out);

/// The labels of a feature's slice groups (an entry of the report's
/// "slices"), as the text report shows them and as a rule names them: the
/// value, "(missing)", "(other)", or a bin "[lo, hi)" (the last bin
/// "[lo, hi]").
std::vector<std::string> SliceGroupLabels(const nlohmann::json& feature);

/// One rule, evaluated.
struct RuleResult {
  Rule rule;
  MetricValue value;
  bool passed = false;  ///< False when the value is undefined.
};

/// Evaluates every rule on `report`; fails (without results) on the first
/// rule whose metric cannot be looked up.
Status EvaluateRules(const nlohmann::json& report,
                     const std::vector<Rule>& rules,
                     std::vector<RuleResult>* results);

}  // namespace errscope
