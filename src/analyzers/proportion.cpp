#include "errscope/proportion.h"

#include <cmath>

namespace errscope {

Interval WilsonInterval95(int64_t successes, int64_t trials) {
  if (trials <= 0) return {};
  constexpr double z = 1.959963984540054;  // standard normal 0.975 quantile
  const double n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double q = 1 - p;
  const double denominator = 2 * (n + z * z);
  const double center = (2 * n * p + z * z) / denominator;
  const double half = z * std::sqrt(z * z + 4 * n * p * q) / denominator;
  Interval ci;
  ci.lo = successes == 0 ? 0.0 : center - half;
  ci.hi = successes == trials ? 1.0 : center + half;
  return ci;
}

}  // namespace errscope
