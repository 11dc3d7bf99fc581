// A candidate report against a baseline: the tests by hand on small
// reports, and by simulation: the same model passes, a worse one fails.
#include "errscope/baseline.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "errscope/significance.h"
#include "test_util.h"

namespace errscope {
namespace {

using Catch::Matchers::Contains;
using Catch::Matchers::WithinRel;
using nlohmann::json;

/// A minimal report: two classes a and b and one feature "region".
/// Accuracy = (tp_a + tp_b) / rows with rows = support_a + support_b.
json MakeReport(int64_t tp_a, int64_t support_a, int64_t predicted_a,
                int64_t tp_b, int64_t support_b, int64_t predicted_b,
                int64_t north_errors, int64_t north_rows) {
  const int64_t rows = support_a + support_b;
  const int64_t correct = tp_a + tp_b;
  const int64_t errors = rows - correct;
  return json{
      {"schema_version", 1},
      {"summary", {{"rows", rows}, {"correct", correct}, {"errors", errors}}},
      {"per_class",
       {{{"label", "a"}, {"tp", tp_a}, {"support", support_a},
         {"predicted", predicted_a}},
        {{"label", "b"}, {"tp", tp_b}, {"support", support_b},
         {"predicted", predicted_b}}}},
      {"averages", {{"macro", {{"f1", 0.8}}}, {"weighted", {{"f1", 0.8}}}}},
      {"metrics", {{"cohen_kappa", 0.5}, {"mcc", 0.5}}},
      {"calibration", nullptr},
      {"slices",
       {{{"feature", "region"},
         {"kind", "categorical"},
         {"groups",
          {{{"value", "north"}, {"rows", north_rows}, {"errors", north_errors},
            {"other", false}, {"missing", false}},
           {{"value", "(other)"}, {"rows", rows - north_rows},
            {"errors", errors - north_errors}, {"other", true},
            {"missing", false}}}}}}}};
}

const MetricComparison& Find(const BaselineResult& r, const std::string& m) {
  for (const MetricComparison& c : r.comparisons) {
    if (c.metric == m) return c;
  }
  FAIL("no comparison " << m);
  return r.comparisons.front();
}

BaselineResult Compare(const json& base, const json& cand,
                       BaselineOptions options = {}) {
  BaselineResult r;
  const Status s = CompareWithBaseline(base, cand, options, &r);
  INFO(s.message());
  REQUIRE(s.ok());
  return r;
}

TEST_CASE("baseline: the same report changes nothing", "[gates]") {
  const json r = MakeReport(400, 500, 450, 450, 500, 550, 30, 200);
  const BaselineResult b = Compare(r, r);
  CHECK(b.regressions == 0);
  CHECK(b.improvements == 0);
  // accuracy, balanced accuracy, 2 x (recall, precision), one slice; (other)
  // is left out.
  CHECK(b.tests == 7);
  for (const MetricComparison& c : b.comparisons) {
    INFO(c.metric);
    CHECK(c.delta == 0);
    if (c.p_value) {
      CHECK(*c.p_value == 1.0);
      CHECK(c.verdict == Verdict::kUnchanged);
    } else {
      CHECK(c.verdict == Verdict::kNotTested);
    }
  }
  CHECK(Find(b, "macro.f1").verdict == Verdict::kNotTested);
  CHECK(Find(b, "slice[region=north].error_rate").higher_is_better == false);
}

TEST_CASE("baseline: tests from the counts, Holm over all of them",
          "[gates]") {
  // Accuracy 850/1000 -> 800/1000, recall[a] 400/500 -> 350/500, the north
  // slice's error rate 30/200 -> 60/200.
  const json base = MakeReport(400, 500, 450, 450, 500, 550, 30, 200);
  const json cand = MakeReport(350, 500, 400, 450, 500, 600, 60, 200);
  const BaselineResult b = Compare(base, cand);

  const MetricComparison& acc = Find(b, "accuracy");
  CHECK(acc.baseline == 0.85);
  CHECK(acc.candidate == 0.8);
  CHECK(*acc.baseline_count == 850);
  CHECK(*acc.candidate_total == 1000);
  CHECK(*acc.p_value == TwoProportionZTest(850, 1000, 800, 1000));

  const MetricComparison& recall = Find(b, "recall[a]");
  CHECK(*recall.p_value == TwoProportionZTest(400, 500, 350, 500));
  const MetricComparison& precision_b = Find(b, "precision[b]");
  CHECK(precision_b.baseline == 450.0 / 550);
  CHECK(precision_b.candidate == 450.0 / 600);

  // Balanced accuracy: recalls (0.8, 0.9) -> (0.7, 0.9); pooled variances
  // r(1-r)(1/500 + 1/500) per class, over K^2 = 4.
  const MetricComparison& balanced = Find(b, "balanced_accuracy");
  CHECK_THAT(balanced.delta, WithinRel(-0.05, 1e-12));
  const double variance =
      (0.75 * 0.25 * (2.0 / 500) + 0.9 * 0.1 * (2.0 / 500)) / 4;
  CHECK_THAT(*balanced.p_value,
             WithinRel(std::erfc(0.05 / std::sqrt(variance) / std::sqrt(2.0)),
                       1e-9));

  // The adjusted p-values are Holm's over every tested comparison.
  std::vector<double> raw, adjusted;
  for (const MetricComparison& c : b.comparisons) {
    if (!c.p_value) continue;
    raw.push_back(*c.p_value);
    adjusted.push_back(*c.adjusted_p_value);
  }
  CHECK(adjusted == HolmAdjust(raw));
  CHECK(b.tests == static_cast<int>(raw.size()));

  CHECK(acc.verdict == Verdict::kRegression);
  CHECK(recall.verdict == Verdict::kRegression);
  const MetricComparison& north = Find(b, "slice[region=north].error_rate");
  CHECK(north.delta == 0.15);
  CHECK(north.verdict == Verdict::kRegression);  // higher error is worse
  CHECK(b.regressions >= 3);

  // The other way round, the same changes are improvements.
  const BaselineResult back = Compare(cand, base);
  CHECK(Find(back, "accuracy").verdict == Verdict::kImprovement);
  CHECK(Find(back, "slice[region=north].error_rate").verdict ==
        Verdict::kImprovement);
  CHECK(back.regressions == 0);
  CHECK(back.improvements == b.regressions);
}

TEST_CASE("baseline: the tolerance and alpha decide", "[gates]") {
  const json base = MakeReport(400, 500, 450, 450, 500, 550, 30, 200);
  const json cand = MakeReport(350, 500, 400, 450, 500, 600, 30, 200);
  // Accuracy falls by 0.05: a regression with tolerance 0.04, not 0.05.
  CHECK(Find(Compare(base, cand, {0.04, 0.05}), "accuracy").verdict ==
        Verdict::kRegression);
  CHECK(Find(Compare(base, cand, {0.05, 0.05}), "accuracy").verdict ==
        Verdict::kUnchanged);
  // A tiny alpha makes the same drop not significant.
  CHECK(Find(Compare(base, cand, {0, 1e-9}), "accuracy").verdict ==
        Verdict::kUnchanged);
  // A small drop on few rows is noise.
  const json small_base = MakeReport(40, 50, 45, 45, 50, 55, 3, 20);
  const json small_cand = MakeReport(38, 50, 43, 45, 50, 57, 4, 20);
  const BaselineResult noise = Compare(small_base, small_cand);
  CHECK(noise.regressions == 0);
  CHECK(Find(noise, "accuracy").delta < 0);
}

TEST_CASE("baseline: classes and groups in one report only", "[gates]") {
  json base = MakeReport(400, 500, 450, 450, 500, 550, 30, 200);
  json cand = base;
  cand["per_class"][1]["label"] = "c";
  cand["slices"][0]["groups"][0]["value"] = "south";
  const BaselineResult b = Compare(base, cand);
  CHECK(b.only_in_baseline ==
        std::vector<std::string>{"class b", "slice region=north"});
  CHECK(b.only_in_candidate ==
        std::vector<std::string>{"class c", "slice region=south"});
  // Different classes: balanced accuracy is not comparable.
  for (const MetricComparison& c : b.comparisons) {
    CHECK(c.metric != "balanced_accuracy");
  }
  CHECK(Find(b, "recall[a]").verdict == Verdict::kUnchanged);
}

TEST_CASE("baseline: keys that need quotes in a rule are quoted", "[gates]") {
  json base = MakeReport(400, 500, 450, 450, 500, 550, 30, 200);
  base["per_class"][0]["label"] = "x] y";
  const BaselineResult b = Compare(base, base);
  CHECK(Find(b, "recall[\"x] y\"]").delta == 0);
  CHECK(Find(b, "recall[b]").delta == 0);
}

TEST_CASE("baseline: documents that are not reports are refused", "[gates]") {
  CHECK_THAT(CheckReportDocument(json::object(), "b.json").message(),
             Contains("b.json: not an errscope JSON report"));
  json future = MakeReport(4, 5, 4, 4, 5, 5, 1, 2);
  future["schema_version"] = 2;
  CHECK_THAT(CheckReportDocument(future, "b.json").message(),
             Contains("schema_version 2 is not one this errscope reads (1)"));
  CHECK(CheckReportDocument(MakeReport(4, 5, 4, 4, 5, 5, 1, 2), "b.json").ok());

  json broken = MakeReport(4, 5, 4, 4, 5, 5, 1, 2);
  broken["summary"]["correct"] = 11;  // more correct rows than rows
  BaselineResult r;
  CHECK_THAT(CompareWithBaseline(broken, broken, {}, &r).message(),
             Contains("inconsistent counts for accuracy"));
  json truncated = MakeReport(4, 5, 4, 4, 5, 5, 1, 2);
  truncated.erase("per_class");
  CHECK_THAT(CompareWithBaseline(truncated, truncated, {}, &r).message(),
             Contains("the reports cannot be compared"));
}

// ------------------------------------------------------------ simulation

/// Predictions of a model on `rows` examples: three classes, a region
/// feature whose "east" value is harder, a numeric feature, a confidence.
/// The model is right with probability `accuracy` (lower in the east).
std::string SimulatedPredictions(uint32_t seed, int rows, double accuracy) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  const char* classes[] = {"cat", "dog", "bird"};
  const char* regions[] = {"north", "south", "east", "west"};
  std::string csv = "label,pred,confidence,region,age\n";
  for (int i = 0; i < rows; ++i) {
    const int label = static_cast<int>(rng() % 3);
    const int region = static_cast<int>(rng() % 4);
    // East is 10 points harder; the others make up for it on average.
    const double p = region == 2 ? accuracy - 0.075 : accuracy + 0.025;
    const bool right = unit(rng) < p;
    const int pred = right ? label : (label + 1 + static_cast<int>(rng() % 2)) % 3;
    const double confidence = right ? 0.5 + 0.5 * unit(rng) : 0.34 + 0.5 * unit(rng);
    csv += fmt::format("{},{},{:.4f},{},{}\n", classes[label], classes[pred],
                       confidence, regions[region], 18 + rng() % 60);
  }
  return csv;
}

json SimulatedReport(const test::TempDir& dir, uint32_t seed, double accuracy) {
  const std::string path = dir.Write(fmt::format("p{}.csv", seed),
                                     SimulatedPredictions(seed, 5000, accuracy));
  const test::CliResult r =
      test::RunCli({"analyze", path, "--format", "json", "--threads", "1"});
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

TEST_CASE("baseline: the same model passes in >= 95% of 200 trials, one 5 "
          "points worse fails in >= 99%",
          "[gates][simulation]") {
  test::TempDir dir;
  int same_passed = 0, worse_failed = 0;
  constexpr int kTrials = 200;
  for (int t = 0; t < kTrials; ++t) {
    const uint32_t seed = 1000 + 3 * static_cast<uint32_t>(t);
    const json base = SimulatedReport(dir, seed, 0.85);
    const json same = SimulatedReport(dir, seed + 1, 0.85);
    const json worse = SimulatedReport(dir, seed + 2, 0.80);
    BaselineResult r;
    REQUIRE(CompareWithBaseline(base, same, {}, &r).ok());
    REQUIRE(r.tests >= 10);  // not a vacuous pass
    if (r.regressions == 0) ++same_passed;
    REQUIRE(CompareWithBaseline(base, worse, {}, &r).ok());
    if (r.regressions > 0) ++worse_failed;
  }
  INFO("same model passed " << same_passed << ", worse model failed "
                            << worse_failed << " of " << kTrials);
  CHECK(same_passed >= 190);
  CHECK(worse_failed >= 198);
}

}  // namespace
}  // namespace errscope
