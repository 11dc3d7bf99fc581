// The Markdown report and its helpers (src/report/markdown*.cpp).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>

#include "errscope/classification_metrics.h"
#include "errscope/writers.h"
#include "report/markdown.h"
#include "test_util.h"

namespace errscope {
namespace {

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using Catch::Matchers::WithinAbs;
using nlohmann::json;

/// The cells of a table row as GFM splits it: at every pipe that is not
/// preceded by a backslash, the outer pipes dropped, each cell trimmed.
std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) {
      cells.push_back(cell);
      cell.clear();
    } else {
      cell += line[i];
    }
  }
  cells.push_back(cell);
  if (!cells.empty() &&
      cells.front().find_first_not_of(' ') == std::string::npos)
    cells.erase(cells.begin());
  if (!cells.empty() &&
      cells.back().find_first_not_of(' ') == std::string::npos)
    cells.pop_back();
  for (std::string& c : cells) {
    const size_t first = c.find_first_not_of(' ');
    c = first == std::string::npos
            ? ""
            : c.substr(first, c.find_last_not_of(' ') - first + 1);
  }
  return cells;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos;
       start = end + 1) {
    lines.push_back(text.substr(start, end - start));
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

/// Every table of `markdown` (runs of lines starting with '|'), as rows of
/// cells; checks on the way that each is a GFM table: an alignment row
/// second, and the same number of cells in every row.
std::vector<std::vector<std::vector<std::string>>> Tables(
    const std::string& markdown) {
  std::vector<std::vector<std::vector<std::string>>> tables;
  bool in_table = false;
  for (const std::string& line : Lines(markdown)) {
    if (line.empty() || line[0] != '|') {
      in_table = false;
      continue;
    }
    if (!in_table) tables.emplace_back();
    in_table = true;
    tables.back().push_back(Cells(line));
  }
  const std::regex alignment("---:?");
  for (const auto& table : tables) {
    INFO("table starting " << table[0][0]);
    REQUIRE(table.size() >= 2);
    for (const std::string& cell : table[1])
      CHECK(std::regex_match(cell, alignment));
    for (const auto& row : table) CHECK(row.size() == table[0].size());
  }
  return tables;
}

/// The text from the line `heading` to the next heading of the same level.
std::string SectionOf(const std::string& markdown, const std::string& heading) {
  const size_t start = markdown.find(heading + "\n");
  if (start == std::string::npos) return "";
  const size_t end = markdown.find("\n### ", start + heading.size());
  return markdown.substr(
      start, end == std::string::npos ? std::string::npos : end - start);
}

/// The first row of a table in `section` whose first cell is `first`.
std::vector<std::string> RowOf(const std::string& section,
                               const std::string& first) {
  for (const auto& table : Tables(section)) {
    for (const auto& row : table) {
      if (!row.empty() && row[0] == first) return row;
    }
  }
  FAIL("no row '" << first << "' in:\n" << section);
  return {};
}

/// A number as the report spells it: "1,234", "12.34%", "0.1234", "1.25x".
double Number(std::string cell) {
  std::string digits;
  for (char c : cell) {
    if (c != ',' && c != '%' && c != 'x' && c != '\\') digits += c;
  }
  double value = std::stod(digits);
  return cell.find('%') != std::string::npos ? value / 100 : value;
}

/// The tolerance of a number printed with four decimals (Fixed, and
/// Percent's two decimals of a percentage).
constexpr double kPrinted = 5.01e-5;

Report MakeReport(std::vector<std::string> classes) {
  return test::ConfusionOnlyReport(std::move(classes));
}

Report MakeReport(size_t k) { return test::ConfusionOnlyReport(k); }

TEST_CASE("markdown escape: inline syntax gets a backslash", "[markdown]") {
  CHECK(MarkdownEscape("plain text 1.5") == "plain text 1.5");
  CHECK(MarkdownEscape("a|b") == "a\\|b");
  CHECK(MarkdownEscape("C:\\dir") == "C:\\\\dir");
  CHECK(MarkdownEscape("`code`") == "\\`code\\`");
  CHECK(MarkdownEscape("*bold* _it_ ~~s~~") ==
        "\\*bold\\* \\_it\\_ \\~\\~s\\~\\~");
  CHECK(MarkdownEscape("<b>&amp;</b>") == "\\<b\\>\\&amp;\\</b\\>");
  CHECK(MarkdownEscape("[x](y)") == "\\[x\\](y)");
  CHECK(MarkdownEscape("$5 and $6") == "\\$5 and \\$6");
  CHECK(MarkdownEscape("\xF0\x9F\x90\xB1 caf\xC3\xA9") ==
        "\xF0\x9F\x90\xB1 caf\xC3\xA9");
}

TEST_CASE("markdown escape: one line, no block at its start", "[markdown]") {
  CHECK(MarkdownEscape("a\nb") == "a b");
  CHECK(MarkdownEscape("a\r\nb\rc") == "a b c");
  CHECK(MarkdownEscape("# title") == "\\# title");
  CHECK(MarkdownEscape("#1") == "\\#1");
  CHECK(MarkdownEscape("a # b") == "a # b");
  CHECK(MarkdownEscape("- item") == "\\- item");
  CHECK(MarkdownEscape("  + item") == "  \\+ item");
  CHECK(MarkdownEscape("-") == "\\-");
  CHECK(MarkdownEscape("-\nitem") == "\\- item");  // a bullet once joined
  CHECK(MarkdownEscape("-0.25") == "-0.25");
  CHECK(MarkdownEscape("+3.2") == "+3.2");
  CHECK(MarkdownEscape("1. first") == "1\\. first");
  CHECK(MarkdownEscape("12) x") == "12\\) x");
  CHECK(MarkdownEscape("1234567890. x") == "1234567890. x");  // 10 digits
  CHECK(MarkdownEscape("2024") == "2024");
  CHECK(MarkdownEscape("") == "");
}

TEST_CASE("markdown table: alignment row, escaped and padded cells",
          "[markdown]") {
  MarkdownTable table({{"name"}, {"count", MarkdownTable::Align::kRight}});
  table.AddRow({"a|b", "1"});
  table.AddRow({"x\\"});
  CHECK(table.rows() == 2);
  CHECK(table.Render() ==
        "| name | count |\n"
        "| --- | ---: |\n"
        "| a\\|b | 1 |\n"
        "| x\\\\ |  |\n");
  MarkdownTable empty({{"a|b"}});
  CHECK(empty.Render() == "| a\\|b |\n| --- |\n");
}

TEST_CASE("markdown details: blank lines around the body", "[markdown]") {
  CHECK(MarkdownDetails("a <b> & \"c\"", "| x |\n") ==
        "<details><summary>a &lt;b&gt; &amp; &quot;c&quot;</summary>\n\n"
        "| x |\n\n</details>\n");
  CHECK(MarkdownDetails("s", "no newline") ==
        "<details><summary>s</summary>\n\nno newline\n\n</details>\n");
}

TEST_CASE("markdown report: a hostile label stays one cell", "[markdown]") {
  const std::string hostile = "a|b `c` *d*\nnew \xF0\x9F\x90\xB1";
  const std::string escaped = "a\\|b \\`c\\` \\*d\\* new \xF0\x9F\x90\xB1";
  const std::string md = WriteMarkdownReport(MakeReport({hostile, "plain"}));
  const auto tables = Tables(md);  // checks the column counts
  REQUIRE(tables.size() >= 5);
  std::vector<std::string> row = RowOf(SectionOf(md, "### Per class"), escaped);
  CHECK(row.size() == 7);
  CHECK(row[4] == "4");  // support
  // In the matrix the label is a column header as well as a row.
  const auto matrix = Tables(SectionOf(md, "### Confusion matrix"));
  REQUIRE(matrix.size() == 1);
  CHECK(matrix[0][0] ==
        std::vector<std::string>{"true \\\\ pred", escaped, "plain"});
  CHECK(md.find(hostile) == std::string::npos);
}

TEST_CASE("markdown report: sections in order, one final newline",
          "[markdown]") {
  test::CliResult r = test::RunCli(
      {"analyze", test::SourcePath("examples/adult_predictions.csv.gz"),
       "--format", "markdown"});
  REQUIRE(r.exit_code == 0);
  const std::string& md = r.out;
  size_t previous = 0;
  for (const char* heading :
       {"## errscope report\n", "**4,105 errors in 32,561 rows:**",
        "### Metrics\n", "### Per class\n", "### Most confused pairs\n",
        "### Confusion matrix\n", "### Errors by feature\n",
        "<details><summary>Groups of each feature (14 features)",
        "### Calibration\n", "### Confidence summary\n",
        "### Most confident errors (top 20)\n"}) {
    INFO(heading);
    const size_t at = md.find(heading);
    REQUIRE(at != std::string::npos);
    CHECK(at >= previous);
    previous = at;
  }
  CHECK_THAT(md, StartsWith("## errscope report\n"));
  CHECK(md.back() == '\n');
  CHECK(md.substr(md.size() - 2) != "\n\n");
  CHECK(md.find("\n\n\n") == std::string::npos);
  // 20 errors are more than a PR comment should show open.
  CHECK_THAT(SectionOf(md, "### Most confident errors (top 20)"),
             Contains("<details><summary>20 errors</summary>"));
  CHECK(md.find("> **Warnings**") == std::string::npos);
  Tables(md);
}

TEST_CASE("markdown report: absent sections are left out", "[markdown]") {
  test::TempDir dir;
  const std::string path =
      dir.Write("a.csv", "label,pred\na,a\n,b\nb,b\nb,a\n");
  test::CliResult r = test::RunCli({"analyze", path, "--format", "markdown"});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("> **Warnings**\n> - skipped 1 row"));
  CHECK_THAT(r.out, Contains("### Per class"));
  CHECK_THAT(r.out,
             Contains("### First 1 errors (no confidence to rank them by)"));
  for (const char* absent :
       {"### Calibration", "### Confidence summary", "### Errors by feature",
        "### Most confident errors"}) {
    CHECK_THAT(r.out, !Contains(absent));
  }

  Report bare;
  bare.input.source = "x.csv";
  bare.input.format = "csv";
  bare.input.compression = "none";
  const std::string md = WriteMarkdownReport(bare);
  CHECK_THAT(md, StartsWith("## errscope report\n"));
  CHECK(md.find("###") == std::string::npos);
  CHECK(md.find("errors in") == std::string::npos);
  CHECK(md.find("Warnings") == std::string::npos);
}

TEST_CASE("markdown report: no matrix above 20 classes", "[markdown]") {
  const std::string twenty = WriteMarkdownReport(MakeReport(20));
  const auto matrix = Tables(SectionOf(twenty, "### Confusion matrix"));
  REQUIRE(matrix.size() == 1);
  CHECK(matrix[0].size() == 22);     // header, alignment, 20 classes
  CHECK(matrix[0][0].size() == 21);  // "true \ pred" and 20 predictions
  CHECK(matrix[0][2][1] == "3");     // class_0 predicted as class_0
  CHECK(matrix[0][2][2] == "1");

  const std::string many = WriteMarkdownReport(MakeReport(21));
  const std::string section = SectionOf(many, "### Confusion matrix");
  CHECK_THAT(section, Contains("21 classes: too many to show as a grid"));
  CHECK(Tables(section).empty());
  CHECK(many.find("true \\\\ pred") == std::string::npos);
  // The per-class table stays, collapsed.
  CHECK_THAT(SectionOf(many, "### Per class"),
             Contains("<details><summary>21 classes</summary>"));
  CHECK(RowOf(SectionOf(many, "### Per class"), "class\\_20").size() == 7);
}

TEST_CASE("markdown report: the numbers of the JSON report", "[markdown]") {
  const std::string path =
      test::SourcePath("examples/adult_predictions.csv.gz");
  test::CliResult md_run =
      test::RunCli({"analyze", path, "--format", "markdown"});
  test::CliResult json_run =
      test::RunCli({"analyze", path, "--format", "json"});
  REQUIRE(md_run.exit_code == 0);
  REQUIRE(json_run.exit_code == 0);
  const std::string& md = md_run.out;
  const json j = json::parse(json_run.out);

  const std::string metrics = SectionOf(md, "### Metrics");
  for (const auto& [name, key] :
       {std::pair{"accuracy", "accuracy"},
        std::pair{"balanced accuracy", "balanced_accuracy"},
        std::pair{"Cohen's kappa", "cohen_kappa"}, std::pair{"MCC", "mcc"}}) {
    INFO(name);
    CHECK_THAT(Number(RowOf(metrics, name)[1]),
               WithinAbs(j["metrics"][key].get<double>(), kPrinted));
  }
  for (const char* average : {"macro", "weighted", "micro"}) {
    INFO(average);
    const auto row = RowOf(metrics, average);
    const json& expected = j["averages"][average];
    CHECK_THAT(Number(row[1]),
               WithinAbs(expected["precision"].get<double>(), kPrinted));
    CHECK_THAT(Number(row[2]),
               WithinAbs(expected["recall"].get<double>(), kPrinted));
    CHECK_THAT(Number(row[3]),
               WithinAbs(expected["f1"].get<double>(), kPrinted));
  }

  const std::string per_class = SectionOf(md, "### Per class");
  const std::string matrix = SectionOf(md, "### Confusion matrix");
  for (size_t i = 0; i < j["per_class"].size(); ++i) {
    const json& m = j["per_class"][i];
    const std::string label = MarkdownEscape(m["label"].get<std::string>());
    INFO(label);
    const auto row = RowOf(per_class, label);
    CHECK_THAT(Number(row[1]),
               WithinAbs(m["precision"].get<double>(), kPrinted));
    CHECK_THAT(Number(row[2]), WithinAbs(m["recall"].get<double>(), kPrinted));
    CHECK_THAT(Number(row[3]), WithinAbs(m["f1"].get<double>(), kPrinted));
    CHECK(Number(row[4]) == m["support"].get<double>());
    CHECK(Number(row[5]) == m["fp"].get<double>());
    CHECK(Number(row[6]) == m["fn"].get<double>());
    const auto counts = RowOf(matrix, label);
    for (size_t k = 0; k < j["confusion_matrix"]["counts"][i].size(); ++k) {
      CHECK(Number(counts[k + 1]) ==
            j["confusion_matrix"]["counts"][i][k].get<double>());
    }
  }

  const json& s = j["summary"];
  std::smatch m;
  REQUIRE(std::regex_search(
      md, m,
      std::regex(R"(accuracy ([\d.]+%), error rate ([\d.]+%) )"
                 R"(\(95% CI ([\d.]+%) to ([\d.]+%)\))")));
  CHECK_THAT(Number(m[1]), WithinAbs(s["accuracy"].get<double>(), kPrinted));
  CHECK_THAT(Number(m[2]), WithinAbs(s["error_rate"].get<double>(), kPrinted));
  CHECK_THAT(Number(m[3]),
             WithinAbs(s["error_rate_ci95"][0].get<double>(), kPrinted));
  CHECK_THAT(Number(m[4]),
             WithinAbs(s["error_rate_ci95"][1].get<double>(), kPrinted));

  const json& c = j["calibration"];
  REQUIRE(std::regex_search(
      md, m,
      std::regex(R"(ECE ([\d.]+), MCE ([\d.]+), )"
                 R"(Brier score ([\d.]+), log loss ([\d.]+) )")));
  CHECK_THAT(Number(m[1]), WithinAbs(c["ece"].get<double>(), kPrinted));
  CHECK_THAT(Number(m[2]), WithinAbs(c["mce"].get<double>(), kPrinted));
  CHECK_THAT(Number(m[3]), WithinAbs(c["brier"].get<double>(), kPrinted));
  CHECK_THAT(Number(m[4]), WithinAbs(c["log_loss"].get<double>(), kPrinted));
  const auto bins = Tables(SectionOf(md, "### Calibration"));
  REQUIRE(bins.size() == 1);
  REQUIRE(bins[0].size() == c["bins"].size() + 2);
  for (size_t i = 0; i < c["bins"].size(); ++i) {
    const json& b = c["bins"][i];
    const auto& row = bins[0][i + 2];
    CHECK(Number(row[1]) == b["rows"].get<double>());
    if (b["rows"] == 0) continue;
    CHECK_THAT(Number(row[2]),
               WithinAbs(b["accuracy"].get<double>(), kPrinted));
    CHECK_THAT(Number(row[4]), WithinAbs(b["gap"].get<double>(), kPrinted));
  }

  const auto errors =
      Tables(SectionOf(md, "### Most confident errors (top 20)"));
  REQUIRE(errors.size() == 1);
  REQUIRE(errors[0].size() == j["top_errors"].size() + 2);
  for (size_t i = 0; i < j["top_errors"].size(); ++i) {
    const json& e = j["top_errors"][i];
    const auto& row = errors[0][i + 2];
    CHECK(Number(row[0]) == e["row"].get<double>());
    CHECK(row[1] == MarkdownEscape(e["id"].get<std::string>()));
    CHECK(row[2] == MarkdownEscape(e["label"].get<std::string>()));
    CHECK(row[3] == MarkdownEscape(e["pred"].get<std::string>()));
    CHECK_THAT(Number(row[4]),
               WithinAbs(e["confidence"].get<double>(), kPrinted));
  }

  // The first group of the "age" feature in the per-feature tables.
  const json& age = j["slices"][0];
  REQUIRE(age["feature"] == "age");
  const std::string slices = SectionOf(md, "### Errors by feature");
  const size_t at = slices.find("**age**");
  REQUIRE(at != std::string::npos);
  const auto first = Tables(slices.substr(at))[0][2];
  const json& g = age["groups"][0];
  CHECK(Number(first[1]) == g["rows"].get<double>());
  CHECK(Number(first[2]) == g["errors"].get<double>());
  CHECK_THAT(Number(first[3]),
             WithinAbs(g["error_rate"].get<double>(), kPrinted));
  CHECK(first[5] == (g["significant"].get<bool>() ? "yes" : ""));
}

TEST_CASE("analyze --format markdown: stdout, -o and an unknown format",
          "[markdown]") {
  const std::string csv = test::SourcePath("examples/animals.csv");
  test::CliResult r = test::RunCli({"analyze", csv, "--format", "markdown"});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, StartsWith("## errscope report\n"));
  CHECK_THAT(r.out, Contains("**7 errors in 48 rows:**"));
  CHECK(
      test::RunCli({"analyze", csv, "-f", "markdown", "--threads", "3"}).out ==
      r.out);

  test::TempDir dir;
  const std::string out = dir.path() + "/report.md";
  test::CliResult written =
      test::RunCli({"analyze", csv, "--format", "markdown", "-o", out});
  REQUIRE(written.exit_code == 0);
  CHECK(written.out.empty());
  CHECK(test::ReadFile(out) == r.out);

  test::CliResult unknown = test::RunCli({"analyze", csv, "--format", "md"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.out.empty());
  CHECK_THAT(unknown.err, Contains("--format"));
}

TEST_CASE("analyze --format markdown: labels from the input stay literal",
          "[markdown]") {
  test::TempDir dir;
  const std::string path =
      dir.Write("odd.csv",
                "label,pred,confidence,source\n"
                "\"x|y `z` *w*\nnext \xF0\x9F\x90\xB1\",plain,0.9,\"team|a\"\n"
                "\"x|y `z` *w*\nnext \xF0\x9F\x90\xB1\",\"x|y `z` *w*\nnext "
                "\xF0\x9F\x90\xB1\",0.7,b\n"
                "plain,plain,0.8,\"team|a\"\n"
                "plain,\"x|y `z` *w*\nnext \xF0\x9F\x90\xB1\",0.6,b\n");
  test::CliResult r = test::RunCli({"analyze", path, "--format", "markdown"});
  REQUIRE(r.exit_code == 0);
  Tables(r.out);  // every row has its table's number of cells
  const std::string label = "x\\|y \\`z\\` \\*w\\* next \xF0\x9F\x90\xB1";
  CHECK(RowOf(SectionOf(r.out, "### Per class"), label).size() == 7);
  const auto confident =
      RowOf(SectionOf(r.out, "### Most confident errors (top 2)"), "1");
  CHECK(confident ==
        std::vector<std::string>{"1", "\\-", label, "plain", "0.9000"});
  CHECK_THAT(SectionOf(r.out, "### Errors by feature"),
             Contains("| team\\|a |"));
}

}  // namespace
}  // namespace errscope
