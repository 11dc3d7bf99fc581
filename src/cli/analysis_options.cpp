// The options of the analyses, shared by analyze and check.
#include "cli/analysis_options.h"

#include "cli/cli.h"

namespace errscope::cli {
namespace {

Binning ParseBinning(const std::string& name) {
  return name == "uniform" ? Binning::kUniform : Binning::kQuantile;
}

}  // namespace

void AddAnalysisOptions(CLI::App* cmd, AnalysisOptions* analysis,
                        AnalysisChoices* choices) {
  AnalysisOptions& a = *analysis;
  cmd->add_option("--top-confusions", a.top_confusions,
                  "How many of the most confused (label, pred) pairs to list")
      ->check(IntegerAtLeast(0))
      ->capture_default_str();

  const char* by_feature = "Errors by feature";
  cmd->add_option("--max-categories", a.max_categories,
                  "A feature whose values are all numbers is binned when it "
                  "has more distinct values than this")
      ->check(IntegerAtLeast(0))
      ->capture_default_str()
      ->group(by_feature);
  cmd->add_option("--max-groups", a.max_groups,
                  "Values of a categorical feature beyond this many (those "
                  "with the fewest errors) fold into '(other)'")
      ->check(IntegerAtLeast(1))
      ->capture_default_str()
      ->group(by_feature);
  cmd->add_option("--feature-bins", a.feature_bins,
                  "Bins per numeric feature")
      ->check(IntegerInRange(1, 1000))
      ->capture_default_str()
      ->group(by_feature);
  cmd->add_option("--binning", choices->feature_binning,
                  "Numeric feature bins: equal frequency (quantile) or equal "
                  "width (uniform)")
      ->check(CLI::IsMember({"quantile", "uniform"}))
      ->capture_default_str()
      ->group(by_feature);
  cmd->add_option("--min-rows", a.min_rows,
                  "Groups with fewer rows are shown but never called "
                  "significant")
      ->check(IntegerAtLeast(0))
      ->capture_default_str()
      ->group(by_feature);

  const char* by_confidence = "Errors by confidence";
  cmd->add_option("--bins", a.calibration_bins, "Calibration bins")
      ->check(IntegerInRange(1, 1000))
      ->capture_default_str()
      ->group(by_confidence);
  cmd->add_option("--calibration-binning", choices->calibration_binning,
                  "Calibration bins of equal width over [0, 1] (uniform) or "
                  "equal mass (quantile)")
      ->check(CLI::IsMember({"quantile", "uniform"}))
      ->capture_default_str()
      ->group(by_confidence);
  cmd->add_option("--high-confidence", a.high_confidence,
                  "Errors at or above this confidence are counted as "
                  "high-confidence errors")
      ->check(NumberBetween(0.0, 1.0))
      ->capture_default_str()
      ->group(by_confidence);
  cmd->add_option("--top", a.top_errors,
                  "How many of the most confident errors to list")
      ->check(IntegerAtLeast(0))
      ->capture_default_str()
      ->group(by_confidence);
}

void ApplyAnalysisChoices(const AnalysisChoices& choices,
                          AnalysisOptions* analysis) {
  analysis->binning = ParseBinning(choices.feature_binning);
  analysis->calibration_binning = ParseBinning(choices.calibration_binning);
}

}  // namespace errscope::cli
