// Errors by confidence: calibration bins, ECE/MCE, Brier score, log loss,
// and the confidence summary (high-confidence errors, coverage).
#include "analyzers/calibration.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace errscope {

namespace {

nlohmann::json SumJson(const ExactSum& sum) { return sum.ToString(); }

ExactSum SumFromJson(const nlohmann::json& j) {
  ExactSum sum;
  if (!ExactSum::FromString(j.get<std::string>(), &sum)) {
    throw std::invalid_argument("calibration partial: bad sum");
  }
  return sum;
}

}  // namespace

void to_json(nlohmann::json& j, const CalibrationPartial& p) {
  nlohmann::json sums = nlohmann::json::array();
  for (const ExactSum& sum : p.confidence_sum) sums.push_back(SumJson(sum));
  j = {{"version", 1},
       {"rows", p.rows},
       {"correct", p.correct},
       {"confidence_sum", sums},
       {"confidences", p.confidences},
       {"high_confidence_errors", p.high_confidence_errors},
       {"low_confidence_correct", p.low_confidence_correct},
       {"scored_rows", p.scored_rows},
       {"brier_sum", SumJson(p.brier_sum)},
       {"log_loss_sum", SumJson(p.log_loss_sum)}};
}

void from_json(const nlohmann::json& j, CalibrationPartial& p) {
  j.at("rows").get_to(p.rows);
  j.at("correct").get_to(p.correct);
  p.confidence_sum.clear();
  for (const nlohmann::json& sum : j.at("confidence_sum")) {
    p.confidence_sum.push_back(SumFromJson(sum));
  }
  j.at("confidences").get_to(p.confidences);
  j.at("high_confidence_errors").get_to(p.high_confidence_errors);
  j.at("low_confidence_correct").get_to(p.low_confidence_correct);
  j.at("scored_rows").get_to(p.scored_rows);
  p.brier_sum = SumFromJson(j.at("brier_sum"));
  p.log_loss_sum = SumFromJson(j.at("log_loss_sum"));
}

UniformBinner::UniformBinner(size_t bins) : bins_(static_cast<double>(bins)) {
  for (size_t i = 0; i <= bins; ++i) {
    edges_.push_back(static_cast<double>(i) / bins_);
  }
}

size_t UniformBin(double confidence, size_t bins) {
  return UniformBinner(bins).Bin(confidence);
}

namespace {

constexpr double kLowConfidence = 0.5;
constexpr double kLogLossFloor = 1e-15;

class CalibrationAnalyzer : public AnalyzerOf<CalibrationPartial> {
 public:
  explicit CalibrationAnalyzer(const AnalyzerSettings& settings)
      : settings_(settings),
        bins_(settings.options.calibration_bins),
        binner_(bins_) {}

 protected:
  void AddRows(const PredictionBatch& batch,
               CalibrationPartial* p) const override;

  void MergeInto(const CalibrationPartial& from,
                 CalibrationPartial* into) const override {
    Size(into);
    for (size_t i = 0; i < from.rows.size(); ++i) {
      into->rows[i] += from.rows[i];
      into->correct[i] += from.correct[i];
      into->confidence_sum[i].Merge(from.confidence_sum[i]);
    }
    const size_t before = into->confidences.buckets().size();
    into->confidences.Merge(from.confidences);
    // Compacted: the cells for the chunks still to come.
    if (into->confidences.buckets().size() < before && CountsWithinCells()) {
      into->board->Publish(
          std::make_shared<const BucketCells>(into->confidences));
    }
    into->high_confidence_errors += from.high_confidence_errors;
    into->low_confidence_correct += from.low_confidence_correct;
    into->scored_rows += from.scored_rows;
    into->brier_sum.Merge(from.brier_sum);
    into->log_loss_sum.Merge(from.log_loss_sum);
  }

  Status FinishInto(const CalibrationPartial& partial,
                    Report* report) const override;

 private:
  std::unique_ptr<CalibrationPartial> PartialFor(
      const CalibrationPartial& total) const override {
    auto p = std::make_unique<CalibrationPartial>();
    if (CountsWithinCells()) p->total_cells = total.board->Read();
    return p;
  }
  /// Whether chunks count their confidences within the running total's
  /// cells (AddBatchWithin) once it has compacted, rather than sort them
  /// (AddBatch): the histogram's buckets and counts are the same either
  /// way, its sums are not (the order of additions differs), so only with
  /// equal-width bins, whose means come from confidence_sum. Profiled:
  /// sorting each chunk's confidences, grouping them and merging the
  /// groups into the total's few thousand buckets was a tenth of the
  /// instructions of an analysis.
  bool CountsWithinCells() const {
    return settings_.options.calibration_binning == Binning::kUniform;
  }
  void Size(CalibrationPartial* p) const {
    p->rows.resize(bins_, 0);
    p->correct.resize(bins_, 0);
    p->confidence_sum.resize(bins_);
  }
  /// The probability the model gave the true label of row `r`, or NaN when
  /// the input has no probabilities (nor a score).
  double LabelProbability(const PredictionBatch& batch, size_t r,
                          double* brier) const;
  CalibrationSection Bins(const CalibrationPartial& p) const;
  ConfidenceSummarySection Summary(const CalibrationPartial& p) const;

  AnalyzerSettings settings_;
  size_t bins_;
  UniformBinner binner_;
};

double CalibrationAnalyzer::LabelProbability(const PredictionBatch& batch,
                                             size_t r, double* brier) const {
  if (settings_.mapping.pred_source == PredSource::kThreshold) {
    // The score is P(positive); the confidence is that of the prediction.
    const double c = batch.confidence[r];
    const double p_label = batch.correct(r) ? c : 1 - c;
    *brier = 2 * (1 - p_label) * (1 - p_label);
    return p_label;
  }
  const size_t k = batch.proba_class_ids.size();
  if (k == 0) return std::nan("");
  const double* probs = batch.probabilities.data() + r * k;
  double p_label = 0;
  double sum = 0;
  bool label_has_column = false;
  for (size_t j = 0; j < k; ++j) {
    const bool is_label = batch.proba_class_ids[j] == batch.label[r];
    const double d = probs[j] - (is_label ? 1.0 : 0.0);
    sum += d * d;
    if (is_label) {
      p_label = probs[j];
      label_has_column = true;
    }
  }
  // A label without a probability column has probability 0.
  if (!label_has_column) sum += 1;
  *brier = sum;
  return p_label;
}

void CalibrationAnalyzer::AddRows(const PredictionBatch& batch,
                                  CalibrationPartial* p) const {
  Size(p);
  std::vector<ValueHistogram::Row> values;
  values.reserve(batch.rows());
  const double high = settings_.options.high_confidence;
  for (size_t r = 0; r < batch.rows(); ++r) {
    double brier = 0;
    const double p_label = LabelProbability(batch, r, &brier);
    if (!std::isnan(p_label)) {
      ++p->scored_rows;
      p->brier_sum.Add(brier);
      p->log_loss_sum.Add(-std::log(std::max(p_label, kLogLossFloor)));
    }
    const double c = batch.confidence[r];
    if (std::isnan(c)) continue;
    const bool correct = batch.correct(r);
    const size_t bin = binner_.Bin(c);
    ++p->rows[bin];
    p->correct[bin] += correct ? 1 : 0;
    p->confidence_sum[bin].Add(c);
    values.push_back({c, !correct});
    // Counted without branches: which rows count is data, not pattern.
    p->high_confidence_errors += static_cast<int64_t>(!correct & (c >= high));
    p->low_confidence_correct +=
        static_cast<int64_t>(correct & (c < kLowConfidence));
  }
  // Rows added directly: cells published before would not hold for it.
  p->board->Invalidate();
  if (p->total_cells != nullptr) {
    p->confidences.AddBatchWithin(values, *p->total_cells);
  } else {
    p->confidences.AddBatch(values);
  }
}

CalibrationSection CalibrationAnalyzer::Bins(const CalibrationPartial& p) const {
  CalibrationSection s;
  s.rows = p.confidences.rows();
  auto add_bin = [&](double lo, double hi, int64_t rows, int64_t correct,
                     double confidence_sum) {
    CalibrationBin bin;
    bin.lo = lo;
    bin.hi = hi;
    bin.rows = rows;
    bin.correct = correct;
    if (rows > 0) {
      const auto n = static_cast<double>(rows);
      bin.accuracy = static_cast<double>(correct) / n;
      bin.mean_confidence = confidence_sum / n;
      bin.gap = *bin.mean_confidence - *bin.accuracy;
      const double gap = std::fabs(*bin.gap);
      s.ece += n / static_cast<double>(s.rows) * gap;
      s.mce = std::max(s.mce, gap);
    }
    s.bins.push_back(bin);
  };
  if (settings_.options.calibration_binning == Binning::kUniform) {
    s.binning = "uniform";
    const auto b = static_cast<double>(bins_);
    for (size_t i = 0; i < bins_; ++i) {
      add_bin(static_cast<double>(i) / b, static_cast<double>(i + 1) / b,
              p.rows[i], p.correct[i], p.confidence_sum[i].value());
    }
  } else {
    s.binning = "quantile";
    const ValueHistogram& h = p.confidences;
    for (const auto& bin : h.CountBins(h.QuantileEdges(static_cast<int>(bins_)))) {
      add_bin(bin.lo, bin.hi, bin.rows, bin.rows - bin.errors, bin.sum);
    }
  }
  if (p.scored_rows > 0) {
    const auto n = static_cast<double>(p.scored_rows);
    s.brier = p.brier_sum.value() / n;
    s.log_loss = p.log_loss_sum.value() / n;
  }
  return s;
}

ConfidenceSummarySection CalibrationAnalyzer::Summary(
    const CalibrationPartial& p) const {
  const ValueHistogram& h = p.confidences;
  ConfidenceSummarySection s;
  const int64_t rows = h.rows();
  const int64_t errors = h.errors();
  const int64_t correct = rows - errors;
  s.high_confidence = settings_.options.high_confidence;
  s.high_confidence_errors = p.high_confidence_errors;
  if (errors > 0) {
    s.high_confidence_error_share =
        static_cast<double>(p.high_confidence_errors) / static_cast<double>(errors);
  }
  s.low_confidence = kLowConfidence;
  s.low_confidence_correct = p.low_confidence_correct;
  if (correct > 0) {
    s.low_confidence_correct_share =
        static_cast<double>(p.low_confidence_correct) / static_cast<double>(correct);
  }
  for (int percent = 10; percent <= 100; percent += 10) {
    CoveragePoint point;
    point.target = percent / 100.0;
    // At least ceil(percent% of rows), computed in integers.
    const int64_t wanted = (rows * percent + 99) / 100;
    point.threshold = h.ThresholdKeepingAtLeast(wanted);
    int64_t kept_errors = 0;
    h.CountAtLeast(point.threshold, &point.rows, &kept_errors);
    point.coverage = static_cast<double>(point.rows) / static_cast<double>(rows);
    point.accuracy = point.rows > 0 ? static_cast<double>(point.rows - kept_errors) /
                                          static_cast<double>(point.rows)
                                    : 0;
    s.coverage.push_back(point);
  }
  return s;
}

Status CalibrationAnalyzer::FinishInto(const CalibrationPartial& partial,
                                       Report* report) const {
  CalibrationPartial p;
  MergeInto(partial, &p);
  if (p.confidences.rows() == 0) return Status::Ok();  // no confidence at all
  report->calibration = Bins(p);
  report->confidence_summary = Summary(p);
  return Status::Ok();
}

}  // namespace

std::unique_ptr<Analyzer> MakeCalibrationAnalyzer(const AnalyzerSettings& settings) {
  return std::make_unique<CalibrationAnalyzer>(settings);
}

}  // namespace errscope
