#include "analyzers/calibration.h"
#include "analyzers/confusion.h"
#include "analyzers/slices.h"
#include "analyzers/summary.h"
#include "analyzers/top_errors.h"
#include "errscope/analyzer.h"

namespace errscope {

const std::vector<AnalyzerInfo>& AnalyzerTable() {
  static const std::vector<AnalyzerInfo> kTable = {
      {"summary", "rows, errors, accuracy and the error rate's 95% interval",
       MakeSummaryAnalyzer},
      {"confusion",
       "confusion matrix, per-class precision/recall/F1, averages, balanced "
       "accuracy, Cohen's kappa, MCC, most confused pairs",
       MakeConfusionAnalyzer},
      {"slices",
       "errors by input feature: a group per value or numeric bin, with "
       "error rate, interval, lift, excess errors and significance",
       MakeSlicesAnalyzer},
      {"calibration",
       "errors by confidence: calibration bins, ECE, MCE, Brier score, log "
       "loss, high-confidence errors, accuracy vs coverage",
       MakeCalibrationAnalyzer},
      {"top_errors", "the most confident errors, with their rows and features",
       MakeTopErrorsAnalyzer},
  };
  return kTable;
}

}  // namespace errscope
