// errscope errors end to end, in-process and through the real binary.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "test_util.h"

namespace errscope::test {
namespace {

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using nlohmann::json;
using nlohmann::ordered_json;

/// Predictions with a pred column: row 4 is skipped (no label), row 6 is
/// right (1 and 1.0 are one class), rows 2, 5 and 7 are wrong.
const char* kSmall =
    "id,label,pred,confidence,note\n"
    "1,a,a,0.9,x\n"
    "2,a,b,0.6,y\n"
    "3,b,b,0.8,z\n"
    "4,,b,0.5,skipped\n"
    "5,b,a,0.95,\n"
    "6,1,1.0,0.7,num\n"
    "7,2,1,0.3,two\n";

/// The lines of `text`, without their newlines.
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// The `row` column of CSV output without quoted newlines.
std::vector<int> RowNumbers(const std::string& csv) {
  std::vector<int> rows;
  std::vector<std::string> lines = Lines(csv);
  for (size_t i = 1; i < lines.size(); ++i) {
    rows.push_back(std::stoi(lines[i].substr(0, lines[i].find(','))));
  }
  return rows;
}

CliResult Errors(const std::string& path, std::vector<std::string> args = {}) {
  args.insert(args.begin(), {"errors", path});
  return RunCli(args);
}

TEST_CASE("errors: the wrong rows in input order, with every input column",
          "[errors]") {
  TempDir dir;
  CliResult r = Errors(dir.Write("small.csv", kSmall));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out ==
        "row,id,label,pred,confidence,note\n"
        "2,2,a,b,0.6,y\n"
        "5,5,b,a,0.95,\n"
        "7,7,2,1,0.3,two\n");
  CHECK_THAT(r.err, Contains("warning: skipped 1 row with an empty label"));
}

TEST_CASE("errors: CSV quoting survives a round trip through analyze",
          "[errors]") {
  TempDir dir;
  std::string path = dir.Write("quoted.tsv",
                               "label\tpred\ttext\n"
                               "a\tb\thello, world\n"
                               "a\ta\tplain\n"
                               "b\ta\t\"say \"\"hi\"\"\"\n"
                               "b\ta\t\"two\nlines\"\n"
                               "a\tb\tcr\r\n");
  CliResult r = Errors(path);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out ==
        "row,label,pred,text\n"
        "1,a,b,\"hello, world\"\n"
        "3,b,a,\"say \"\"hi\"\"\"\n"
        "4,b,a,\"two\nlines\"\n"
        "5,a,b,cr\n");
  // analyze reads the output back: every row is an error.
  CliResult again = RunShell("\"$ERRSCOPE\" errors " + path +
                             " | \"$ERRSCOPE\" analyze - --format json");
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  json summary = json::parse(again.out)["summary"];
  CHECK(summary["rows"] == 4);
  CHECK(summary["errors"] == 4);
  CHECK(summary["accuracy"] == 0.0);

  // The same through a real example with derived columns, gzip and all.
  CliResult adult = RunShell("\"$ERRSCOPE\" errors " +
                             SourcePath("examples/adult_predictions.csv.gz") +
                             " | \"$ERRSCOPE\" analyze - --format json");
  REQUIRE(adult.exit_code == 0);
  json s = json::parse(adult.out)["summary"];
  CHECK(s["rows"] == 4105);
  CHECK(s["errors"] == 4105);
}

TEST_CASE("errors: JSON Lines, strings in input order, null for empty cells",
          "[errors]") {
  TempDir dir;
  CliResult r = Errors(dir.Write("small.csv", kSmall), {"--format", "jsonl"});
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> lines = Lines(r.out);
  REQUIRE(lines.size() == 3);
  ordered_json first = ordered_json::parse(lines[0]);
  CHECK(
      first.dump() ==
      R"({"row":2,"id":"2","label":"a","pred":"b","confidence":"0.6","note":"y"})");
  CHECK(ordered_json::parse(lines[1])["note"].is_null());
  CHECK(ordered_json::parse(lines[2])["row"] == 7);

  // JSON input: numbers and arrays keep their text, as strings; escapes.
  std::string jsonl = dir.Write(
      "t.jsonl",
      "{\"n\": 1, \"label\": \"x\", \"pred\": \"y\", \"p\": [0.5, 0.5], "
      "\"s\": \"tab\\there \\\"q\\\" \\u00e9\"}\n"
      "{\"n\": 2, \"label\": \"x\", \"pred\": \"x\", \"p\": null, \"s\": "
      "\"\"}\n"
      "{\"n\": 3, \"label\": \"y\", \"pred\": \"x\", \"p\": null}\n");
  CliResult j = Errors(jsonl, {"--format", "jsonl"});
  REQUIRE(j.exit_code == 0);
  lines = Lines(j.out);
  REQUIRE(lines.size() == 2);
  ordered_json a = ordered_json::parse(lines[0]);
  CHECK(a["n"] == "1");
  CHECK(a["p"] == "[0.5,0.5]");
  CHECK(a["s"] == "tab\there \"q\" \u00e9");
  ordered_json b = ordered_json::parse(lines[1]);
  CHECK(b["row"] == 3);
  CHECK(b["p"].is_null());
  CHECK(b["s"].is_null());  // absent key

  // analyze reads JSON Lines output back.
  CliResult again =
      RunShell("\"$ERRSCOPE\" errors " + SourcePath("examples/tickets.jsonl") +
               " --format jsonl | \"$ERRSCOPE\" analyze - --proba-field probs "
               "--classes account,billing,bug --format json");
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(json::parse(again.out)["summary"]["errors"] == 6);
  CHECK(json::parse(again.out)["summary"]["rows"] == 6);
}

TEST_CASE("errors: argmax input gets derived pred and confidence columns",
          "[errors]") {
  CliResult r = Errors(SourcePath("examples/animals.csv"));
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> lines = Lines(r.out);
  REQUIRE(lines.size() == 8);  // the 7 errors of examples/README.md
  CHECK(lines[0] ==
        "row,pred,confidence,id,photo_source,label,p_cat,p_dog,p_fox");
  CHECK(lines[4] == "36,dog,0.895,36,night,fox,0.034,0.895,0.071");
  CHECK(RowNumbers(r.out) == std::vector<int>{5, 13, 23, 36, 40, 45, 47});

  // A derived column never takes the name of an input column.
  TempDir dir;
  CliResult clash = Errors(
      dir.Write("a.csv", "row,label,p_a,p_b\n10,a,0.2,0.8\n11,b,0.1,0.9\n"));
  REQUIRE(clash.exit_code == 0);
  CHECK(clash.out ==
        "errscope_row,pred,confidence,row,label,p_a,p_b\n"
        "1,b,0.8,10,a,0.2,0.8\n");
}

TEST_CASE("errors: threshold mode names both classes, as the report does",
          "[errors]") {
  CliResult spam = Errors(SourcePath("examples/spam_scores.csv"),
                          {"--threshold", "0.5", "--positive", "spam"});
  REQUIRE(spam.exit_code == 0);
  std::vector<std::string> lines = Lines(spam.out);
  REQUIRE(lines.size() == 6);
  CHECK(lines[0] ==
        "row,pred,confidence,message_id,sender_domain,label,spam_score");
  // The confidence is that of the predicted class: 1 - score for ham.
  CHECK(lines[1] == "1,ham,0.56,msg-1007,bank.example.net,spam,0.44");
  CHECK(lines[3] == "24,spam,0.526,msg-1168,news.example.com,ham,0.526");

  TempDir dir;
  // Positives come first: the negative class is only learnt on row 4, after
  // several chunks; the output waits for it.
  std::string late = dir.Write(
      "late.csv", "label,score\n1,0.2\n1,0.9\n1,0.3\n0.0,0.1\n0,0.8\n");
  CliResult r = Errors(late, {"--chunk-bytes", "8"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out ==
        "row,pred,confidence,label,score\n"
        "1,0.0,0.8,1,0.2\n"
        "3,0.0,0.7,1,0.3\n"
        "5,1,0.8,0,0.8\n");
  CliResult given = Errors(late, {"--negative", "neg"});
  CHECK(Lines(given.out)[1] == "1,neg,0.8,1,0.2");
  // Only positive labels: "not 1", as in the report.
  CliResult only = Errors(dir.Write("pos.csv", "label,score\n1,0.2\n1,0.9\n"));
  CHECK(only.out == "row,pred,confidence,label,score\n1,not 1,0.8,1,0.2\n");
  // Three classes: an error, as for analyze.
  CliResult three =
      Errors(dir.Write("three.csv", "label,score\n1,0.9\nb,0.1\nc,0.2\n"));
  CHECK(three.exit_code == 2);
  CHECK_THAT(three.err, Contains("needs a binary problem"));
  CHECK_THAT(three.err, Contains("'b' and 'c'"));
}

TEST_CASE("errors: --where conditions are ANDed", "[errors]") {
  const std::string animals = SourcePath("examples/animals.csv");
  struct Case {
    std::vector<std::string> where;
    std::vector<int> rows;
  };
  const Case cases[] = {
      {{"label==fox"}, {36, 40, 47}},
      {{"pred == dog"}, {36, 40, 47}},
      {{"pred!=dog"}, {5, 13, 23, 45}},
      {{"confidence>=0.6"}, {5, 36}},
      {{"confidence<0.5"}, {13}},
      {{"label==fox", "confidence>0.8"}, {36}},
      {{"label=cat", "pred==fox", "confidence<=0.5"}, {13}},
      {{"label==cat", "label==dog"}, {}},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args;
    std::string name;
    for (const std::string& w : c.where) {
      args.insert(args.end(), {"--where", w});
      name += w + " ";
    }
    DYNAMIC_SECTION("where " << name) {
      CliResult r = Errors(animals, args);
      REQUIRE(r.exit_code == 0);
      CHECK(RowNumbers(r.out) == c.rows);
      CHECK_THAT(r.out, StartsWith("row,pred,confidence,"));
    }
  }

  SECTION("classes compare by value; no confidence never matches") {
    TempDir dir;
    std::string path =
        dir.Write("n.csv", "label,pred\n1.0,2\n1,1\n2,1.0\n3,1\n");
    CHECK(RowNumbers(Errors(path, {"--where", "label==1"}).out) ==
          std::vector<int>{1});
    CHECK(RowNumbers(Errors(path, {"--where", "pred==1"}).out) ==
          std::vector<int>{3, 4});
    CliResult none = Errors(path, {"--where", "confidence>=0"});
    REQUIRE(none.exit_code == 0);
    CHECK(none.out == "row,label,pred\n");
  }
}

TEST_CASE("errors: --all writes every used row; filters still apply",
          "[errors]") {
  const std::string animals = SourcePath("examples/animals.csv");
  CliResult all = Errors(animals, {"--all"});
  REQUIRE(all.exit_code == 0);
  std::vector<int> rows = RowNumbers(all.out);
  REQUIRE(rows.size() == 48);
  CHECK(rows.front() == 1);
  CHECK(rows.back() == 48);
  // Low-confidence correct predictions, and one error.
  CliResult low = Errors(animals, {"--all", "--where", "confidence<0.5"});
  CHECK(RowNumbers(low.out) == std::vector<int>{10, 13, 38});

  TempDir dir;
  CliResult small = Errors(dir.Write("small.csv", kSmall), {"--all"});
  CHECK(RowNumbers(small.out) == std::vector<int>{1, 2, 3, 5, 6, 7});
}

TEST_CASE("errors: gzip and stdin give the same output as the plain file",
          "[errors]") {
  TempDir dir;
  std::string plain = dir.Write("small.csv", kSmall);
  std::string gz = dir.Write("small.csv.gz", Gzip(kSmall));
  CliResult a = Errors(plain);
  CliResult b = Errors(gz);
  REQUIRE(a.exit_code == 0);
  CHECK(b.out == a.out);
  CliResult piped = RunBinary("errors - < " + gz);
  CHECK(piped.exit_code == 0);
  CHECK(piped.out == a.out);

  // Any chunk size and thread count: the same bytes.
  const std::string adult = SourcePath("examples/adult_predictions.csv.gz");
  CliResult one = Errors(adult);
  REQUIRE(one.exit_code == 0);
  CHECK(Lines(one.out).size() == 4106);
  CliResult small = Errors(adult, {"--chunk-bytes", "4096", "--threads", "3"});
  CHECK(small.out == one.out);
}

TEST_CASE("errors: bad --where and bad input exit 2 with a message",
          "[errors]") {
  const std::string animals = SourcePath("examples/animals.csv");
  struct Case {
    const char* name;
    std::vector<std::string> args;
    const char* message;
  };
  TempDir dir;
  const std::string ragged = dir.Write("r.csv", "label,pred,x\na,b,c\na,b\n");
  const std::string header = dir.Write("h.csv", "label,pred\n");
  const std::string skipped = dir.Write("s.csv", "label,pred\n,a\nb,\n");
  const Case cases[] = {
      {"unknown field",
       {animals, "--where", "score<0.5"},
       "--where 'score<0.5': unknown field 'score'"},
      {"not a number",
       {animals, "--where", "confidence<high"},
       "expected a number, got 'high'"},
      {"ordering a class",
       {animals, "--where", "label<cat"},
       "only == and != apply"},
      {"missing file",
       {dir.path() + "/absent.csv"},
       "absent.csv: no such file"},
      {"ragged row", {ragged}, "r.csv:3: 2 fields, header has 3"},
      {"header only", {header}, "no data rows"},
      {"all rows skipped", {skipped}, "all 2 rows were skipped"},
      {"no predictions",
       {dir.Write("n.csv", "label,x\na,b\n")},
       "no predictions found"},
      {"bad format", {animals, "--format", "xml"}, "--format"},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.name) {
      CliResult r = Errors(c.args[0], {c.args.begin() + 1, c.args.end()});
      INFO(r.err);
      CHECK(r.exit_code == 2);
      CHECK(r.out.empty());
      CHECK_THAT(r.err, Contains(c.message));
    }
  }
}

TEST_CASE("errors -o writes the file whole, or leaves it alone", "[errors]") {
  TempDir dir;
  const std::string animals = SourcePath("examples/animals.csv");
  const std::string out = dir.path() + "/errors.csv";
  CliResult ok = Errors(animals, {"-o", out});
  REQUIRE(ok.exit_code == 0);
  CHECK(ok.out.empty());
  const std::string first = ReadFile(out);
  CHECK(first == Errors(animals).out);

  // A failure half-way (row 3 is malformed) keeps the old file.
  std::string bad = dir.Write("bad.csv", "label,pred\na,b\n\"unclosed\n");
  CliResult failed = Errors(bad, {"-o", out});
  CHECK(failed.exit_code == 2);
  CHECK(ReadFile(out) == first);
  const std::string fresh = dir.path() + "/never.csv";
  CHECK(Errors(bad, {"-o", fresh}).exit_code == 2);
  CHECK_FALSE(std::filesystem::exists(fresh));
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++files;
  }
  CHECK(files == 2);  // errors.csv and bad.csv: no temporary left
  CHECK((std::filesystem::status(out).permissions() &
         std::filesystem::perms::others_read) != std::filesystem::perms::none);

  CliResult no_dir = Errors(animals, {"-o", dir.path() + "/no/such/x.csv"});
  CHECK(no_dir.exit_code == 2);
  CHECK_THAT(no_dir.err, Contains("cannot create the output file"));
}

TEST_CASE("errors: a closed stdout pipe ends quietly with exit code 0",
          "[errors]") {
  // All 32,561 rows are megabytes, far more than a pipe's buffer.
  CliResult closed = RunShell("exec 4>&1; { \"$ERRSCOPE\" errors " +
                              SourcePath("examples/adult_predictions.csv.gz") +
                              " --all; echo $? >&4; } | head -c 10 >/dev/null");
  CHECK(closed.out == "0\n");
  CHECK(closed.err.empty());
}

/// Compares `actual` with tests/cli/golden/NAME; ERRSCOPE_UPDATE_GOLDEN=1
/// rewrites the file instead (then review the diff).
void CheckGolden(const std::string& name, const std::string& actual) {
  const std::string path = SourcePath("tests/cli/golden/" + name);
  if (std::getenv("ERRSCOPE_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
  }
  CHECK(actual == ReadFile(path));
}

TEST_CASE("help texts: errors --help is the golden one", "[errors]") {
  CliResult r = RunCli({"errors", "--help"});
  CHECK(r.exit_code == 0);
  CheckGolden("errors_help.txt", r.out);
  CHECK_THAT(r.out, Contains("--where"));
  CHECK_THAT(r.out, Contains("Examples:"));
}

}  // namespace
}  // namespace errscope::test
