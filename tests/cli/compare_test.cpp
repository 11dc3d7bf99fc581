// errscope compare end to end: the join, the paired counts and McNemar's
// test, the exit codes, the outputs.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "errscope/significance.h"
#include "test_util.h"

namespace errscope::test {
namespace {

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using nlohmann::json;

/// One example: its id, true label, and whether each model is right.
struct Example {
  int id;
  std::string label;
  bool base_right;
  bool candidate_right;
  double confidence;
};

/// `rows` examples with classes x and y; `newly_wrong` of them right in the
/// base and wrong in the candidate, `newly_right` the other way round,
/// `both_wrong` wrong in both, the rest right in both.
std::vector<Example> Examples(int rows, int newly_wrong, int newly_right,
                              int both_wrong) {
  std::vector<Example> out;
  for (int i = 0; i < rows; ++i) {
    Example e{i + 1, i % 2 == 0 ? "x" : "y", true, true,
              0.5 + 0.4 * (i % 10) / 10.0};
    if (i < newly_wrong) {
      e.candidate_right = false;
    } else if (i < newly_wrong + newly_right) {
      e.base_right = false;
    } else if (i < newly_wrong + newly_right + both_wrong) {
      e.base_right = e.candidate_right = false;
    }
    out.push_back(e);
  }
  return out;
}

std::string Csv(const std::vector<Example>& examples, bool candidate) {
  std::string csv = "id,label,pred,confidence,group\n";
  for (const Example& e : examples) {
    const bool right = candidate ? e.candidate_right : e.base_right;
    const std::string other = e.label == "x" ? "y" : "x";
    csv += fmt::format("k{},{},{},{:.2f},{}\n", e.id, e.label,
                       right ? e.label : other, e.confidence,
                       e.id % 3 == 0 ? "g1" : "g2");
  }
  return csv;
}

CliResult Compare(std::vector<std::string> args) {
  args.insert(args.begin(), "compare");
  return RunCli(args);
}

json CompareJson(std::vector<std::string> args) {
  args.insert(args.end(), {"--format", "json"});
  const CliResult r = Compare(args);
  INFO(r.err);
  REQUIRE((r.exit_code == 0 || r.exit_code == 1));
  return json::parse(r.out);
}

TEST_CASE("compare: paired counts and McNemar by row order", "[compare]") {
  TempDir dir;
  const auto examples = Examples(400, 30, 10, 50);
  const std::string base = dir.Write("base.csv", Csv(examples, false));
  const std::string cand = dir.Write("cand.csv", Csv(examples, true));
  const json out = CompareJson({base, cand});
  const json& p = out["paired"];
  CHECK(out["join"] == "row order");
  CHECK(p["matched"] == 400);
  CHECK(p["newly_wrong"] == 30);
  CHECK(p["newly_right"] == 10);
  CHECK(p["both_wrong"] == 50);
  CHECK(p["both_right"] == 310);
  CHECK(p["unmatched_base"] == 0);
  CHECK(p["unmatched_candidate"] == 0);
  // Base right: 400 - 10 newly right - 50 both wrong; candidate right:
  // 400 - 30 newly wrong - 50.
  CHECK(p["base_accuracy"] == 340.0 / 400);
  CHECK(p["candidate_accuracy"] == 320.0 / 400);
  CHECK(p["mcnemar_p"] == McNemarExact(30, 10));
  CHECK(p["mcnemar_p"].get<double>() < 0.05);
  CHECK(p["verdict"] == "regression");
  // The unpaired comparison of the two reports is there too.
  CHECK(out["metrics"]["comparisons"][0]["metric"] == "accuracy");
  CHECK(out["metrics"]["comparisons"][0]["baseline_counts"] ==
        json::array({340, 400}));
  // The newly wrong rows, most confident first, from the candidate file.
  const json& rows = out["newly_wrong"];
  REQUIRE(rows.size() == 10);
  for (size_t i = 1; i < rows.size(); ++i) {
    CHECK(rows[i - 1]["confidence"].get<double>() >=
          rows[i]["confidence"].get<double>());
  }
  CHECK(rows[0]["confidence"] == 0.86);
  CHECK(rows[0]["row"].get<int>() <= 30);
  CHECK(rows[0]["features"]["group"].is_string());
}

TEST_CASE("compare: a key joins files in any order and counts the rest",
          "[compare]") {
  TempDir dir;
  auto examples = Examples(300, 12, 20, 40);
  const std::string base = dir.Write("base.csv", Csv(examples, false));
  // The candidate: shuffled, without the first 5 examples, with 3 new ones.
  std::vector<Example> shuffled(examples.begin() + 5, examples.end());
  std::mt19937 rng(3);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  for (int i = 0; i < 3; ++i) {
    shuffled.push_back({1000 + i, "x", true, true, 0.7});
  }
  const std::string cand = dir.Write("cand.csv", Csv(shuffled, true));
  const json out = CompareJson({base, cand, "--key", "id"});
  const json& p = out["paired"];
  CHECK(out["join"] == "key 'id'");
  CHECK(p["matched"] == 295);
  CHECK(p["unmatched_base"] == 5);
  CHECK(p["unmatched_candidate"] == 3);
  // Examples 1-5 (all newly wrong) are gone: 12 - 5 = 7.
  CHECK(p["newly_wrong"] == 7);
  CHECK(p["newly_right"] == 20);
  CHECK(p["mcnemar_p"] == McNemarExact(7, 20));
  CHECK(p["verdict"] == "improvement");

  // By row order the shuffled file is nonsense, and the labels say so.
  const CliResult by_row = Compare({base, cand});
  CHECK(by_row.exit_code == 0);
  CHECK_THAT(by_row.err, Contains("matched rows have different true labels"));
  CHECK_THAT(by_row.out, Contains("is the join right?"));
}

TEST_CASE("compare: --fail-on-regression decides the exit code", "[compare]") {
  TempDir dir;
  const auto worse = Examples(400, 40, 5, 30);
  const std::string base = dir.Write("base.csv", Csv(worse, false));
  const std::string cand = dir.Write("cand.csv", Csv(worse, true));
  CHECK(Compare({base, cand}).exit_code == 0);  // reported, not gated
  const CliResult gated = Compare({base, cand, "--fail-on-regression"});
  CHECK(gated.exit_code == 1);
  CHECK_THAT(gated.out, StartsWith("errscope compare: the candidate is worse: "
                                   "40 rows newly wrong, 5 newly right"));
  CHECK_THAT(gated.err, Contains("errscope: compare: regression:"));
  // A tolerance larger than the drop (35 / 400 = 8.75 points) passes.
  CHECK(Compare({base, cand, "--fail-on-regression", "--tolerance", "0.2"})
            .exit_code == 0);

  // 6 newly wrong against 4 newly right is noise.
  const auto noise = Examples(400, 6, 4, 30);
  const std::string base2 = dir.Write("base2.csv", Csv(noise, false));
  const std::string cand2 = dir.Write("cand2.csv", Csv(noise, true));
  const CliResult quiet = Compare({base2, cand2, "--fail-on-regression"});
  CHECK(quiet.exit_code == 0);
  CHECK_THAT(quiet.out, Contains("no significant difference"));
}

TEST_CASE("compare: bad joins and bad input exit 2", "[compare]") {
  TempDir dir;
  const auto examples = Examples(50, 2, 2, 5);
  const std::string base = dir.Write("base.csv", Csv(examples, false));
  const std::string cand = dir.Write("cand.csv", Csv(examples, true));
  std::string dup = Csv(examples, true);
  dup += "k7,y,y,0.5,g1\n";
  const std::string cand_dup = dir.Write("dup.csv", dup);
  const std::string base_dup = dir.Write("base_dup.csv", dup);
  std::string other = "id,label,pred,confidence,group\n";
  for (int i = 0; i < 10; ++i) other += fmt::format("z{},x,x,0.9,g1\n", i);
  const std::string unrelated = dir.Write("other.csv", other);

  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const Case cases[] = {
      {{base, cand_dup, "--key", "id"},
       "dup.csv: the key \"k7\" is in more than one row"},
      {{base_dup, cand, "--key", "id"},
       "base_dup.csv: the key \"k7\" is in data rows 7 and 51"},
      {{base, unrelated, "--key", "id"}, "no row of"},
      {{base, cand, "--key", "nope"}, "--key 'nope': no such column"},
      {{base}, "CANDIDATE is required"},
      {{base, dir.path() + "/missing.csv"}, "missing.csv: no such file"},
      {{base, cand, "--alpha", "0"}, "--alpha"},
  };
  for (const Case& c : cases) {
    INFO(c.message);
    const CliResult r = Compare(c.args);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains(c.message));
  }
}

TEST_CASE("compare: the same for any thread count and chunking", "[compare]") {
  TempDir dir;
  const auto examples = Examples(3000, 120, 80, 200);
  auto shuffled = examples;
  std::mt19937 rng(5);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  const std::string base = dir.Write("base.csv", Csv(examples, false));
  const std::string cand = dir.Write("cand.csv", Csv(shuffled, true));
  const CliResult one = Compare({base, cand, "--key", "id", "--threads", "1",
                                 "--format", "json"});
  REQUIRE(one.exit_code == 0);
  for (const char* threads : {"2", "4"}) {
    const CliResult many = Compare({base, cand, "--key", "id", "--threads",
                                    threads, "--chunk-bytes", "2000",
                                    "--format", "json"});
    CHECK(many.out == one.out);
  }
}

TEST_CASE("compare: text, Markdown and JUnit", "[compare]") {
  TempDir dir;
  const auto examples = Examples(400, 30, 10, 50);
  const std::string base = dir.Write("base.csv", Csv(examples, false));
  const std::string cand = dir.Write("cand.csv", Csv(examples, true));
  const CliResult text = Compare({base, cand, "--key", "id"});
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.out, Contains("Paired outcomes on the matched rows"));
  CHECK_THAT(text.out, Contains("base right"));
  CHECK_THAT(text.out, Contains("Most confident newly wrong rows"));

  const CliResult md = Compare({base, cand, "--format", "markdown"});
  CHECK_THAT(md.out, StartsWith("## errscope compare: ❌ the candidate is worse"));
  CHECK_THAT(md.out, Contains("| base right | 310 | 30 |"));

  const std::string junit = dir.path() + "/j.xml";
  const CliResult gated =
      Compare({base, cand, "--fail-on-regression", "--junit", junit});
  CHECK(gated.exit_code == 1);
  const std::string xml = ReadFile(junit);
  CHECK_THAT(xml, StartsWith("<?xml"));
  CHECK_THAT(xml, Contains("name=\"paired (McNemar)\">"));
  CHECK_THAT(xml, Contains("<failure message=\"the candidate is worse"));
}

}  // namespace
}  // namespace errscope::test
