#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "errscope/status.h"

namespace errscope {

/// What a comparison of a candidate with its baseline concluded.
enum class Verdict {
  kRegression,   ///< Worse by more than the tolerance, significantly.
  kImprovement,  ///< Better by more than the tolerance, significantly.
  kUnchanged,    ///< No significant change beyond the tolerance.
  kNotTested,    ///< Not a proportion: the delta is shown, never gated.
};

const char* VerdictText(Verdict v);

/// One metric in both reports.
struct MetricComparison {
  std::string metric;  ///< A rule path: "accuracy", "recall[>50K]", ...
  std::string kind;    ///< "headline", "class" or "slice".
  double baseline = 0;
  double candidate = 0;
  /// candidate - baseline, so negative is worse for a metric where higher
  /// is better.
  double delta = 0;
  bool higher_is_better = true;
  /// The counts behind a proportion (numerator and denominator in each
  /// report); absent for metrics that are not proportions.
  std::optional<int64_t> baseline_count, baseline_total;
  std::optional<int64_t> candidate_count, candidate_total;
  std::optional<double> p_value;           ///< Two-sided, unadjusted.
  std::optional<double> adjusted_p_value;  ///< Holm, over every test.
  Verdict verdict = Verdict::kNotTested;
};

struct BaselineOptions {
  /// A change smaller than this (in the metric's units) is never a
  /// regression or an improvement, however significant.
  double tolerance = 0;
  double alpha = 0.05;  ///< Family-wise, after Holm's adjustment.
};

struct BaselineResult {
  std::vector<MetricComparison> comparisons;
  int tests = 0;  ///< Comparisons with a p-value (the Holm family).
  int regressions = 0;
  int improvements = 0;
  /// Classes or slice groups in only one of the two reports.
  std::vector<std::string> only_in_baseline;
  std::vector<std::string> only_in_candidate;
};

/// Compares two JSON reports (as `analyze --format json` writes them):
/// - accuracy, each class's recall (tp / support) and precision
///   (tp / predicted), each slice group's error rate (errors / rows; not
///   "(other)", whose values differ between reports): a pooled
///   two-proportion z-test from the counts of both reports;
/// - balanced accuracy: a z-test whose variance is the sum of the classes'
///   pooled binomial variances over K^2 (the classes must be the same);
/// - macro and weighted F1, Cohen's kappa, MCC, ECE, Brier score and log
///   loss: the delta only (not proportions, kNotTested).
/// The p-values of all tests are adjusted together with Holm's method, so
/// that the chance of any false alarm is at most alpha. A comparison is a
/// regression when it is worse by more than the tolerance and its adjusted
/// p-value is <= alpha (improvement: better, likewise).
/// Fails when either document is not an errscope report.
Status CompareWithBaseline(const nlohmann::json& baseline,
                           const nlohmann::json& candidate,
                           const BaselineOptions& options,
                           BaselineResult* result);

/// Checks that `report` looks like an errscope JSON report of a schema
/// version this build reads; `source` names it in the message.
Status CheckReportDocument(const nlohmann::json& report,
                           const std::string& source);

}  // namespace errscope
