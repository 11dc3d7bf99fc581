#pragma once
// The options of the analyses themselves (bins, groups, thresholds), shared
// by every command that builds a report: analyze, check.
#include <CLI/CLI.hpp>
#include <string>

#include "errscope/pipeline.h"

namespace errscope::cli {

/// Option texts that become enums of AnalysisOptions.
struct AnalysisChoices {
  std::string feature_binning = "quantile";
  std::string calibration_binning = "uniform";
};

/// Registers --top-confusions, the "Errors by feature" and "Errors by
/// confidence" options on `cmd`, writing into `analysis` and `choices`.
void AddAnalysisOptions(CLI::App* cmd, AnalysisOptions* analysis,
                        AnalysisChoices* choices);

/// Completes `analysis` from `choices` (after parsing).
void ApplyAnalysisChoices(const AnalysisChoices& choices,
                          AnalysisOptions* analysis);

}  // namespace errscope::cli
