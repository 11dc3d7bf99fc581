// ExactSum: each addition is value * 2^52 rounded half away from zero
// (checked against llround(ldexp(...)), the definition), sums do not depend
// on the order of additions or merges, and the text form round-trips.
#include "errscope/exact_sum.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

namespace errscope {
namespace {

/// The definition, with the library calls the inline code replaced.
__int128 Scaled(double value) {
  return static_cast<__int128>(std::llround(std::ldexp(value, 52)));
}

TEST_CASE("ExactSum adds value * 2^52 rounded half away from zero",
          "[exact_sum]") {
  std::vector<double> values = {0.0,  -0.0, 1.0,  -1.0,  0.5,  0.3,
                                -0.3, 1e-300, 2047.999, -2047.999, 34.538776394910684};
  // Ties: odd multiples of 2^-53 have a fraction of exactly 0.5 once
  // scaled; 2^-54 multiples give 0.25 and 0.75.
  for (int k : {1, 3, 5, 1001}) {
    values.push_back(std::ldexp(k, -53));
    values.push_back(-std::ldexp(k, -53));
    values.push_back(std::ldexp(k, -54));
    values.push_back(-std::ldexp(k, -54));
    values.push_back(1 + std::ldexp(k, -52));
  }
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> unit(-1, 1);
  for (int i = 0; i < 100000; ++i) {
    values.push_back(unit(rng) * std::ldexp(1.0, static_cast<int>(rng() % 64) - 53));
  }
  for (double v : values) {
    INFO("value " << v);
    ExactSum one;
    one.Add(v);
    ExactSum expected;
    ExactSum::FromString(std::to_string(static_cast<long long>(Scaled(v))),
                         &expected);
    CHECK(one == expected);
  }
}

TEST_CASE("ExactSum does not depend on the order of additions and merges",
          "[exact_sum]") {
  std::mt19937_64 rng(4);
  std::uniform_real_distribution<double> loss(0, 34.6);
  std::vector<double> values(10000);
  for (double& v : values) v = loss(rng);
  ExactSum forward, backward, merged;
  for (double v : values) forward.Add(v);
  for (auto it = values.rbegin(); it != values.rend(); ++it) backward.Add(*it);
  ExactSum a, b;
  for (size_t i = 0; i < values.size(); ++i) (i % 3 == 0 ? a : b).Add(values[i]);
  merged.Merge(b);
  merged.Merge(a);
  CHECK(forward == backward);
  CHECK(forward == merged);
  long double plain = 0;
  for (double v : values) plain += v;
  CHECK(std::abs(forward.value() - plain) < 1e-9);
}

TEST_CASE("ExactSum's text form round-trips and rejects non-integers",
          "[exact_sum]") {
  ExactSum s;
  for (double v : {0.25, -3.5, 1e-9}) s.Add(v);
  ExactSum back;
  REQUIRE(ExactSum::FromString(s.ToString(), &back));
  CHECK(back == s);
  CHECK(ExactSum().ToString() == "0");
  ExactSum ignored;
  CHECK_FALSE(ExactSum::FromString("", &ignored));
  CHECK_FALSE(ExactSum::FromString("-", &ignored));
  CHECK_FALSE(ExactSum::FromString("1.5", &ignored));
  CHECK_FALSE(ExactSum::FromString(std::string(39, '9'), &ignored));
}

}  // namespace
}  // namespace errscope
