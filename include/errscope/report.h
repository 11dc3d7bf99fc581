#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <optional>
#include <string>
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

struct ConfusionSection {
  std::vector<std::string> classes;  ///< Report order.
  CountMatrix counts;                ///< Rows true, columns predicted.
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

/// Everything a run found; writers turn it into text, JSON or Markdown and
/// know nothing of how it was computed.
struct Report {
  InputSection input;
  std::optional<SummarySection> summary;
  std::optional<ConfusionSection> confusion;
};

}  // namespace errscope
