// Classification metrics from a confusion matrix, written to match
// scikit-learn 1.2 operation for operation where the order of floating-point
// operations could matter (precision_recall_fscore_support, cohen_kappa_score,
// matthews_corrcoef, balanced_accuracy_score).
#include "errscope/classification_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace errscope {
namespace {

/// a / b, or 0 when b is 0 (scikit-learn's zero_division=0).
double Ratio(double a, double b) { return b == 0 ? 0.0 : a / b; }

/// F1 as scikit-learn 1.2 computes it from precision and recall.
double F1(double precision, double recall) {
  double denominator = precision + recall;
  if (denominator == 0) denominator = 1;
  return 2 * precision * recall / denominator;
}

PrecisionRecallF1 Scores(double tp, double predicted, double support) {
  PrecisionRecallF1 s;
  s.precision = Ratio(tp, predicted);
  s.recall = Ratio(tp, support);
  s.f1 = F1(s.precision, s.recall);
  return s;
}

}  // namespace

std::vector<ConfusionCell> NonZeroCells(const CountMatrix& counts) {
  std::vector<ConfusionCell> cells;
  for (Eigen::Index i = 0; i < counts.rows(); ++i) {
    for (Eigen::Index j = 0; j < counts.cols(); ++j) {
      if (counts(i, j) != 0) {
        cells.push_back({static_cast<int32_t>(i), static_cast<int32_t>(j),
                         counts(i, j)});
      }
    }
  }
  return cells;
}

void ComputeClassificationMetrics(ConfusionSection* section) {
  // From the non-zero cells: O(classes + cells), whatever the class count.
  const auto k = static_cast<Eigen::Index>(section->classes.size());
  std::vector<int64_t> support(k, 0), predicted(k, 0), diagonal(k, 0);
  int64_t n = 0, correct = 0;
  for (const ConfusionCell& cell : section->cells) {
    support[cell.row] += cell.count;
    predicted[cell.col] += cell.count;
    n += cell.count;
    if (cell.row == cell.col) {
      diagonal[cell.row] += cell.count;
      correct += cell.count;
    }
  }

  section->per_class.clear();
  double macro_p = 0, macro_r = 0, macro_f = 0;
  double weighted_p = 0, weighted_r = 0, weighted_f = 0;
  double recall_sum = 0;
  int classes_with_support = 0;
  for (Eigen::Index i = 0; i < k; ++i) {
    ClassMetrics m;
    m.label = section->classes[i];
    m.support = support[i];
    m.predicted = predicted[i];
    m.tp = diagonal[i];
    m.fp = m.predicted - m.tp;
    m.fn = m.support - m.tp;
    m.tn = n - m.tp - m.fp - m.fn;
    m.scores = Scores(static_cast<double>(m.tp),
                      static_cast<double>(m.predicted),
                      static_cast<double>(m.support));
    macro_p += m.scores.precision;
    macro_r += m.scores.recall;
    macro_f += m.scores.f1;
    const double w = static_cast<double>(m.support);
    weighted_p += m.scores.precision * w;
    weighted_r += m.scores.recall * w;
    weighted_f += m.scores.f1 * w;
    if (m.support > 0) {
      recall_sum += m.scores.recall;
      ++classes_with_support;
    }
    section->per_class.push_back(std::move(m));
  }
  const double classes = static_cast<double>(k);
  section->macro = {Ratio(macro_p, classes), Ratio(macro_r, classes),
                    Ratio(macro_f, classes)};
  section->weighted = {Ratio(weighted_p, n), Ratio(weighted_r, n),
                       Ratio(weighted_f, n)};
  section->micro = Scores(static_cast<double>(correct), static_cast<double>(n),
                          static_cast<double>(n));
  section->accuracy = Ratio(correct, n);
  section->balanced_accuracy = Ratio(recall_sum, classes_with_support);

  // Cohen's kappa: 1 - observed disagreement / expected disagreement.
  long double expected_agreement = 0;
  __int128 dot_true_pred = 0, dot_pred_pred = 0, dot_true_true = 0;
  for (Eigen::Index i = 0; i < k; ++i) {
    expected_agreement +=
        static_cast<long double>(predicted[i]) * support[i] / n;
    dot_true_pred += static_cast<__int128>(support[i]) * predicted[i];
    dot_pred_pred += static_cast<__int128>(predicted[i]) * predicted[i];
    dot_true_true += static_cast<__int128>(support[i]) * support[i];
  }
  const long double expected_disagreement = n - expected_agreement;
  if (n > 0 && expected_disagreement > 0) {
    section->cohen_kappa = static_cast<double>(
        1.0L - static_cast<long double>(n - correct) / expected_disagreement);
  } else {
    section->cohen_kappa.reset();
  }

  // Matthews correlation, multiclass (Gorodkin's R_K), exact covariances.
  const __int128 s = n;
  const __int128 cov_true_pred = static_cast<__int128>(correct) * s -
                                 dot_true_pred;
  const __int128 cov_pred_pred = s * s - dot_pred_pred;
  const __int128 cov_true_true = s * s - dot_true_true;
  if (cov_pred_pred == 0 || cov_true_true == 0) {
    section->mcc = 0.0;
  } else {
    section->mcc = static_cast<double>(
        static_cast<long double>(cov_true_pred) /
        std::sqrt(static_cast<long double>(cov_true_true) *
                  static_cast<long double>(cov_pred_pred)));
  }
}

std::vector<Confusion> TopConfusions(const ConfusionSection& section,
                                     size_t limit) {
  std::vector<ConfusionCell> cells;
  int64_t errors = 0;
  for (const ConfusionCell& cell : section.cells) {
    if (cell.row != cell.col && cell.count > 0) {
      cells.push_back(cell);
      errors += cell.count;
    }
  }
  // Cells are already in (row, column) order: a stable sort by count keeps
  // that order among ties.
  std::stable_sort(cells.begin(), cells.end(),
                   [](const ConfusionCell& a, const ConfusionCell& b) {
                     return a.count > b.count;
                   });
  if (cells.size() > limit) cells.resize(limit);
  std::vector<Confusion> out;
  for (const ConfusionCell& cell : cells) {
    out.push_back({section.classes[cell.row], section.classes[cell.col],
                   cell.count, Ratio(static_cast<double>(cell.count), errors)});
  }
  return out;
}

}  // namespace errscope
