#include "errscope/proportion.h"

#include <catch2/catch.hpp>

namespace errscope {
namespace {

using Catch::Matchers::WithinRel;

// Expected values: scipy 1.10
// binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson").
TEST_CASE("Wilson interval matches scipy") {
  struct Case {
    int64_t k, n;
    double lo, hi;
  };
  const Case cases[] = {
      {3, 10, 0.10779126740630102, 0.6032218525388546},
      {0, 7, 0.0, 0.35433043506668743},
      {7, 7, 0.6456695649333126, 1.0},
      {1, 1000000, 1.765245767453709e-07, 5.664911804311442e-06},
  };
  for (const Case& c : cases) {
    INFO(c.k << "/" << c.n);
    Interval ci = WilsonInterval95(c.k, c.n);
    CHECK_THAT(ci.lo, WithinRel(c.lo, 1e-12) || Catch::Matchers::WithinAbs(c.lo, 0));
    CHECK_THAT(ci.hi, WithinRel(c.hi, 1e-12));
  }
}

TEST_CASE("Wilson interval bounds are exact at the edges") {
  CHECK(WilsonInterval95(0, 50).lo == 0.0);
  CHECK(WilsonInterval95(50, 50).hi == 1.0);
  Interval none = WilsonInterval95(0, 0);
  CHECK(none.lo == 0.0);
  CHECK(none.hi == 1.0);
}

}  // namespace
}  // namespace errscope
