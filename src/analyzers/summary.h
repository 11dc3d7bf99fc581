#pragma once

#include "errscope/analyzer.h"

namespace errscope {

/// Rows and correct predictions: accuracy, error rate and its Wilson
/// interval.
struct SummaryPartial : Partial {
  int64_t rows = 0;
  int64_t correct = 0;
};
void to_json(nlohmann::json& j, const SummaryPartial& p);
void from_json(const nlohmann::json& j, SummaryPartial& p);

std::unique_ptr<Analyzer> MakeSummaryAnalyzer(const AnalyzerSettings& settings);

}  // namespace errscope
