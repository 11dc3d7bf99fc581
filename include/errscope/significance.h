#pragma once

#include <cstdint>
#include <vector>

namespace errscope {

/// One-sided Fisher exact test on the 2x2 table [[a, b], [c, d]] with the
/// alternative "greater", as scipy.stats.fisher_exact(table,
/// alternative="greater") computes it: P(X >= a), where X is hypergeometric
/// with the table's margins (population a+b+c+d, a+c successes, a+b draws).
///
/// For slices: a = errors in the group, b = correct in the group, c = errors
/// in the rest, d = correct in the rest; a small p means the group's error
/// rate is higher than the rest's.
///
/// Cells must be non-negative and their sum must fit in int64_t; a negative
/// cell gives NaN. A row or column of zeros (so also an empty table) gives
/// exactly 1. Accurate to ~1e-12 relative for any result above the denormal
/// range (~2e-308), whatever the table size (errors grow towards ~3e-13 as p
/// nears 1e-300, since exp(-690) is only as exact as its rounded exponent);
/// 0 only when the true value underflows. Time grows with the standard
/// deviation of X (about sqrt(N) steps at worst), not with N. Does not throw or
/// allocate.
double FisherExactGreater(int64_t a, int64_t b, int64_t c, int64_t d);

/// Benjamini-Hochberg adjusted p-values (q-values), in the input order:
/// with the m p-values sorted ascending, q_(i) = min over j >= i of
/// min(1, p_(j) * m / j). Equal p-values get equal q-values, and q is
/// monotone in p. The caller passes only real p-values in [0, 1]; NaN is
/// not allowed (its position in the sort would be arbitrary). Whether a
/// q-value is "significant" (e.g. q <= 0.05) is the caller's choice.
std::vector<double> BenjaminiHochberg(const std::vector<double>& p_values);

/// Two-sided p-value of a standard normal statistic: P(|Z| >= |z|).
double TwoSidedNormalP(double z);

/// Two-sided p-value of the pooled two-proportion z-test of x1/n1 against
/// x2/n2: z = (x1/n1 - x2/n2) / sqrt(p (1 - p) (1/n1 + 1/n2)) with the
/// pooled rate p = (x1 + x2) / (n1 + n2). z squared is Pearson's chi-square
/// of the 2x2 table without continuity correction (scipy's
/// chi2_contingency(correction=False)). Returns 1 when either sample is
/// empty or both rates are 0 (or both 1), and NaN for impossible counts.
double TwoProportionZTest(int64_t x1, int64_t n1, int64_t x2, int64_t n2);

/// McNemar's exact test on paired outcomes: `b` pairs right under the
/// first model and wrong under the second, `c` the other way round. The
/// two-sided binomial test of b successes in b + c trials at 1/2, as
/// scipy.stats.binomtest(b, b + c, 0.5).pvalue: min(1, 2 P(X <= min(b, c))).
/// 1 when b == c (also when there is no discordant pair); NaN for a
/// negative count. Accurate to ~1e-12 relative as FisherExactGreater.
double McNemarExact(int64_t b, int64_t c);

/// Holm's step-down adjusted p-values, in the input order: with the m
/// p-values sorted ascending, adjusted_(i) = max over j <= i of
/// min(1, (m - j + 1) p_(j)). Rejecting where adjusted <= alpha controls
/// the chance of any false rejection at alpha, whatever the dependence
/// between the tests. NaN is not allowed.
std::vector<double> HolmAdjust(const std::vector<double>& p_values);

}  // namespace errscope
