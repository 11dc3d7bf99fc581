#include "analyzers/confusion.h"
#include "analyzers/summary.h"
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
  };
  return kTable;
}

}  // namespace errscope
