// errscope check end to end: exit codes, outputs, rules files, baselines.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_util.h"

namespace errscope::test {
namespace {

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using nlohmann::json;

// 10 rows, accuracy 0.7; recall[a] = 0.6, recall[b] = 0.8; sex F error
// rate 0.2, M 0.4 (see tests/gates/report_metrics_test.cpp).
const char* kSmall =
    "label,pred,confidence,sex\n"
    "a,a,0.9,F\n"
    "a,a,0.8,F\n"
    "a,b,0.7,F\n"
    "b,b,0.9,M\n"
    "b,a,0.6,M\n"
    "b,b,0.95,M\n"
    "a,a,0.85,M\n"
    "b,b,0.75,F\n"
    "a,b,0.99,M\n"
    "b,b,0.65,F\n";

/// `rows` rows: the first `wrong` of them wrong, alternating classes.
std::string Predictions(int rows, int wrong) {
  std::string csv = "label,pred,group\n";
  for (int i = 0; i < rows; ++i) {
    const std::string label = i % 2 == 0 ? "x" : "y";
    const std::string other = i % 2 == 0 ? "y" : "x";
    csv += label + "," + (i < wrong ? other : label) + "," +
           (i % 3 == 0 ? "g1" : "g2") + "\n";
  }
  return csv;
}

CliResult Check(std::vector<std::string> args) {
  args.insert(args.begin(), "check");
  return RunCli(args);
}

TEST_CASE("check: passing rules exit 0, a failing one exits 1", "[check]") {
  TempDir dir;
  const std::string path = dir.Write("p.csv", kSmall);
  CliResult ok = Check({path, "--rule", "accuracy >= 0.7", "-r",
                        "slice[sex=F].error_rate <= 0.2"});
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  CHECK_THAT(ok.out, StartsWith("errscope check PASSED: 0 of 2 rules failed"));
  CHECK_THAT(ok.out, Contains("PASS   accuracy >= 0.7"));
  CHECK(ok.err.empty());

  CliResult bad = Check({path, "--rule", "accuracy >= 0.7", "--rule",
                         "recall[a] >= 0.65", "--rule",
                         "slices.max_error_rate <= 0.3", "--min-rows", "0"});
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.out, StartsWith("errscope check FAILED: 2 of 3 rules failed"));
  CHECK_THAT(bad.out, Contains("FAIL   recall[a] >= 0.65"));
  CHECK_THAT(bad.out, Contains("0.6000"));
  CHECK_THAT(bad.out, Contains("sex=M"));  // where the maximum is
  CHECK(bad.err == "errscope: check failed: 2 of 3 rules failed\n");

  // An undefined value fails its rule (the default --min-rows 30 leaves no
  // group of these 10 rows).
  CliResult undefined = Check({path, "--rule", "slices.max_error_rate <= 1"});
  CHECK(undefined.exit_code == 1);
  CHECK_THAT(undefined.out, Contains("undefined"));
}

TEST_CASE("check: the real process exits with the gate's code", "[check]") {
  TempDir dir;
  const std::string path = dir.Write("p.csv", kSmall);
  CHECK(RunBinary("check " + path + " --rule 'accuracy >= 0.5' >/dev/null")
            .exit_code == 0);
  CHECK(RunBinary("check " + path + " --rule 'accuracy >= 0.9' >/dev/null")
            .exit_code == 1);
  CHECK(RunBinary("check " + path + " --rule 'acuracy >= 0.9' 2>/dev/null")
            .exit_code == 2);
}

TEST_CASE("check: usage and input errors exit 2 before any verdict",
          "[check]") {
  TempDir dir;
  const std::string path = dir.Write("p.csv", kSmall);
  const std::string not_json = dir.Write("notjson.json", "{\"rules\": [");
  const std::string not_report = dir.Write("other.json", "{\"a\": 1}");
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const Case cases[] = {
      {{path}, "nothing to check: give --rule, --rules FILE or --baseline"},
      {{path, "--rule", "acuracy >= 0.8"},
       "unknown metric 'acuracy'; did you mean 'accuracy'?"},
      {{path, "--rule", "accuracy = 0.8"}, "use '==' for equality"},
      {{path, "--rule", "recall[c] > 0"}, "unknown class 'c'"},
      {{path, "--rule", "brier < 1"}, "needs probability columns"},
      {{path, "--rules", dir.path() + "/absent.json"},
       "absent.json: cannot open the rules file"},
      {{path, "--rules", not_json}, "notjson.json:1:12: not valid JSON"},
      {{path, "--baseline", dir.path() + "/absent.json"},
       "cannot open the baseline report"},
      {{path, "--baseline", not_json}, "the baseline is not valid JSON"},
      {{path, "--baseline", not_report}, "not an errscope JSON report"},
      {{path, "--rule", "accuracy > 0", "--alpha", "0.9"}, "--alpha"},
      {{path, "--rule", "accuracy > 0", "--tolerance", "-1"}, "--tolerance"},
      {{path, "--rule", "accuracy > 0", "--format", "xml"}, "--format"},
      {{dir.path() + "/missing.csv", "--rule", "accuracy > 0"},
       "missing.csv: no such file"},
      // A misspelt metric is found before the input is read.
      {{dir.path() + "/missing.csv", "--rule", "acuracy > 0"},
       "rule 'acuracy > 0': unknown metric 'acuracy'"},
  };
  for (const Case& c : cases) {
    INFO(c.message);
    const CliResult r = Check(c.args);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains(c.message));
    CHECK(r.out.empty());
  }
}

TEST_CASE("check: JSON, Markdown and JUnit outputs", "[check]") {
  TempDir dir;
  const std::string path = dir.Write("p.csv", kSmall);
  const std::vector<std::string> rules = {"--rule", "accuracy >= 0.7",
                                          "--rule", "recall[a] >= 0.65"};
  std::vector<std::string> args = {path};
  args.insert(args.end(), rules.begin(), rules.end());

  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> all = args;
    all.insert(all.end(), extra.begin(), extra.end());
    return Check(all);
  };
  const CliResult j = with({"--format", "json"});
  CHECK(j.exit_code == 1);
  const json out = json::parse(j.out);
  CHECK(out["passed"] == false);
  CHECK(out["failed_rules"] == 1);
  CHECK(out["baseline"].is_null());
  REQUIRE(out["rules"].size() == 2);
  CHECK(out["rules"][0]["metric"] == "accuracy");
  CHECK(out["rules"][0]["op"] == ">=");
  CHECK(out["rules"][0]["threshold"] == 0.7);
  CHECK(out["rules"][0]["value"] == 0.7);
  CHECK(out["rules"][0]["passed"] == true);
  CHECK(out["rules"][1]["value"] == 0.6);
  CHECK(out["rules"][1]["passed"] == false);

  const CliResult md = with({"--format", "markdown"});
  CHECK(md.exit_code == 1);
  CHECK_THAT(md.out, StartsWith("## errscope check: ❌ failed"));
  CHECK_THAT(md.out, Contains("| ❌ | recall\\[a\\] \\>= 0.65 | 0.6000 |"));

  const std::string junit = dir.path() + "/junit.xml";
  const std::string report = dir.path() + "/report.json";
  const std::string verdicts = dir.path() + "/verdicts.txt";
  const CliResult files = with(
      {"--junit", junit, "--save-report", report, "-o", verdicts});
  CHECK(files.exit_code == 1);
  CHECK(files.out.empty());
  const std::string xml = ReadFile(junit);
  CHECK_THAT(xml, StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
  CHECK_THAT(xml, Contains("<testsuites name=\"errscope check\" tests=\"2\" "
                           "failures=\"1\">"));
  CHECK_THAT(xml, Contains("<testcase classname=\"errscope.rules\" "
                           "name=\"accuracy &gt;= 0.7\"/>"));
  CHECK_THAT(xml, Contains("<failure message=\"recall[a] is 0.6000, expected "
                           "&gt;= 0.6500\"/>"));
  CHECK_THAT(ReadFile(verdicts), StartsWith("errscope check FAILED"));
  // The saved report is the one analyze writes.
  const CliResult analyzed = RunCli({"analyze", path, "--format", "json"});
  CHECK(ReadFile(report) == analyzed.out);
}

TEST_CASE("check: a baseline catches a real regression, not noise",
          "[check]") {
  TempDir dir;
  const std::string base_csv = dir.Write("base.csv", Predictions(2000, 200));
  const std::string same_csv = dir.Write("same.csv", Predictions(2000, 210));
  const std::string worse_csv = dir.Write("worse.csv", Predictions(2000, 400));
  const std::string baseline = dir.path() + "/baseline.json";
  REQUIRE(RunCli({"analyze", base_csv, "--format", "json", "-o", baseline})
              .exit_code == 0);

  const CliResult same = Check({same_csv, "--baseline", baseline});
  INFO(same.out);
  CHECK(same.exit_code == 0);
  CHECK_THAT(same.out, Contains("0 regressions and 0 improvements"));
  CHECK_THAT(same.out, Contains("accuracy"));

  const CliResult worse = Check({worse_csv, "--baseline", baseline,
                                 "--format", "json"});
  CHECK(worse.exit_code == 1);
  const json out = json::parse(worse.out);
  CHECK(out["regressions"].get<int>() > 0);
  const json& first = out["baseline"]["comparisons"][0];
  CHECK(first["metric"] == "accuracy");
  CHECK(first["verdict"] == "regression");
  CHECK(first["baseline_counts"] == json::array({1800, 2000}));
  CHECK(first["candidate_counts"] == json::array({1600, 2000}));
  CHECK(first["adjusted_p_value"].get<double>() < 1e-10);

  // A tolerance larger than the drop lets it through.
  CHECK(Check({worse_csv, "--baseline", baseline, "--tolerance", "0.15"})
            .exit_code == 0);
  // Improvements are reported and pass.
  const std::string worse_baseline = dir.path() + "/worse.json";
  REQUIRE(RunCli({"analyze", worse_csv, "--format", "json", "-o",
                  worse_baseline})
              .exit_code == 0);
  const CliResult better = Check({base_csv, "--baseline", worse_baseline});
  CHECK(better.exit_code == 0);
  CHECK_THAT(better.out, Contains("0 regressions"));
  CHECK_THAT(better.out, Contains("improvement"));
}

TEST_CASE("check: rules files, with flags winning over the file", "[check]") {
  TempDir dir;
  const std::string base_csv = dir.Write("base.csv", Predictions(2000, 200));
  const std::string worse_csv = dir.Write("worse.csv", Predictions(2000, 400));
  const std::string baseline = dir.path() + "/baseline.json";
  REQUIRE(RunCli({"analyze", base_csv, "--format", "json", "-o", baseline})
              .exit_code == 0);
  const std::string gates = dir.Write(
      "gates.json",
      R"({"rules": ["accuracy >= 0.75", "recall[x] >= 0.5"], "tolerance": 0.2})");
  // The file's tolerance hides the 10-point drop...
  const CliResult lenient =
      Check({worse_csv, "--rules", gates, "--baseline", baseline});
  INFO(lenient.out);
  CHECK(lenient.exit_code == 0);
  CHECK_THAT(lenient.out, Contains("PASS   accuracy >= 0.75"));
  CHECK_THAT(lenient.out, Contains("tolerance 0.2"));
  // ...unless --tolerance says otherwise; --rule adds to the file's rules.
  const CliResult strict =
      Check({worse_csv, "--rules", gates, "--baseline", baseline,
             "--tolerance", "0", "--rule", "rows == 2000"});
  CHECK(strict.exit_code == 1);
  CHECK_THAT(strict.out, Contains("PASS   rows == 2000"));
  CHECK_THAT(strict.out, Contains("0 of 3 rules failed"));
}

}  // namespace
}  // namespace errscope::test
