#pragma once

#include <cstdint>

namespace errscope {

/// A two-sided confidence interval for a proportion.
struct Interval {
  double lo = 0;
  double hi = 1;
};

/// The 95% Wilson score interval for `successes` out of `trials` (without
/// continuity correction), computed as scipy.stats.binomtest(...)
/// .proportion_ci(method="wilson") does: exactly 0 (1) at the bound when
/// there are no successes (failures). [0, 1] when trials is 0.
Interval WilsonInterval95(int64_t successes, int64_t trials);

}  // namespace errscope
