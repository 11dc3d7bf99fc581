#include "errscope/significance.h"

#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>

#include "test_util.h"

namespace errscope {
namespace {

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using nlohmann::json;

// Below the normal range only an absolute check makes sense.
constexpr double kSmallestNormal = 2.2250738585072014e-308;

json LoadFixture(const std::string& name) {
  return json::parse(test::ReadFile(
      test::SourcePath(fmt::format("tests/fixtures/stats/{}", name))));
}

struct Cells {
  int64_t a, b, c, d;
};

Cells TableOf(const json& fixture_case) {
  const json& t = fixture_case.at("table");
  return {t.at(0).at(0).get<int64_t>(), t.at(0).at(1).get<int64_t>(),
          t.at(1).at(0).get<int64_t>(), t.at(1).at(1).get<int64_t>()};
}

double Greater(const Cells& t) {
  return FisherExactGreater(t.a, t.b, t.c, t.d);
}

// fisher_greater.json: tests/fixtures/stats/make_stats_fixtures.py.
// "p_exact" is the tail summed with mpmath at 60 digits.
TEST_CASE("Fisher greater matches the exact tail of every fixture",
          "[significance]") {
  const json cases = LoadFixture("fisher_greater.json");
  REQUIRE(cases.size() >= 40);
  for (const json& fixture_case : cases) {
    INFO(fixture_case.at("table").dump());
    const double expected = fixture_case.at("p_exact").get<double>();
    const double p = Greater(TableOf(fixture_case));
    if (expected < kSmallestNormal) {
      CHECK_THAT(p, WithinAbs(expected, 1e-320));
    } else {
      CHECK_THAT(p, WithinRel(expected, 1e-12));
    }
  }
}

// "p" is scipy 1.10's fisher_exact(alternative="greater"), i.e. Boost's
// hypergeometric cdf, which is itself off by up to ~1e-9 relative at 1e7
// rows and ~1.5e-8 at 1e8 rows (against "p_exact").
TEST_CASE("Fisher greater matches scipy on every fixture", "[significance]") {
  for (const json& fixture_case : LoadFixture("fisher_greater.json")) {
    INFO(fixture_case.at("table").dump());
    const Cells t = TableOf(fixture_case);
    const double expected = fixture_case.at("p").get<double>();
    const double p = Greater(t);
    const double tolerance = t.a + t.b + t.c + t.d <= 10'000'000 ? 1e-9 : 3e-8;
    if (expected < kSmallestNormal) {
      CHECK_THAT(p, WithinAbs(expected, 1e-320));
    } else {
      CHECK_THAT(p, WithinRel(expected, tolerance));
    }
  }
}

TEST_CASE("Fisher greater equals hand-computed hypergeometric tails",
          "[significance]") {
  // [[3,1],[1,3]]: N=8, K=4, n=4; (C(4,3)C(4,1) + C(4,4)) / C(8,4).
  CHECK_THAT(FisherExactGreater(3, 1, 1, 3), WithinRel(17.0 / 70, 1e-14));
  // [[1,1],[1,1]]: 1 - P(X=0) = 1 - 1/C(4,2).
  CHECK_THAT(FisherExactGreater(1, 1, 1, 1), WithinRel(5.0 / 6, 1e-14));
  CHECK_THAT(FisherExactGreater(1, 0, 0, 1), WithinRel(1.0 / 2, 1e-14));
  // a at the top of its support: only the observed table counts.
  CHECK_THAT(FisherExactGreater(5, 0, 0, 5), WithinRel(1.0 / 252, 1e-14));
  CHECK_THAT(FisherExactGreater(4, 0, 6, 10), WithinRel(14.0 / 323, 1e-14));
  // C(15,10) / C(35,10).
  CHECK_THAT(FisherExactGreater(10, 0, 5, 20),
             WithinRel(3003.0 / 183579396, 1e-14));
}

TEST_CASE("Fisher greater is exactly 1 when nothing can be more extreme",
          "[significance]") {
  CHECK(FisherExactGreater(0, 0, 0, 0) == 1.0);      // empty table
  CHECK(FisherExactGreater(0, 0, 5, 5) == 1.0);      // empty group
  CHECK(FisherExactGreater(120, 880, 0, 0) == 1.0);  // group = every row
  CHECK(FisherExactGreater(3, 0, 5, 0) == 1.0);      // no correct rows
  CHECK(FisherExactGreater(0, 4, 0, 9) == 1.0);      // no errors
  CHECK(FisherExactGreater(0, 10, 3, 7) == 1.0);     // a = 0
  CHECK(FisherExactGreater(3, 1, 2, 0) == 1.0);      // a at its minimum, 3
}

TEST_CASE("Fisher greater underflows to 0 only past the double range",
          "[significance]") {
  CHECK(FisherExactGreater(1000000, 0, 0, 1000000) == 0.0);
  // 1 / C(996, 498) ~ 5.9e-299 is still a normal double.
  CHECK_THAT(FisherExactGreater(498, 0, 0, 498),
             WithinRel(5.907761252240103e-299, 1e-12));
}

TEST_CASE("Fisher greater rejects negative cells", "[significance]") {
  CHECK(std::isnan(FisherExactGreater(-1, 2, 3, 4)));
  CHECK(std::isnan(FisherExactGreater(1, 2, 3, -4)));
}

TEST_CASE("Fisher greater is symmetric in rows and columns", "[significance]") {
  // X >= a is the same event for the transposed table, and for the table
  // with both rows and columns swapped (there d grows with a). The sums
  // differ, so tiny p-values agree only to the ~1e-13 with which
  // exp(-522) can be computed from a rounded exponent.
  const Cells tables[] = {{7, 13, 40, 200},
                          {1230, 8770, 118800, 871200},
                          {4000, 16000, 1197600, 8782400},
                          {11990, 88010, 12000, 88000}};
  for (const Cells& t : tables) {
    INFO(t.a << " " << t.b << " " << t.c << " " << t.d);
    const double p = FisherExactGreater(t.a, t.b, t.c, t.d);
    CHECK_THAT(FisherExactGreater(t.a, t.c, t.b, t.d), WithinRel(p, 1e-12));
    CHECK_THAT(FisherExactGreater(t.d, t.c, t.b, t.a), WithinRel(p, 1e-12));
  }
}

TEST_CASE("Fisher greater decreases as the group's errors grow",
          "[significance]") {
  // A group of 1000 rows among 1e6 with 120000 errors: the mode is 120, and
  // the sweep crosses the switch between the lower and the upper tail.
  const int64_t group = 1000, errors = 120000, total = 1000000;
  double previous = 1.0;
  for (int64_t a = 0; a <= 400; ++a) {
    INFO("a = " << a);
    const double p = FisherExactGreater(a, group - a, errors - a,
                                        total - group - errors + a);
    CHECK(p <= previous * (1 + 1e-14));
    CHECK(p >= 0.0);
    previous = p;
  }
  CHECK(previous < 1e-100);
}

// bh.json: Benjamini-Hochberg computed with numpy by the same script.
TEST_CASE("Benjamini-Hochberg matches the numpy reference", "[significance]") {
  for (const json& fixture_case : LoadFixture("bh.json")) {
    const auto p = fixture_case.at("p").get<std::vector<double>>();
    const auto expected = fixture_case.at("q").get<std::vector<double>>();
    const std::vector<double> q = BenjaminiHochberg(p);
    REQUIRE(q.size() == expected.size());
    for (size_t i = 0; i < q.size(); ++i) {
      INFO(fixture_case.at("p").dump() << " at " << i);
      CHECK_THAT(q[i],
                 WithinRel(expected[i], 1e-12) || WithinAbs(expected[i], 0));
    }
  }
}

TEST_CASE("Benjamini-Hochberg by hand, with ties and the cap",
          "[significance]") {
  // Sorted: 0.001 (rank 1), 0.02 (2), 0.02 (3), 0.9 (4); m = 4.
  // q = min over j >= i of p_(j) * 4 / j: the tied 0.02s both get
  // 0.02 * 4 / 3, the value at the later rank.
  const std::vector<double> q = BenjaminiHochberg({0.02, 0.02, 0.001, 0.9});
  REQUIRE(q.size() == 4);
  CHECK_THAT(q[0], WithinRel(0.02 * 4 / 3, 1e-15));
  CHECK_THAT(q[1], WithinRel(0.02 * 4 / 3, 1e-15));
  CHECK_THAT(q[2], WithinRel(0.004, 1e-15));
  CHECK_THAT(q[3], WithinRel(0.9, 1e-15));
  // 0.6 * 2 = 1.2 is capped at 1.
  CHECK(BenjaminiHochberg({0.6, 1.0}) == std::vector<double>{1.0, 1.0});
  CHECK(BenjaminiHochberg({0.3}) == std::vector<double>{0.3});
  CHECK(BenjaminiHochberg({}).empty());
}

TEST_CASE("Benjamini-Hochberg q-values are monotone in p and bound p",
          "[significance]") {
  for (const json& fixture_case : LoadFixture("bh.json")) {
    const auto p = fixture_case.at("p").get<std::vector<double>>();
    const std::vector<double> q = BenjaminiHochberg(p);
    std::vector<size_t> order(p.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::sort(order.begin(), order.end(),
              [&](size_t i, size_t j) { return p[i] < p[j]; });
    for (size_t k = 0; k < order.size(); ++k) {
      const size_t i = order[k];
      CHECK(q[i] >= p[i]);
      CHECK(q[i] <= 1.0);
      if (k > 0) CHECK(q[order[k - 1]] <= q[i]);
    }
  }
}

// two_proportion.json: scipy's chi2_contingency(correction=False), whose
// statistic is z squared.
TEST_CASE("two-proportion z-test matches scipy on every fixture",
          "[significance]") {
  const json cases = LoadFixture("two_proportion.json");
  REQUIRE(cases.size() >= 20);
  for (const json& c : cases) {
    INFO(c.dump());
    const double expected = c.at("p").get<double>();
    const double p =
        TwoProportionZTest(c.at("x1").get<int64_t>(), c.at("n1").get<int64_t>(),
                           c.at("x2").get<int64_t>(), c.at("n2").get<int64_t>());
    if (expected < kSmallestNormal) {
      CHECK_THAT(p, WithinAbs(expected, 1e-300));
    } else {
      // chi2.sf and erfc agree to a few ulp in the bulk; far in the tail
      // both lose some digits to the rounding of the statistic.
      CHECK_THAT(p, WithinRel(expected, 1e-9));
    }
  }
}

TEST_CASE("two-proportion z-test by hand", "[significance]") {
  // 8/10 vs 2/10: pooled 0.5, var = 0.25 * 0.2 = 0.05, z = 0.6 / sqrt(0.05).
  CHECK_THAT(TwoProportionZTest(8, 10, 2, 10),
             WithinRel(std::erfc(0.6 / std::sqrt(0.05) / std::sqrt(2.0)),
                       1e-15));
  // Symmetric in the two samples, and 1 when nothing differs.
  CHECK(TwoProportionZTest(2, 10, 8, 10) == TwoProportionZTest(8, 10, 2, 10));
  CHECK(TwoProportionZTest(3, 7, 3, 7) == 1.0);
  CHECK(TwoProportionZTest(0, 0, 1, 2) == 1.0);
  CHECK(TwoProportionZTest(0, 5, 0, 9) == 1.0);
  CHECK(std::isnan(TwoProportionZTest(6, 5, 1, 2)));
  CHECK(std::isnan(TwoProportionZTest(-1, 5, 1, 2)));
  CHECK(TwoSidedNormalP(0) == 1.0);
  CHECK_THAT(TwoSidedNormalP(-1.959963984540054), WithinRel(0.05, 1e-12));
}

// mcnemar.json: scipy's binomtest(b, b + c, 0.5) and the tail summed with
// mpmath at 60 digits ("p_exact").
TEST_CASE("McNemar exact matches the exact tail and scipy on every fixture",
          "[significance]") {
  const json cases = LoadFixture("mcnemar.json");
  REQUIRE(cases.size() >= 25);
  for (const json& c : cases) {
    INFO(c.dump());
    const double p =
        McNemarExact(c.at("b").get<int64_t>(), c.at("c").get<int64_t>());
    const double exact = c.at("p_exact").get<double>();
    if (exact < kSmallestNormal) {
      CHECK_THAT(p, WithinAbs(exact, 1e-320));
    } else {
      CHECK_THAT(p, WithinRel(exact, 1e-12));
      CHECK_THAT(p, WithinRel(c.at("p").get<double>(), 1e-9));
    }
  }
}

TEST_CASE("McNemar exact by hand", "[significance]") {
  // b = 5, c = 1: 2 * (C(6,0) + C(6,1)) / 2^6 = 14/64.
  CHECK_THAT(McNemarExact(5, 1), WithinRel(14.0 / 64, 1e-14));
  CHECK(McNemarExact(1, 5) == McNemarExact(5, 1));
  CHECK(McNemarExact(0, 0) == 1.0);
  CHECK(McNemarExact(4, 4) == 1.0);
  CHECK(McNemarExact(2, 3) == 1.0);  // 2 * P(X <= 2) = 2 * 16/32 = 1
  CHECK_THAT(McNemarExact(0, 10), WithinRel(2.0 / 1024, 1e-14));
  CHECK(std::isnan(McNemarExact(-1, 3)));
}

// holm.json: Holm's step-down adjustment computed with numpy.
TEST_CASE("Holm matches the numpy reference", "[significance]") {
  for (const json& c : LoadFixture("holm.json")) {
    const auto p = c.at("p").get<std::vector<double>>();
    const auto expected = c.at("adjusted").get<std::vector<double>>();
    const std::vector<double> adjusted = HolmAdjust(p);
    REQUIRE(adjusted.size() == expected.size());
    for (size_t i = 0; i < adjusted.size(); ++i) {
      INFO(c.at("p").dump() << " at " << i);
      CHECK_THAT(adjusted[i],
                 WithinRel(expected[i], 1e-12) || WithinAbs(expected[i], 0));
    }
  }
}

TEST_CASE("Holm by hand, with the running maximum and the cap",
          "[significance]") {
  // Sorted 0.01 (x3), 0.02 (x2), 0.04 (x1): 0.03, max(0.03, 0.04), 0.04.
  const std::vector<double> adjusted = HolmAdjust({0.04, 0.02, 0.01});
  REQUIRE(adjusted.size() == 3);
  CHECK_THAT(adjusted[2], WithinRel(0.03, 1e-15));
  CHECK_THAT(adjusted[1], WithinRel(0.04, 1e-15));
  CHECK_THAT(adjusted[0], WithinRel(0.04, 1e-15));
  CHECK(HolmAdjust({0.6, 0.7}) == std::vector<double>{1.0, 1.0});
  CHECK(HolmAdjust({}).empty());
}

}  // namespace
}  // namespace errscope
