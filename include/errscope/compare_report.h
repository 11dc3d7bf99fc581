#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "errscope/baseline.h"
#include "errscope/report.h"

namespace errscope {

/// Rows matched between the two files and what each model did on them.
struct PairedCounts {
  int64_t base_rows = 0;       ///< Used rows of the base file.
  int64_t candidate_rows = 0;  ///< Used rows of the candidate file.
  int64_t both_right = 0;
  int64_t both_wrong = 0;
  int64_t newly_wrong = 0;  ///< Right in the base, wrong in the candidate.
  int64_t newly_right = 0;  ///< Wrong in the base, right in the candidate.
  int64_t unmatched_base = 0;
  int64_t unmatched_candidate = 0;
  /// Matched rows whose true labels differ (a join on the wrong key?).
  int64_t label_mismatch = 0;
  std::vector<int64_t> first_mismatch_rows;  ///< Candidate data rows.

  int64_t matched() const {
    return both_right + both_wrong + newly_wrong + newly_right;
  }
};

/// Everything `errscope compare` decided, for the writers.
struct CompareOutcome {
  std::string base_source;
  std::string candidate_source;
  std::string join;  ///< "key 'id'" or "row order".
  PairedCounts counts;
  double mcnemar_p = 1;  ///< McNemar's exact test on the discordant rows.
  /// Accuracy on the matched rows, base and candidate.
  double base_accuracy = 0;
  double candidate_accuracy = 0;
  /// Regression, improvement or unchanged, from McNemar's test (at alpha,
  /// and only beyond the tolerance).
  Verdict paired_verdict = Verdict::kUnchanged;
  /// Metric and slice deltas of the two reports (unpaired tests, Holm).
  BaselineResult metrics;
  BaselineOptions options;
  /// The most confident newly wrong rows (the candidate's confidence).
  std::vector<ErrorRow> newly_wrong;
  bool fail_on_regression = false;

  int regressions() const {
    return (paired_verdict == Verdict::kRegression ? 1 : 0) +
           metrics.regressions;
  }
  /// What the exit code follows: worse, with --fail-on-regression.
  bool failed() const { return fail_on_regression && regressions() > 0; }
};

/// "the candidate is worse: 120 rows newly wrong, 80 newly right (McNemar
/// p = 0.004)".
std::string CompareSummaryLine(const CompareOutcome& outcome);
std::string WriteCompareText(const CompareOutcome& outcome, bool color);
/// docs/compare.md.
std::string WriteCompareJson(const CompareOutcome& outcome);
std::string WriteCompareMarkdown(const CompareOutcome& outcome);
/// One test case for the paired test and one per tested comparison.
std::string WriteCompareJunit(const CompareOutcome& outcome);

}  // namespace errscope
