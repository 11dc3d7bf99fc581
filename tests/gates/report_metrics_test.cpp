// Metric paths over a JSON report, on small inputs worked out by hand.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "errscope/gates.h"
#include "test_util.h"

namespace errscope {
namespace {

using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using nlohmann::json;

// 10 rows, 3 errors (rows 3, 5 and 9). Class a: support 5 (rows 1, 2, 3, 7,
// 9), tp 3, predicted 4 (rows 1, 2, 5, 7). Class b: support 5, tp 4,
// predicted 6. sex F: rows 1, 2, 3, 8, 10, one error; M: rows 4, 5, 6, 7, 9,
// two errors. age, in 2 quantile bins: [20, 50) holds rows 1, 2, 3, 9, 10
// (two errors), [50, 90] rows 4 to 8 (one error). One error at confidence
// >= 0.9 (row 9).
const char* kSmall =
    "label,pred,confidence,sex,age\n"
    "a,a,0.9,F,20\n"
    "a,a,0.8,F,30\n"
    "a,b,0.7,F,40\n"
    "b,b,0.9,M,50\n"
    "b,a,0.6,M,60\n"
    "b,b,0.95,M,70\n"
    "a,a,0.85,M,80\n"
    "b,b,0.75,F,90\n"
    "a,b,0.99,M,25\n"
    "b,b,0.65,F,35\n";

json ReportOf(const std::string& csv, std::vector<std::string> args = {}) {
  test::TempDir dir;
  args.insert(args.begin(),
              {"analyze", dir.Write("p.csv", csv), "--format", "json"});
  const test::CliResult r = test::RunCli(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

json SmallReport(int min_rows = 0) {
  return ReportOf(kSmall, {"--max-categories", "3", "--feature-bins", "2",
                           "--min-rows", std::to_string(min_rows)});
}

MetricValue Value(const json& report, const std::string& path) {
  Rule rule;
  const Status parsed = ParseRule(path + " >= 0", &rule);
  REQUIRE(parsed.ok());
  MetricValue v;
  const Status s = LookUpMetric(report, rule.path, &v);
  INFO(path << ": " << s.message());
  REQUIRE(s.ok());
  return v;
}

double Number(const json& report, const std::string& path) {
  const MetricValue v = Value(report, path);
  INFO(path);
  REQUIRE(v.value.has_value());
  return *v.value;
}

std::string LookUpError(const json& report, const std::string& path) {
  Rule rule;
  REQUIRE(ParseRule(path + " >= 0", &rule).ok());
  MetricValue v;
  const Status s = LookUpMetric(report, rule.path, &v);
  INFO(path);
  REQUIRE_FALSE(s.ok());
  return s.message();
}

TEST_CASE("metrics: headline, per-class and averages by hand", "[gates]") {
  const json r = SmallReport();
  CHECK(Number(r, "accuracy") == 0.7);
  CHECK_THAT(Number(r, "error_rate"), WithinAbs(0.3, 1e-15));
  CHECK(Number(r, "rows") == 10);
  CHECK(Number(r, "errors") == 3);
  CHECK(Number(r, "correct") == 7);
  CHECK(Number(r, "rows_skipped") == 0);
  CHECK(Number(r, "recall[a]") == 0.6);
  CHECK(Number(r, "precision[a]") == 0.75);
  CHECK(Number(r, "recall[b]") == 0.8);
  CHECK_THAT(Number(r, "precision[b]"), WithinAbs(4.0 / 6, 1e-15));
  CHECK(Number(r, "support[b]") == 5);
  CHECK(Number(r, "predicted[b]") == 6);
  CHECK(Number(r, "fp[b]") == 2);
  CHECK(Number(r, "fn[a]") == 2);
  CHECK(Number(r, "tp[a]") == 3);
  CHECK(Number(r, "tn[a]") == 4);
  // macro recall = balanced accuracy = (0.6 + 0.8) / 2.
  CHECK_THAT(Number(r, "macro.recall"), WithinAbs(0.7, 1e-15));
  CHECK_THAT(Number(r, "balanced_accuracy"), WithinAbs(0.7, 1e-15));
  CHECK_THAT(Number(r, "macro.precision"), WithinAbs((0.75 + 4.0 / 6) / 2, 1e-15));
  CHECK(Number(r, "micro.f1") == 0.7);
  // The same numbers the report itself holds.
  CHECK(Number(r, "macro.f1") == r["averages"]["macro"]["f1"].get<double>());
  CHECK(Number(r, "weighted.f1") ==
        r["averages"]["weighted"]["f1"].get<double>());
  CHECK(Number(r, "mcc") == r["metrics"]["mcc"].get<double>());
  CHECK(Number(r, "kappa") == r["metrics"]["cohen_kappa"].get<double>());
  CHECK(Number(r, "cohen_kappa") == Number(r, "kappa"));
  CHECK(Number(r, "ece") == r["calibration"]["ece"].get<double>());
  CHECK(Number(r, "mce") == r["calibration"]["mce"].get<double>());
  CHECK(Number(r, "high_confidence_errors") == 1);
  CHECK_THAT(Number(r, "high_confidence_error_share"), WithinAbs(1.0 / 3, 1e-15));
  CHECK(Number(r, "low_confidence_correct") == 0);
}

TEST_CASE("metrics: slice groups by value and by bin", "[gates]") {
  const json r = SmallReport();
  CHECK(Number(r, "slice[sex=F].error_rate") == 0.2);
  CHECK(Number(r, "slice[sex=M].error_rate") == 0.4);
  CHECK(Number(r, "slice[sex=M].rows") == 5);
  CHECK(Number(r, "slice[sex=M].errors") == 2);
  CHECK_THAT(Number(r, "slice[sex=M].lift"), WithinAbs(0.4 / 0.3, 1e-12));
  CHECK_THAT(Number(r, "slice[sex=M].excess_errors"), WithinAbs(0.5, 1e-12));
  // Bins as the text report labels them; blanks do not matter.
  CHECK(Number(r, "slice[age=[20, 50)].error_rate") == 0.4);
  CHECK(Number(r, "slice[age=[20,50)].errors") == 2);
  CHECK(Number(r, "slice[age=[50, 90]].error_rate") == 0.2);
  // The last bin is closed: "[50, 90)" does not name it.
  CHECK_THAT(LookUpError(r, "slice[age=[50, 90)].rows"),
             Contains("unknown group of feature 'age': '[50, 90)'"));
  const std::vector<std::string> labels = SliceGroupLabels(r["slices"][1]);
  CHECK(labels == std::vector<std::string>{"[20, 50)", "[50, 90]"});
}

TEST_CASE("metrics: slice aggregates honour --min-rows", "[gates]") {
  const json all = SmallReport(0);
  const MetricValue worst = Value(all, "slices.max_error_rate");
  REQUIRE(worst.value);
  CHECK(*worst.value == 0.4);
  CHECK(worst.where == "sex=M");  // the first group with the maximum
  const MetricValue lift = Value(all, "slices.max_lift");
  REQUIRE(lift.value);
  CHECK_THAT(*lift.value, WithinAbs(0.4 / 0.3, 1e-12));
  CHECK(Number(all, "slices.significant") == 0);

  // With the default --min-rows 30 no group of 5 rows counts: undefined.
  const json strict = SmallReport(30);
  CHECK_FALSE(Value(strict, "slices.max_error_rate").value.has_value());
}

TEST_CASE("metrics: numeric class labels are found by value", "[gates]") {
  const json r = ReportOf("label,pred\n1,1\n1,0\n0,0\n0,0\n");
  CHECK(Number(r, "recall[1]") == 0.5);
  CHECK(Number(r, "recall[1.0]") == 0.5);
  CHECK(Number(r, "recall[0.00]") == 1.0);
}

TEST_CASE("metrics: undefined values and missing sections", "[gates]") {
  // One class only: kappa is undefined (p_e = 1); no confidence column: no
  // calibration; no features: no slices.
  const json r = ReportOf("label,pred\na,a\na,a\n");
  CHECK_FALSE(Value(r, "cohen_kappa").value.has_value());
  CHECK_THAT(LookUpError(r, "ece"),
             Contains("no calibration: the input has no confidence column"));
  CHECK_THAT(LookUpError(r, "high_confidence_errors"),
             Contains("no confidence column"));
  CHECK_THAT(LookUpError(r, "slices.max_error_rate"),
             Contains("the report has no slices"));
  CHECK_THAT(LookUpError(r, "slice[x=1].rows"), Contains("no slices"));
  // A confidence but no probabilities: no Brier score.
  const json c = ReportOf("label,pred,confidence\na,a,0.9\nb,a,0.6\n");
  CHECK(Value(c, "ece").value.has_value());
  CHECK_THAT(LookUpError(c, "brier"), Contains("needs probability columns"));
}

TEST_CASE("metrics: unknown names list what exists", "[gates]") {
  const json r = SmallReport();
  CHECK_THAT(LookUpError(r, "acuracy"),
             Contains("unknown metric 'acuracy'; did you mean 'accuracy'?"));
  CHECK_THAT(LookUpError(r, "acuracy"), Contains("slices.max_error_rate"));
  CHECK_THAT(LookUpError(r, "macro.f2"),
             Contains("unknown metric 'macro.f2'; did you mean"));
  CHECK_THAT(LookUpError(r, "macro"), Contains("unknown metric 'macro'"));
  CHECK_THAT(LookUpError(r, "accuracy.x"), Contains("unknown metric"));
  CHECK_THAT(LookUpError(r, "recall"),
             Contains("'recall' is per class: name one, e.g. recall[CLASS]"));
  CHECK_THAT(LookUpError(r, "recall[c]"),
             Contains("unknown class 'c'"));
  CHECK_THAT(LookUpError(r, "recall[c]"), Contains("classes: a, b"));
  CHECK_THAT(LookUpError(r, "accuracy[a]"), Contains("unknown metric"));
  CHECK_THAT(LookUpError(r, "slice[sex=F]"),
             Contains("'slice[sex=F]' needs a field: 'error_rate'"));
  CHECK_THAT(LookUpError(r, "slice[sex=F].rate"),
             Contains("unknown slice field 'rate'"));
  CHECK_THAT(LookUpError(r, "slice[sex].rows"),
             Contains("expected FEATURE=VALUE"));
  CHECK_THAT(LookUpError(r, "slice[sx=F].rows"),
             Contains("unknown feature 'sx'; did you mean 'sex'?"));
  CHECK_THAT(LookUpError(r, "slice[sex=f].rows"),
             Contains("unknown group of feature 'sex': 'f'"));
  CHECK_THAT(LookUpError(r, "slices.max_errors"),
             Contains("unknown metric 'slices.max_errors'"));
  CHECK_THAT(LookUpError(r, "slice.rows"), Contains("'slice' needs a group"));
}

TEST_CASE("metric names are checked without a report", "[gates]") {
  auto check = [](const std::string& metric) {
    Rule rule;
    REQUIRE(ParseRule(metric + " >= 0", &rule).ok());
    return CheckMetricName(rule.path);
  };
  for (const char* good :
       {"accuracy", "kappa", "macro.f1", "micro.recall", "recall[anything]",
        "tn[x]", "slice[a=b].lift", "slices.significant", "ece",
        "rows_skipped"}) {
    INFO(good);
    CHECK(check(good).ok());
  }
  CHECK_THAT(check("acuracy").message(), Contains("did you mean 'accuracy'"));
  CHECK_THAT(check("recall").message(), Contains("is per class"));
  CHECK_THAT(check("slice[ab].rows").message(), Contains("FEATURE=VALUE"));
  CHECK_THAT(check("slice[a=b]").message(), Contains("needs a field"));
  CHECK_THAT(check("slice[a=b].rate").message(), Contains("unknown slice field"));
  CHECK_THAT(check("slices.max").message(), Contains("unknown metric"));
  CHECK_THAT(check("macro.f1.x").message(), Contains("unknown metric"));
}

TEST_CASE("rules evaluate every comparison; undefined fails", "[gates]") {
  const json r = SmallReport(30);
  std::vector<Rule> rules;
  for (const char* text :
       {"accuracy >= 0.7", "accuracy > 0.7", "accuracy <= 0.7",
        "accuracy < 0.7", "accuracy == 0.7", "accuracy != 0.7",
        "slices.max_error_rate <= 1"}) {
    Rule rule;
    REQUIRE(ParseRule(text, &rule).ok());
    rules.push_back(rule);
  }
  std::vector<RuleResult> results;
  REQUIRE(EvaluateRules(r, rules, &results).ok());
  REQUIRE(results.size() == rules.size());
  std::vector<bool> passed;
  for (const RuleResult& res : results) passed.push_back(res.passed);
  CHECK(passed ==
        std::vector<bool>{true, false, true, false, true, false, false});

  Rule bad;
  REQUIRE(ParseRule("recall[zzz] > 0", &bad).ok());
  const Status s = EvaluateRules(r, {bad}, &results);
  REQUIRE_FALSE(s.ok());
  CHECK_THAT(s.message(), Contains("rule 'recall[zzz] > 0': unknown class"));
}

}  // namespace
}  // namespace errscope
