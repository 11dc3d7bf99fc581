#pragma once

#include <vector>

#include "analyzers/board_handle.h"
#include "errscope/analyzer.h"
#include "errscope/exact_sum.h"
#include "errscope/value_histogram.h"

namespace errscope {

/// Sufficient statistics of confidence (sums are exact, so the report does
/// not depend on how the input was cut into chunks): fixed equal-width bins, a bounded
/// histogram of the values (for equal-mass bins and coverage), and the sums
/// of the proper scoring rules.
struct CalibrationPartial : Partial {
  std::vector<int64_t> rows;           ///< Per equal-width bin.
  std::vector<int64_t> correct;
  std::vector<ExactSum> confidence_sum;
  ValueHistogram confidences;          ///< Value: confidence; flag: error.
  int64_t high_confidence_errors = 0;  ///< confidence >= --high-confidence.
  int64_t low_confidence_correct = 0;  ///< confidence < 0.5.
  int64_t scored_rows = 0;             ///< Rows with a probability of the label.
  ExactSum brier_sum;
  ExactSum log_loss_sum;

  /// This partial's board, for the chunk partials made for it.
  BoardHandle<CellsBoard> board;
  /// For a chunk partial: the cells its total had published when the
  /// partial was made (null: none), for AddBatchWithin.
  CellsBoard::Cells total_cells;
};
void to_json(nlohmann::json& j, const CalibrationPartial& p);
void from_json(const nlohmann::json& j, CalibrationPartial& p);

/// Index of the equal-width bin [i/bins, (i+1)/bins) holding `confidence`
/// (the last bin closed), with edges as the doubles i/bins: a confidence
/// written as 0.3 is in bin 3 of 10.
size_t UniformBin(double confidence, size_t bins);

/// UniformBin for many confidences: the edges are computed once (a
/// division per edge test was a sizeable part of calibrating a row).
class UniformBinner {
 public:
  explicit UniformBinner(size_t bins);
  size_t Bin(double confidence) const {
    const double scaled = confidence * bins_;
    size_t i = !(scaled > 0)          ? 0
               : scaled >= bins_ - 1 ? edges_.size() - 2
                                     : static_cast<size_t>(scaled);
    // confidence * bins may round across an edge: compare with the edges.
    while (i > 0 && confidence < edges_[i]) --i;
    while (i + 2 < edges_.size() && confidence >= edges_[i + 1]) ++i;
    return i;
  }

 private:
  double bins_;
  std::vector<double> edges_;  ///< edges_[i] = i / bins, i = 0 .. bins.
};

std::unique_ptr<Analyzer> MakeCalibrationAnalyzer(const AnalyzerSettings& settings);

}  // namespace errscope
