#include "errscope/significance.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace errscope {
namespace {

// Hypergeometric probabilities follow Catherine Loader, "Fast and accurate
// computation of binomial probabilities" (2000), as R's dbinom_raw/dhyper do:
// each log(m!) is Stirling's formula plus a small correction
// (StirlingError), and the large m*log(m) parts of a table's factorials
// combine into one deviance term per cell, x*log(x/E) + E - x, which is
// computed without cancellation. Differences of lgamma values instead lose
// ~1e-8 relative at N = 1e7, since lgamma(1e7) ~ 1.5e8.

constexpr double kHalfLog2Pi = 0.91893853320467274178;  // log(sqrt(2*pi))

/// log(m!) - log(sqrt(2*pi*m) * (m/e)^m), for m >= 1.
double StirlingError(int64_t m) {
  // Exact to double precision (from mpmath at 40 digits) for m = 1..15,
  // where the asymptotic series below is not yet accurate enough.
  static constexpr double kSmall[15] = {
      8.1061466795327258e-2, 4.1340695955409294e-2, 2.7677925684998339e-2,
      2.0790672103765093e-2, 1.6644691189821192e-2, 1.3876128823070748e-2,
      1.189670994589177e-2,  1.0411265261972096e-2, 9.2554621827127329e-3,
      8.3305634333628713e-3, 7.5736754879518408e-3, 6.9428401072095299e-3,
      6.4089941880042071e-3, 5.9513701127588477e-3, 5.5547335519628014e-3};
  if (m <= 15) return kSmall[m - 1];
  // sum_k B_2k / (2k (2k-1) m^(2k-1)) up to m^-9; the next term is below
  // 1e-16 for m >= 16.
  const double x = static_cast<double>(m);
  const double inv2 = 1 / (x * x);
  return (1.0 / 12 -
          inv2 * (1.0 / 360 -
                  inv2 * (1.0 / 1260 - inv2 * (1.0 / 1680 - inv2 / 1188)))) /
         x;
}

/// x*log(x/expected) + expected - x (Loader's bd0), with delta = x - expected
/// computed exactly by the caller: near x == expected the two terms cancel
/// almost entirely, so the result is built from delta instead.
double Deviance(double x, double expected, double delta) {
  if (x == 0) return expected;
  const double v = delta / (x + expected);
  if (std::abs(v) >= 0.5) return x * std::log(x / expected) - delta;
  // log(x/E) = 2*atanh(v) = 2(v + v^3/3 + v^5/5 + ...); the first term and
  // E - x combine to delta*v exactly, leaving a series in v^2 <= 1/4.
  double sum = delta * v;
  const double v2 = v * v;
  double power = 2 * x * v;
  for (int j = 1; j < 64; ++j) {
    power *= v2;
    const double next = sum + power / (2 * j + 1);
    if (next == sum) break;
    sum = next;
  }
  return sum;
}

/// The 2x2 table [[a, b], [c, d]].
struct Table {
  int64_t a, b, c, d;
};

/// log P(table) under the hypergeometric law of its margins, all of which
/// must be positive. With log(m!) = m*log(m) - m + log(sqrt(2*pi*m)) +
/// StirlingError(m) (and log(0!) = 0), the m*log(m) - m parts of
/// margins! / (cells! N!) sum to minus the cells' deviances from their
/// expected counts E = row * column / N.
double LogProbability(const Table& t) {
  const int64_t r1 = t.a + t.b, r2 = t.c + t.d, c1 = t.a + t.c, c2 = t.b + t.d,
                n = r1 + r2;
  const double total = static_cast<double>(n);
  // Every cell is off its expected count by the same +-(ad - bc)/N; the
  // product is exact in 128 bits.
  const __int128 cross =
      static_cast<__int128>(t.a) * t.d - static_cast<__int128>(t.b) * t.c;
  const double delta = static_cast<double>(cross) / total;
  const double dr1 = static_cast<double>(r1), dr2 = static_cast<double>(r2);
  const double dc1 = static_cast<double>(c1), dc2 = static_cast<double>(c2);
  const double deviance = Deviance(t.a, dr1 * dc1 / total, delta) +
                          Deviance(t.b, dr1 * dc2 / total, -delta) +
                          Deviance(t.c, dr2 * dc1 / total, -delta) +
                          Deviance(t.d, dr2 * dc2 / total, delta);
  double correction = StirlingError(r1) + StirlingError(r2) +
                      StirlingError(c1) + StirlingError(c2) - StirlingError(n);
  // The sqrt(2*pi*m) factors: margins over N and the non-zero cells.
  double ratio = dr1 * dr2 / total * (dc1 * dc2);
  int nonzero = 0;
  for (int64_t cell : {t.a, t.b, t.c, t.d}) {
    if (cell == 0) continue;
    ++nonzero;
    correction -= StirlingError(cell);
    ratio /= static_cast<double>(cell);
  }
  return -deviance + correction + 0.5 * std::log(ratio) +
         (3 - nonzero) * kHalfLog2Pi;
}

/// The law of the top-left cell x given the margins: the other cells are
/// b = draws - x, c = successes - x, d = total - successes - draws + x.
struct Hypergeometric {
  int64_t total, successes, draws;

  int64_t Lo() const { return std::max<int64_t>(0, draws + successes - total); }
  int64_t Hi() const { return std::min(draws, successes); }
  Table At(int64_t x) const {
    return {x, draws - x, successes - x, total - successes - draws + x};
  }
  double LogPmf(int64_t x) const { return LogProbability(At(x)); }
  /// The mode, floor((draws + 1)(successes + 1) / (total + 2)).
  int64_t Mode() const {
    return static_cast<int64_t>(static_cast<__int128>(draws + 1) *
                                (successes + 1) / (total + 2));
  }
  /// pmf(x + 1) / pmf(x), for Lo() <= x < Hi().
  double UpRatio(int64_t x) const {
    const Table t = At(x);
    return static_cast<double>(t.c) / static_cast<double>(x + 1) *
           (static_cast<double>(t.b) / static_cast<double>(t.d + 1));
  }
  /// pmf(x - 1) / pmf(x), for Lo() < x <= Hi().
  double DownRatio(int64_t x) const {
    const Table t = At(x);
    return static_cast<double>(x) / static_cast<double>(t.c + 1) *
           (static_cast<double>(t.d) / static_cast<double>(t.b + 1));
  }
};

/// Neumaier's compensated sum: tails at N = 1e8 add up to ~5e4 terms.
class CompensatedSum {
 public:
  void Add(double x) {
    const double t = sum_ + x;
    compensation_ +=
        std::abs(sum_) >= std::abs(x) ? (sum_ - t) + x : (x - t) + sum_;
    sum_ = t;
  }
  double Value() const { return sum_ + compensation_; }

 private:
  double sum_ = 0;
  double compensation_ = 0;
};

// The recurrence loses up to ~4 ulp per step; re-evaluating the pmf
// directly this often bounds the drift at ~1e-13.
constexpr int64_t kReanchorSteps = 256;
// Summing stops once the rest of the tail is below this fraction of it.
constexpr double kNegligible = 1e-17;

/// Binomial(n, 1/2), the law of McNemar's test: the pmf of x is
/// exp(-bd0(x, n/2) - bd0(n - x, n/2) + Stirling corrections) *
/// sqrt(n / (2*pi*x*(n - x))), as in Loader's dbinom_raw.
struct HalfBinomial {
  int64_t n;

  int64_t Lo() const { return 0; }
  int64_t Hi() const { return n; }
  double LogPmf(int64_t x) const {
    const double half = static_cast<double>(n) / 2;
    if (x == 0 || x == n) return -static_cast<double>(n) * std::log(2.0);
    const double dx = static_cast<double>(x), dy = static_cast<double>(n - x);
    // x - n/2 exactly: n < 2^53.
    const double delta = static_cast<double>(2 * x - n) / 2;
    const double deviance =
        Deviance(dx, half, delta) + Deviance(dy, half, -delta);
    const double correction =
        StirlingError(n) - StirlingError(x) - StirlingError(n - x);
    return -deviance + correction - kHalfLog2Pi +
           0.5 * std::log(static_cast<double>(n) / (dx * dy));
  }
  double UpRatio(int64_t x) const {
    return static_cast<double>(n - x) / static_cast<double>(x + 1);
  }
  double DownRatio(int64_t x) const {
    return static_cast<double>(x) / static_cast<double>(n - x + 1);
  }
};

/// sum of pmf(y) / pmf(from) over y = from, from + step, ... (step +-1),
/// up to the support's end or until the rest is negligible.
template <typename Law>
double RelativeTailSum(const Law& h, int64_t from, int step,
                       double log_pmf_from) {
  const int64_t end = step > 0 ? h.Hi() : h.Lo();
  CompensatedSum sum;
  sum.Add(1);
  double term = 1;
  int64_t steps = 0;
  for (int64_t x = from; x != end;) {
    const double ratio = step > 0 ? h.UpRatio(x) : h.DownRatio(x);
    x += step;
    ++steps;
    term = steps % kReanchorSteps == 0 ? std::exp(h.LogPmf(x) - log_pmf_from)
                                       : term * ratio;
    sum.Add(term);
    // The pmf is log-concave: once it decreases, every later ratio is at
    // most `ratio`, so the rest is below term * ratio / (1 - ratio).
    if (ratio < 1 && term * ratio <= kNegligible * sum.Value() * (1 - ratio)) {
      break;
    }
  }
  return sum.Value();
}

/// P(X >= x) (step +1) or P(X <= x) (step -1).
template <typename Law>
double Tail(const Law& h, int64_t x, int step) {
  const double log_pmf = h.LogPmf(x);
  const double relative = RelativeTailSum(h, x, step, log_pmf);
  // exp(log_pmf) alone may be denormal while the tail is not.
  if (log_pmf > -700) return std::exp(log_pmf) * relative;
  return std::exp(log_pmf + std::log(relative));
}

}  // namespace

double FisherExactGreater(int64_t a, int64_t b, int64_t c, int64_t d) {
  if (a < 0 || b < 0 || c < 0 || d < 0) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  // With an empty row or column the table is the only one possible.
  if (a + b == 0 || c + d == 0 || a + c == 0 || b + d == 0) return 1;
  const Hypergeometric h{a + b + c + d, a + c, a + b};
  if (a <= h.Lo()) return 1;
  if (a > h.Mode()) return std::min(1.0, Tail(h, a, +1));
  // At or below the mode the lower tail P(X <= a - 1) is usually the small
  // side: subtracting it from 1 costs nothing in precision while it is at
  // most 1/2, and avoids summing from a across the whole bulk.
  const double lower = Tail(h, a - 1, -1);
  if (lower <= 0.5) return 1 - lower;
  return std::min(1.0, Tail(h, a, +1));
}

std::vector<double> BenjaminiHochberg(const std::vector<double>& p_values) {
  const size_t m = p_values.size();
  std::vector<size_t> order(m);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t i, size_t j) {
    return p_values[i] < p_values[j];
  });
  // Walking down from the largest p keeps the running minimum over j >= i;
  // starting it at 1 applies the cap.
  std::vector<double> q(m);
  double running = 1.0;
  for (size_t rank = m; rank >= 1; --rank) {
    const size_t i = order[rank - 1];
    running = std::min(running, p_values[i] * static_cast<double>(m) /
                                    static_cast<double>(rank));
    q[i] = running;
  }
  return q;
}

double TwoSidedNormalP(double z) {
  if (std::isnan(z)) return std::numeric_limits<double>::quiet_NaN();
  // erfc keeps its relative precision far into the tail, where 1 - Phi
  // would round to 0.
  return std::erfc(std::abs(z) / std::sqrt(2.0));
}

double TwoProportionZTest(int64_t x1, int64_t n1, int64_t x2, int64_t n2) {
  if (x1 < 0 || x2 < 0 || x1 > n1 || x2 > n2) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (n1 == 0 || n2 == 0) return 1;
  const double m1 = static_cast<double>(n1), m2 = static_cast<double>(n2);
  const double pooled = static_cast<double>(x1 + x2) / (m1 + m2);
  const double variance = pooled * (1 - pooled) * (1 / m1 + 1 / m2);
  // Both rates 0 or both 1: no evidence of a difference.
  if (!(variance > 0)) return 1;
  const double difference =
      static_cast<double>(x1) / m1 - static_cast<double>(x2) / m2;
  return TwoSidedNormalP(difference / std::sqrt(variance));
}

double McNemarExact(int64_t b, int64_t c) {
  if (b < 0 || c < 0) return std::numeric_limits<double>::quiet_NaN();
  if (b == c) return 1;  // includes no discordant pair at all
  const HalfBinomial h{b + c};
  // The law is symmetric: the two-sided p is twice the smaller tail.
  return std::min(1.0, 2 * Tail(h, std::min(b, c), -1));
}

std::vector<double> HolmAdjust(const std::vector<double>& p_values) {
  const size_t m = p_values.size();
  std::vector<size_t> order(m);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t i, size_t j) {
    return p_values[i] < p_values[j];
  });
  // Walking up from the smallest p keeps the running maximum over j <= i.
  std::vector<double> adjusted(m);
  double running = 0;
  for (size_t rank = 1; rank <= m; ++rank) {
    const size_t i = order[rank - 1];
    running = std::max(running, std::min(1.0, p_values[i] *
                                                  static_cast<double>(m - rank + 1)));
    adjusted[i] = running;
  }
  return adjusted;
}

}  // namespace errscope
