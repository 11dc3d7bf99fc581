#pragma once

#include "errscope/report.h"

namespace errscope {

/// Fills every metric of `section` (per class, averages, accuracy, balanced
/// accuracy, Cohen's kappa, MCC) from `section->cells` and
/// `section->classes`, with scikit-learn 1.2's definitions and
/// zero_division=0. Pure: no state, no I/O. docs/metrics.md defines each.
void ComputeClassificationMetrics(ConfusionSection* section);

/// The non-zero cells of a dense matrix, in (row, col) order.
std::vector<ConfusionCell> NonZeroCells(const CountMatrix& counts);

/// The `limit` largest off-diagonal cells, by count descending, ties in
/// (true class, predicted class) order.
std::vector<Confusion> TopConfusions(const ConfusionSection& section,
                                     size_t limit);

}  // namespace errscope
