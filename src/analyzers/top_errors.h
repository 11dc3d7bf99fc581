#pragma once

#include <optional>
#include <string>
#include <vector>

#include "errscope/analyzer.h"

namespace errscope {

/// A wrong row as a partial keeps it: classes by identity key (the report
/// spells them) and the cells as read.
struct ErrorCandidate {
  double confidence = 0;  ///< NaN when the row has none.
  int64_t row = 0;
  int64_t line = 0;
  std::optional<std::string> id;
  std::string label_key;
  std::string label;
  std::string pred_key;
  std::string pred;
  std::vector<std::optional<std::string>> features;
};

/// The N most confident errors seen so far: memory is N rows whatever the
/// input size.
struct TopErrorsPartial : Partial {
  std::vector<ErrorCandidate> rows;  ///< Best first, at most N.
};
void to_json(nlohmann::json& j, const TopErrorsPartial& p);
void from_json(const nlohmann::json& j, TopErrorsPartial& p);

std::unique_ptr<Analyzer> MakeTopErrorsAnalyzer(const AnalyzerSettings& settings);

/// The order of a top-N list: most confident first, rows without a
/// confidence last, then input order.
bool ErrorComesFirst(const ErrorCandidate& a, const ErrorCandidate& b);

/// Offers row `r` of `batch` to `rows` (sorted by ErrorComesFirst, at most
/// `n`): it is kept when it is among the n best.
void OfferErrorRow(const PredictionBatch& batch, size_t r, size_t n,
                   std::vector<ErrorCandidate>* rows);

/// The report's form of a kept row: `label` and `pred` spelled as the
/// report spells them, the features named by `settings`.
ErrorRow ToErrorRow(const ErrorCandidate& c, const AnalyzerSettings& settings,
                    std::string label, std::string pred);

/// Sorts `rows` by ErrorComesFirst and keeps the first `n`.
void KeepBestErrors(size_t n, std::vector<ErrorCandidate>* rows);

}  // namespace errscope
