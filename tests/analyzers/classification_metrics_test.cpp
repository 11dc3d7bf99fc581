// Hand-computed metrics for small matrices (each expected value is written
// as the fraction it comes from).
#include "errscope/classification_metrics.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <fmt/format.h>

namespace errscope {
namespace {

using Catch::Matchers::WithinAbs;

ConfusionSection Section(const CountMatrix& counts) {
  ConfusionSection s;
  for (Eigen::Index i = 0; i < counts.rows(); ++i) {
    // fmt, not "c" + std::to_string(i): GCC 12 warns falsely (-Wrestrict).
    s.classes.push_back(fmt::format("c{}", i));
  }
  s.counts = counts;
  s.cells = NonZeroCells(s.counts);
  ComputeClassificationMetrics(&s);
  return s;
}

TEST_CASE("three-class matrix: per class, averages, kappa and MCC") {
  CountMatrix c(3, 3);
  c << 5, 1, 0,  //
      2, 3, 1,   //
      0, 0, 4;
  ConfusionSection s = Section(c);
  // support 6, 6, 4; predicted 7, 4, 5; N = 16; correct = 12.
  const ClassMetrics& m0 = s.per_class[0];
  CHECK(m0.support == 6);
  CHECK(m0.predicted == 7);
  CHECK(m0.tp == 5);
  CHECK(m0.fp == 2);
  CHECK(m0.fn == 1);
  CHECK(m0.tn == 8);
  CHECK_THAT(m0.scores.precision, WithinAbs(5.0 / 7, 1e-15));
  CHECK_THAT(m0.scores.recall, WithinAbs(5.0 / 6, 1e-15));
  CHECK_THAT(m0.scores.f1, WithinAbs(2.0 * 5 / (2 * 5 + 2 + 1), 1e-15));
  CHECK_THAT(s.per_class[1].scores.precision, WithinAbs(3.0 / 4, 1e-15));
  CHECK_THAT(s.per_class[2].scores.recall, WithinAbs(1.0, 1e-15));

  const double p[] = {5.0 / 7, 3.0 / 4, 4.0 / 5};
  const double r[] = {5.0 / 6, 3.0 / 6, 4.0 / 4};
  CHECK_THAT(s.macro.precision, WithinAbs((p[0] + p[1] + p[2]) / 3, 1e-15));
  CHECK_THAT(s.macro.recall, WithinAbs((r[0] + r[1] + r[2]) / 3, 1e-15));
  CHECK_THAT(s.weighted.precision,
             WithinAbs((6 * p[0] + 6 * p[1] + 4 * p[2]) / 16, 1e-15));
  CHECK_THAT(s.micro.precision, WithinAbs(12.0 / 16, 1e-15));
  CHECK_THAT(s.micro.f1, WithinAbs(12.0 / 16, 1e-15));
  CHECK_THAT(s.accuracy, WithinAbs(12.0 / 16, 1e-15));
  CHECK_THAT(s.balanced_accuracy, WithinAbs((r[0] + r[1] + r[2]) / 3, 1e-15));
  // p_o = 12/16, p_e = (6*7 + 6*4 + 4*5)/256 = 86/256: kappa = 106/170.
  REQUIRE(s.cohen_kappa.has_value());
  CHECK_THAT(*s.cohen_kappa, WithinAbs(106.0 / 170, 1e-15));
  // (12*16 - 86) / sqrt((256 - 90) * (256 - 88)).
  CHECK_THAT(s.mcc, WithinAbs(106.0 / std::sqrt(166.0 * 168.0), 1e-15));
}

TEST_CASE("a class with no support and no predictions scores 0") {
  CountMatrix c(3, 3);
  c << 4, 1, 0,  //
      2, 3, 0,   //
      0, 0, 0;
  ConfusionSection s = Section(c);
  CHECK(s.per_class[2].scores.precision == 0);
  CHECK(s.per_class[2].scores.recall == 0);
  CHECK(s.per_class[2].scores.f1 == 0);
  CHECK(s.per_class[2].tn == 10);
  // Macro includes the zeros; balanced accuracy skips the class.
  CHECK_THAT(s.macro.recall, WithinAbs((4.0 / 5 + 3.0 / 5) / 3, 1e-15));
  CHECK_THAT(s.balanced_accuracy, WithinAbs((4.0 / 5 + 3.0 / 5) / 2, 1e-15));
}

TEST_CASE("a class only predicted has recall 0 and is not in balanced "
          "accuracy") {
  CountMatrix c(2, 2);
  c << 3, 2,  //
      0, 0;
  ConfusionSection s = Section(c);
  CHECK(s.per_class[1].scores.precision == 0);
  CHECK(s.per_class[1].scores.recall == 0);
  CHECK_THAT(s.balanced_accuracy, WithinAbs(3.0 / 5, 1e-15));
  // Everything true is class 0: no variance in truth, MCC 0.
  CHECK(s.mcc == 0);
}

TEST_CASE("one class only: kappa undefined, MCC 0, everything else 1") {
  CountMatrix c(1, 1);
  c << 9;
  ConfusionSection s = Section(c);
  CHECK_FALSE(s.cohen_kappa.has_value());
  CHECK(s.mcc == 0);
  CHECK(s.accuracy == 1);
  CHECK(s.per_class[0].scores.f1 == 1);
}

TEST_CASE("top confusions: by count, ties in class order, share of errors") {
  CountMatrix c(3, 3);
  c << 0, 2, 3,  //
      3, 0, 0,   //
      1, 0, 0;
  ConfusionSection s = Section(c);
  std::vector<Confusion> top = TopConfusions(s, 3);
  REQUIRE(top.size() == 3);
  CHECK((top[0].label == "c0" && top[0].pred == "c2"));  // 3, row 0 first
  CHECK((top[1].label == "c1" && top[1].pred == "c0"));  // 3, row 1
  CHECK((top[2].label == "c0" && top[2].pred == "c1"));  // 2
  CHECK_THAT(top[0].share_of_errors, WithinAbs(3.0 / 9, 1e-15));
  CHECK(TopConfusions(s, 0).empty());
  CHECK(TopConfusions(s, 10).size() == 4);
}

TEST_CASE("a perfect model has no confusions") {
  CountMatrix c(2, 2);
  c << 4, 0,  //
      0, 6;
  ConfusionSection s = Section(c);
  CHECK(TopConfusions(s, 10).empty());
  CHECK(s.mcc == 1);
  CHECK(*s.cohen_kappa == 1);
}

}  // namespace
}  // namespace errscope
