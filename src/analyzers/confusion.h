#pragma once

#include <map>
#include <utility>

#include "errscope/analyzer.h"

namespace errscope {

/// Counts of (true class, predicted class) pairs, sparse, keyed by the
/// partial's own class index.
struct ConfusionPartial : Partial {
  ClassIndex classes;
  std::map<std::pair<int32_t, int32_t>, int64_t> counts;
};
void to_json(nlohmann::json& j, const ConfusionPartial& p);
void from_json(const nlohmann::json& j, ConfusionPartial& p);

/// The confusion matrix, per-class metrics, averages, kappa, MCC and the
/// most confused pairs.
std::unique_ptr<Analyzer> MakeConfusionAnalyzer(const AnalyzerSettings& settings);

}  // namespace errscope
