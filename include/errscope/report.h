#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace errscope {

/// Which columns were used, as reported back to the user.
struct ColumnsUsed {
  std::string label;
  std::optional<std::string> pred;
  std::optional<std::string> confidence;
  std::optional<std::string> id;
  std::vector<std::string> probability_columns;
  std::vector<std::string> probability_classes;
  std::vector<std::string> features;
};

/// Where the rows came from and what happened to them.
struct InputSection {
  std::string source;
  std::string format;
  std::string compression;
  int64_t rows_read = 0;
  int64_t rows_used = 0;
  int64_t rows_skipped = 0;
  ColumnsUsed columns;
  std::string pred_source;  ///< "column", "argmax" or "threshold".
  std::optional<double> threshold;
  std::optional<std::string> positive;
  std::vector<std::string> warnings;
  /// --allow-partial and the input could not be read to the end: the report
  /// covers the rows before `partial_error`.
  bool partial = false;
  std::string partial_error;
};

struct SummarySection {
  int64_t rows = 0;
  int64_t correct = 0;
  int64_t errors = 0;
  double accuracy = 0;
  double error_rate = 0;
  double error_rate_ci95_lo = 0;
  double error_rate_ci95_hi = 0;
};

/// Precision, recall and F1 (of one class, or an average).
struct PrecisionRecallF1 {
  double precision = 0;
  double recall = 0;
  double f1 = 0;
};

struct ClassMetrics {
  std::string label;
  int64_t support = 0;
  int64_t predicted = 0;
  int64_t tp = 0;
  int64_t fp = 0;
  int64_t fn = 0;
  int64_t tn = 0;
  PrecisionRecallF1 scores;
};

struct Confusion {
  std::string label;
  std::string pred;
  int64_t count = 0;
  double share_of_errors = 0;
};

using CountMatrix = Eigen::Matrix<int64_t, Eigen::Dynamic, Eigen::Dynamic>;

/// One non-zero cell of the confusion matrix, by class position.
struct ConfusionCell {
  int32_t row = 0;  ///< True class.
  int32_t col = 0;  ///< Predicted class.
  int64_t count = 0;
  bool operator==(const ConfusionCell&) const = default;
};

/// Up to this many classes the report also holds the dense matrix; beyond,
/// only its non-zero cells (100,000 classes would be 80 GB dense).
inline constexpr size_t kDenseConfusionLimit = 1000;

struct ConfusionSection {
  std::vector<std::string> classes;  ///< Report order.
  /// ClassKey of each class (not written out): lets other sections show a
  /// class with its report spelling.
  std::vector<std::string> class_keys;
  /// The non-zero cells in (row, col) order: what the metrics read.
  std::vector<ConfusionCell> cells;
  /// Rows true, columns predicted; empty (0 x 0) above kDenseConfusionLimit
  /// classes.
  CountMatrix counts;
  std::vector<ClassMetrics> per_class;
  PrecisionRecallF1 macro;
  PrecisionRecallF1 weighted;
  PrecisionRecallF1 micro;
  double accuracy = 0;
  double balanced_accuracy = 0;
  std::optional<double> cohen_kappa;  ///< Undefined when p_e = 1.
  double mcc = 0;
  std::vector<Confusion> top_confusions;
};

/// One group of rows sharing a feature value (or a bin of values).
struct SliceGroup {
  std::optional<std::string> value;  ///< Categorical value, or "(other)".
  std::optional<double> lo;          ///< Numeric bin [lo, hi).
  std::optional<double> hi;
  bool closed = false;  ///< The last numeric bin includes hi.
  bool missing = false;
  bool other = false;  ///< The values folded beyond --max-groups.
  int64_t rows = 0;
  int64_t errors = 0;
  double error_rate = 0;
  double error_rate_ci95_lo = 0;
  double error_rate_ci95_hi = 0;
  std::optional<double> lift;  ///< Undefined when no row is wrong.
  double excess_errors = 0;
  double p_value = 1;
  double q_value = 1;
  bool significant = false;
};

struct FeatureSlices {
  std::string feature;
  std::string kind;  ///< "categorical" or "numeric".
  std::vector<SliceGroup> groups;
};

/// Errors by input feature.
struct SlicesSection {
  double overall_error_rate = 0;
  int64_t min_rows = 0;
  std::string binning;  ///< Of numeric features: "quantile" or "uniform".
  std::vector<FeatureSlices> features;
};

struct CalibrationBin {
  double lo = 0;
  double hi = 0;
  int64_t rows = 0;
  int64_t correct = 0;
  std::optional<double> accuracy;  ///< Empty bins have none.
  std::optional<double> mean_confidence;
  std::optional<double> gap;  ///< mean_confidence - accuracy.
};

/// Errors by confidence.
struct CalibrationSection {
  std::string binning;  ///< "uniform" or "quantile".
  int64_t rows = 0;     ///< Rows with a confidence.
  std::vector<CalibrationBin> bins;
  double ece = 0;
  double mce = 0;
  std::optional<double> brier;  ///< Only with probabilities or a score.
  std::optional<double> log_loss;
};

/// Accuracy when only the most confident rows are kept.
struct CoveragePoint {
  double target = 0;     ///< Share of rows wanted.
  double threshold = 0;  ///< Rows with confidence >= threshold are kept.
  int64_t rows = 0;
  double coverage = 0;
  double accuracy = 0;
};

struct ConfidenceSummarySection {
  double high_confidence = 0.9;
  int64_t high_confidence_errors = 0;
  double high_confidence_error_share = 0;  ///< Of the errors.
  double low_confidence = 0.5;
  int64_t low_confidence_correct = 0;
  double low_confidence_correct_share = 0;  ///< Of the correct rows.
  std::vector<CoveragePoint> coverage;
};

/// A wrong prediction, with what is needed to look it up.
struct ErrorRow {
  int64_t row = 0;   ///< 1-based data row.
  int64_t line = 0;  ///< File line where it starts.
  std::optional<std::string> id;
  std::string label;
  std::string pred;
  std::optional<double> confidence;
  /// Feature name and cell text (none when empty), in column order.
  std::vector<std::pair<std::string, std::optional<std::string>>> features;
};

/// Everything a run found; writers turn it into text, JSON or Markdown and
/// know nothing of how it was computed.
struct Report {
  InputSection input;
  std::optional<SummarySection> summary;
  std::optional<ConfusionSection> confusion;
  std::optional<SlicesSection> slices;  ///< None without feature columns.
  /// None when no row has a confidence.
  std::optional<CalibrationSection> calibration;
  std::optional<ConfidenceSummarySection> confidence_summary;
  /// The most confident errors, most confident first.
  std::optional<std::vector<ErrorRow>> top_errors;
};

}  // namespace errscope
