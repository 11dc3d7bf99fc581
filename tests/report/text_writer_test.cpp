#include <catch2/catch.hpp>

#include "errscope/classification_metrics.h"
#include "errscope/writers.h"
#include "report/text_table.h"
#include "test_util.h"

namespace errscope {
namespace {

using Catch::Matchers::Contains;

Report MakeReport(size_t classes) { return test::ConfusionOnlyReport(classes); }

TEST_CASE("text report: sections in order, the matrix with class names") {
  std::string text = WriteTextReport(MakeReport(3), TextOptions());
  size_t summary = text.find("errors in 12 rows");
  size_t classification = text.find("Classification report");
  size_t matrix = text.find("Confusion matrix");
  size_t top = text.find("Most confused pairs");
  REQUIRE(summary != std::string::npos);
  CHECK(summary < classification);
  CHECK(classification < matrix);
  CHECK(matrix < top);
  CHECK_THAT(text, Contains("true \\ pred  class_0  class_1  class_2"));
  CHECK_THAT(text, Contains("  class_0            3        1        0"));
  CHECK_THAT(text, Contains("macro avg"));
  CHECK_THAT(text, Contains("Cohen's kappa"));
}

TEST_CASE("text report: normalized matrix") {
  TextOptions options;
  options.normalize = "true";
  std::string text = WriteTextReport(MakeReport(3), options);
  CHECK_THAT(text, Contains("normalized over each true label"));
  CHECK_THAT(text, Contains("0.750"));  // 3 of the 4 rows of each class
  CHECK_THAT(text, Contains("0.250"));
}

TEST_CASE("text report: 100 classes show top confusions, not a grid") {
  std::string text = WriteTextReport(MakeReport(100), TextOptions());
  CHECK_THAT(text, Contains("100 classes: too many to show as a grid"));
  CHECK(text.find("true \\ pred") == std::string::npos);
  CHECK_THAT(text, Contains("Most confused pairs"));
  CHECK_THAT(text, Contains("class_99"));
}

TEST_CASE("text report: colour codes only when colour is on") {
  Report report = MakeReport(3);
  CHECK(WriteTextReport(report, TextOptions()).find('\x1b') ==
        std::string::npos);
  TextOptions color;
  color.color = true;
  CHECK(WriteTextReport(report, color).find("\x1b[1m") != std::string::npos);
}

TEST_CASE("text table: columns aligned by display width") {
  TextTable table({TextTable::Align::kLeft, TextTable::Align::kRight});
  table.AddRow({{"é"}, {"1"}});
  table.AddRow({{"abc"}, {"100"}});
  CHECK(table.Render(false, 0, 1) == "é     1\nabc 100\n");
  // Styles do not change the layout.
  TextTable styled({TextTable::Align::kLeft, TextTable::Align::kRight});
  styled.AddRow({{"é", Style::kBad}, {"1"}});
  CHECK(styled.Render(true, 0, 1) == "\x1b[31m\xc3\xa9\x1b[0m 1\n");
}

TEST_CASE("text helpers") {
  CHECK(Thousands(0) == "0");
  CHECK(Thousands(999) == "999");
  CHECK(Thousands(1000) == "1,000");
  CHECK(Thousands(-1234567) == "-1,234,567");
  CHECK(DisplayWidth("naïve") == 5);
  CHECK(Truncate("abcdefgh", 5) == "abcd\u2026");
  CHECK(Truncate("abc", 5) == "abc");
}

}  // namespace
}  // namespace errscope

namespace errscope {
namespace {

TEST_CASE("text report: errors without confidence are not called confident") {
  Report report = MakeReport(2);
  ErrorRow unranked;
  unranked.row = 4;
  unranked.label = "class_0";
  unranked.pred = "class_1";
  report.top_errors = std::vector<ErrorRow>{unranked};
  std::string text = WriteTextReport(report, TextOptions());
  CHECK_THAT(text, Contains("First 1 errors (no confidence to rank them by)"));
  CHECK_THAT(text, !Contains("Most confident errors"));

  report.top_errors->front().confidence = 0.75;
  text = WriteTextReport(report, TextOptions());
  CHECK_THAT(text, Contains("Most confident errors (top 1)"));
  CHECK_THAT(text, Contains("0.7500"));
}

}  // namespace
}  // namespace errscope
