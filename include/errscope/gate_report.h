#pragma once

#include <optional>
#include <string>
#include <vector>

#include "errscope/baseline.h"
#include "errscope/gates.h"

namespace errscope {

/// Everything `errscope check` decided, for the writers.
struct CheckOutcome {
  std::string source;  ///< The predictions checked.
  std::vector<RuleResult> rules;
  std::optional<BaselineResult> baseline;
  std::string baseline_source;
  BaselineOptions baseline_options;

  int failed_rules() const {
    int n = 0;
    for (const RuleResult& r : rules) n += r.passed ? 0 : 1;
    return n;
  }
  int regressions() const { return baseline ? baseline->regressions : 0; }
  bool passed() const { return failed_rules() == 0 && regressions() == 0; }
};

/// "1 of 3 rules failed, 2 regressions and 0 improvements against the
/// baseline".
std::string CheckSummaryLine(const CheckOutcome& outcome);

/// For a terminal or a CI log: the verdict first, then every rule and every
/// comparison.
std::string WriteCheckText(const CheckOutcome& outcome, bool color);

/// {"schema_version": 1, "passed", "rules": [...], "baseline": {...}}
/// (docs/gates.md).
std::string WriteCheckJson(const CheckOutcome& outcome);

/// For a pull-request comment or $GITHUB_STEP_SUMMARY.
std::string WriteCheckMarkdown(const CheckOutcome& outcome);

/// JUnit XML: one test case per rule and per tested comparison (a failure
/// for a failed rule or a regression), so CI systems list them natively.
std::string WriteCheckJunit(const CheckOutcome& outcome);

}  // namespace errscope
