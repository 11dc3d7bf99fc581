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

}  // namespace errscope
