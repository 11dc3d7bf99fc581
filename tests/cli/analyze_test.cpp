// errscope analyze end to end, in-process and through the real binary.
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace errscope::test {
namespace {

using Catch::Matchers::Contains;
using nlohmann::json;

/// Bad input: each file gets a clear message with its location, exit 2.
struct BadInput {
  const char* name;
  const char* file;      // written to a temp dir; nullptr: no file at all
  const char* contents;
  std::vector<std::string> args;
  std::vector<std::string> message;  // every part must appear in stderr
};

const BadInput kBadInputs[] = {
    {"missing file", "absent.csv", nullptr, {}, {"absent.csv: no such file"}},
    {"empty file", "empty.csv", "", {}, {"empty.csv", "empty input"}},
    {"header only", "header.csv", "label,pred\n", {}, {"no data rows"}},
    {"unknown column", "a.csv", "label,pred\na,b\n", {"--pred", "prd"},
     {"--pred 'prd': no such column; did you mean 'pred'?"}},
    {"no label column", "a.csv", "truth_value,guess\na,b\n", {},
     {"no label column found", "'truth_value', 'guess'"}},
    {"ragged row", "a.csv", "label,pred,x\na,b,c\na,b\n", {},
     {"a.csv:3: 2 fields, header has 3"}},
    {"unterminated quote", "a.csv", "label,pred\na,b\n\"c,d\ne,f\n", {},
     {"a.csv:3:1: unterminated quoted field"}},
    {"invalid JSON", "a.jsonl", "{\"label\":\"a\",\"pred\":\"b\"}\n{\"label\": x}\n",
     {}, {"a.jsonl:2:", "invalid JSON"}},
    {"confidence not a number", "a.csv", "label,pred,confidence\na,a,high\n",
     {}, {"a.csv:2: column 'confidence' (field 3)", "got \"high\""}},
    {"confidence above 1", "a.csv", "label,pred,confidence\na,a,1.25\n", {},
     {"a.csv:2:", "in [0, 1], got 1.25"}},
    {"confidence NaN", "a.csv", "label,pred,confidence\na,a,NaN\n", {},
     {"a.csv:2:", "NaN and infinity are not allowed"}},
    {"confidence inf", "a.csv", "label,pred,confidence\na,a,-inf\n", {},
     {"a.csv:2:", "NaN and infinity are not allowed"}},
    {"probability outside [0,1]", "a.csv", "label,p_a,p_b\na,1.2,-0.2\n", {},
     {"a.csv:2: column 'p_a' (field 2)"}},
    {"empty label with --strict", "a.csv", "label,pred\na,a\n,b\n",
     {"--strict"}, {"a.csv:3:", "empty label"}},
    {"all rows skipped", "a.csv", "label,pred\n,a\nb,\n", {},
     {"all 2 rows were skipped"}},
    {"threshold with a pred column", "a.csv", "label,pred,score\n1,1,0.3\n",
     {"--threshold", "0.4"}, {"--threshold", "pred column ('pred')"}},
    {"threshold on non-binary labels", "a.csv",
     "label,score\na,0.9\nb,0.1\nc,0.2\n", {"--positive", "a"},
     {"needs a binary problem"}},
    {"bad input format", "a.csv", "label,pred\na,a\n",
     {"--input-format", "xml"}, {"--input-format 'xml'"}},
    {"threshold out of range", "a.csv", "label,score\n1,0.9\n",
     {"--threshold", "1.5"},
     {"--threshold: expected a number in [0, 1], got '1.5'"}},
    {"unknown option", "a.csv", "label,pred\na,a\n", {"--frobnicate"},
     {"frobnicate"}},
    {"duplicate column", "a.csv", "label,pred,pred\na,a,a\n", {},
     {"duplicate column name 'pred'"}},
    {"unknown feature", "a.csv", "label,pred,age\na,a,3\n",
     {"--features", "agee"},
     {"--features 'agee': no such column; did you mean 'age'?"}},
    {"feature that is the label", "a.csv", "label,pred,age\na,a,3\n",
     {"--features", "label"}, {"--features", "'label'"}},
    {"zero calibration bins", "a.csv", "label,pred\na,a\n", {"--bins", "0"},
     {"--bins: must be at least 1, got 0", "errscope analyze --help"}},
    {"too many calibration bins", "a.csv", "label,pred\na,a\n",
     {"--bins", "5000"}, {"--bins: must be at most 1000, got 5000"}},
    {"zero feature bins", "a.csv", "label,pred\na,a\n",
     {"--feature-bins", "0"}, {"--feature-bins: must be at least 1, got 0"}},
    {"feature bins not a number", "a.csv", "label,pred\na,a\n",
     {"--feature-bins", "five"},
     {"--feature-bins: expected a whole number", "got 'five'"}},
    {"zero max groups", "a.csv", "label,pred\na,a\n", {"--max-groups", "0"},
     {"--max-groups: must be at least 1, got 0"}},
    {"negative top", "a.csv", "label,pred\na,a\n", {"--top", "-1"},
     {"--top: must be at least 0, got -1"}},
    {"negative min rows", "a.csv", "label,pred\na,a\n", {"--min-rows", "-3"},
     {"--min-rows: must be at least 0, got -3"}},
    {"high confidence above 1", "a.csv", "label,pred\na,a\n",
     {"--high-confidence", "1.5"},
     {"--high-confidence: expected a number in [0, 1], got '1.5'"}},
    {"threshold below 0", "a.csv", "label,score\n1,0.9\n",
     {"--threshold", "-0.1"},
     {"--threshold: expected a number in [0, 1], got '-0.1'"}},
    {"threshold NaN", "a.csv", "label,score\n1,0.9\n", {"--threshold", "nan"},
     {"--threshold: expected a number in [0, 1], got 'nan'"}},
    {"too many threads", "a.csv", "label,pred\na,a\n",
     {"--threads", "100000"}, {"--threads: must be at most 256, got 100000"}},
    {"unknown binning", "a.csv", "label,pred\na,a\n", {"--binning", "log"},
     {"--binning", "log"}},
    {"unknown calibration binning", "a.csv", "label,pred\na,a\n",
     {"--calibration-binning", "log"}, {"--calibration-binning", "log"}},
    {"proba array of the wrong length", "a.jsonl",
     "{\"label\":\"a\",\"probs\":[0.5,0.5]}\n",
     {"--proba-field", "probs", "--classes", "a,b,c"},
     {"a.jsonl:1:", "expected 3"}},
};

TEST_CASE("bad input: a clear message and exit code 2") {
  for (const BadInput& bad : kBadInputs) {
    DYNAMIC_SECTION(bad.name) {
      TempDir dir;
      std::string path = dir.path() + "/" + bad.file;
      if (bad.contents != nullptr) dir.Write(bad.file, bad.contents);
      std::vector<std::string> args = {"analyze", path};
      args.insert(args.end(), bad.args.begin(), bad.args.end());
      CliResult r = RunCli(args);
      INFO(r.err);
      CHECK(r.exit_code == 2);
      CHECK(r.out.empty());
      for (const std::string& part : bad.message) {
        CHECK_THAT(r.err, Contains(part));
      }
    }
  }
}

TEST_CASE("of two bad rows, the first is reported, whatever the chunk size") {
  // Row 3 has a confidence out of range (found by decoding), row 300 the
  // wrong number of fields (found by parsing, which once ran over a whole
  // chunk before decoding began, so that with the default chunk size the
  // later row was reported).
  std::string csv = "label,pred,confidence\n";
  for (int i = 1; i <= 400; ++i) {
    if (i == 3) {
      csv += "a,a,1.5\n";
    } else if (i == 300) {
      csv += "a,a\n";
    } else {
      csv += "a,b,0.5\n";
    }
  }
  TempDir dir;
  const std::string path = dir.Write("two.csv", csv);
  for (const char* chunk : {"64", "1000", "2097152"}) {
    for (const char* threads : {"1", "2"}) {
      INFO("chunk bytes " << chunk << ", threads " << threads);
      CliResult r = RunCli({"analyze", path, "--chunk-bytes", chunk,
                            "--threads", threads});
      CHECK(r.exit_code == 2);
      CHECK_THAT(r.err, Contains("two.csv:4:"));
      CHECK_THAT(r.err, Contains("1.5"));
    }
  }
  // The listing of errors reports the same row.
  CliResult listing = RunCli({"errors", path});
  CHECK(listing.exit_code == 2);
  CHECK_THAT(listing.err, Contains("two.csv:4:"));
}

TEST_CASE("skipped rows and odd probabilities are warnings, not errors") {
  TempDir dir;
  std::string path = dir.Write(
      "a.csv", "label,pred,p_a,p_b\na,a,0.9,0.1\n,b,0.5,0.5\nb,b,0.2,0.3\n");
  CliResult r = RunCli({"analyze", path, "--format", "json"});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Contains("warning: skipped 1 row"));
  CHECK_THAT(r.err, Contains("(line 3)"));
  CHECK_THAT(r.err, Contains("1 row has probabilities that do not sum to 1"));
  json report = json::parse(r.out);
  CHECK(report["input"]["rows_read"] == 3);
  CHECK(report["input"]["rows_skipped"] == 1);
  CHECK(report["input"]["rows_used"] == 2);
  CHECK(report["input"]["warnings"].size() == 2);
}

TEST_CASE("the report states which columns were used") {
  CliResult r = RunCli({"analyze", SourcePath("examples/animals.csv"),
                        "--format", "json"});
  REQUIRE(r.exit_code == 0);
  json in = json::parse(r.out)["input"];
  CHECK(in["format"] == "csv");
  CHECK(in["compression"] == "none");
  CHECK(in["pred_source"] == "argmax");
  CHECK(in["columns"]["label"] == "label");
  CHECK(in["columns"]["pred"].is_null());
  CHECK(in["columns"]["id"] == "id");
  CHECK(in["columns"]["probabilities"]["columns"] ==
        json::array({"p_cat", "p_dog", "p_fox"}));
  CHECK(in["columns"]["probabilities"]["classes"] ==
        json::array({"cat", "dog", "fox"}));
  CHECK(in["columns"]["features"] == json::array({"photo_source"}));
}

TEST_CASE("a JSON probability array takes the labels' sorted order") {
  const std::string path = SourcePath("examples/tickets.jsonl");
  CliResult implicit = RunCli({"analyze", path, "--proba-field", "probs",
                               "--format", "json"});
  CliResult explicit_order =
      RunCli({"analyze", path, "--proba-field", "probs", "--classes",
              "account,billing,bug", "--format", "json"});
  REQUIRE(implicit.exit_code == 0);
  REQUIRE(explicit_order.exit_code == 0);
  CHECK(implicit.out == explicit_order.out);
  CHECK(json::parse(implicit.out)["input"]["columns"]["probabilities"]
            ["columns"][2] == "probs[2]");
}

TEST_CASE("JSON report: stable key order and schema version") {
  CliResult r = RunCli({"analyze", SourcePath("examples/animals.csv"),
                        "--format", "json"});
  REQUIRE(r.exit_code == 0);
  nlohmann::ordered_json report = nlohmann::ordered_json::parse(r.out);
  std::vector<std::string> keys;
  for (const auto& item : report.items()) keys.push_back(item.key());
  CHECK(keys == std::vector<std::string>{
                    "schema_version", "tool", "input", "classes", "summary",
                    "confusion_matrix", "per_class", "averages", "metrics",
                    "top_confusions", "slices", "slices_settings",
                    "calibration", "confidence_summary", "top_errors"});
  CHECK(report["slices_settings"]["min_rows"] == 30);
  CHECK(report["slices_settings"]["binning"] == "quantile");
  // 7 errors in the 48 rows of animals.csv.
  CHECK(report["slices_settings"]["overall_error_rate"] == 7.0 / 48);
  CHECK(report["schema_version"] == 1);
  CHECK(report["tool"]["name"] == "errscope");
}

TEST_CASE("analyze -o writes the report; a failed run leaves the old file alone") {
  TempDir dir;
  std::string out = dir.path() + "/report.json";
  CliResult ok = RunCli({"analyze", SourcePath("examples/animals.csv"),
                         "--format", "json", "-o", out});
  REQUIRE(ok.exit_code == 0);
  CHECK(ok.out.empty());
  const std::string first = ReadFile(out);
  CHECK(json::parse(first)["summary"]["rows"] == 48);

  std::string bad = dir.Write("bad.csv", "label,pred\na,b\n\"unclosed\n");
  CliResult failed = RunCli({"analyze", bad, "--format", "json", "-o", out});
  CHECK(failed.exit_code == 2);
  CHECK(ReadFile(out) == first);
  std::string fresh = dir.path() + "/never.json";
  CHECK(RunCli({"analyze", bad, "-o", fresh}).exit_code == 2);
  CHECK_FALSE(std::filesystem::exists(fresh));
  // No temporary file is left behind either.
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++files;
  }
  CHECK(files == 2);  // report.json and bad.csv
}

TEST_CASE("the same report for any thread count and chunk size") {
  const std::string path = SourcePath("examples/adult_predictions.csv.gz");
  CliResult one = RunCli({"analyze", path, "--format", "json", "--threads", "1"});
  REQUIRE(one.exit_code == 0);
  for (const char* threads : {"2", "3", "8"}) {
    CliResult many = RunCli({"analyze", path, "--format", "json", "--threads",
                             threads, "--chunk-bytes", "65536"});
    CHECK(many.out == one.out);
  }
}

TEST_CASE("byte-identical reports across thread counts and runs, also past "
          "the exact histogram range") {
  // 100,000 distinct values of a continuous feature and of the confidence:
  // beyond 65,536 the histograms coalesce, and must do so identically for
  // any thread count (the chunks, not the threads, decide).
  std::string csv = "label,pred,confidence,amount,city\n";
  for (int64_t i = 0; i < 100000; ++i) {
    const bool wrong = (i * 2654435761) % 7 == 0;
    csv += fmt::format("{},{},{:.6f},{:.3f},c{}\n", i % 2 ? "x" : "y",
                       wrong == (i % 2 == 1) ? "y" : "x",
                       0.5 + 0.5 * static_cast<double>((i * 40503) % 99991) / 99991,
                       static_cast<double>((i * 7919) % 1000003) / 7.0, i % 97);
  }
  TempDir dir;
  const std::string path = dir.Write("many.csv", csv);
  const CliResult one = RunCli({"analyze", path, "--format", "json",
                                "--threads", "1", "--chunk-bytes", "50000"});
  REQUIRE(one.exit_code == 0);
  // The histogram did coalesce: exact quintiles of 100,000 distinct values
  // would hold 20,000 rows each.
  const json report = json::parse(one.out);
  bool all_exact_quintiles = true;
  for (const json& feature : report["slices"]) {
    if (feature["feature"] != "amount") continue;
    REQUIRE(feature["groups"].size() == 5);
    for (const json& g : feature["groups"]) {
      all_exact_quintiles = all_exact_quintiles && g["rows"] == 20000;
    }
  }
  CHECK_FALSE(all_exact_quintiles);
  for (const char* threads : {"2", "4", "8"}) {
    INFO(threads);
    for (int run = 0; run < 2; ++run) {
      const CliResult many =
          RunBinary(fmt::format("analyze {} --format json --threads {} "
                                "--chunk-bytes 50000",
                                path, threads));
      CHECK(many.out == one.out);
    }
  }
}

TEST_CASE("the binary reads stdin, pipes and gzip, and exits 0 on a closed "
          "pipe") {
  const std::string csv = SourcePath("examples/animals.csv");
  CliResult file = RunBinary("analyze " + csv + " --format json");
  REQUIRE(file.exit_code == 0);
  CliResult piped = RunBinary("analyze - --format json < " + csv);
  REQUIRE(piped.exit_code == 0);
  json a = json::parse(file.out), b = json::parse(piped.out);
  CHECK(b["input"]["source"] == "-");
  a["input"]["source"] = "-";
  CHECK(a == b);

  CliResult gz = RunBinary("analyze - --format json < " +
                           SourcePath("examples/adult_predictions.csv.gz"));
  REQUIRE(gz.exit_code == 0);
  CHECK(json::parse(gz.out)["input"]["compression"] == "gzip");

  // The report of 120 classes (a 120x120 matrix) is far larger than a
  // pipe's buffer, so errscope is still writing when head exits.
  CliResult closed = RunShell(
      "exec 4>&1; { \"$ERRSCOPE\" analyze " +
      SourcePath("tests/fixtures/metrics/many_classes.csv") +
      " --format json; echo $? >&4; } | head -c 10 >/dev/null");
  CHECK(closed.out == "0\n");
  CHECK(closed.err.empty());
}

TEST_CASE("text report: colour only when asked, never with NO_COLOR") {
  const std::string csv = SourcePath("examples/animals.csv");
  CliResult plain = RunCli({"analyze", csv});
  REQUIRE(plain.exit_code == 0);
  CHECK(plain.out.find('\x1b') == std::string::npos);
  CliResult forced = RunCli({"analyze", csv, "--color", "always"});
  CHECK(forced.out.find("\x1b[") != std::string::npos);
  CliResult no_color = RunBinary("analyze " + csv + " --color auto");
  CHECK(no_color.out.find('\x1b') == std::string::npos);
}

}  // namespace
}  // namespace errscope::test
