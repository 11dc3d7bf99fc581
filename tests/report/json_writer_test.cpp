#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "errscope/classification_metrics.h"
#include "errscope/writers.h"

namespace errscope {
namespace {

TEST_CASE("JSON report: undefined values are null, labels are strings") {
  Report report;
  report.input.columns.label = "y";
  ConfusionSection c;
  c.classes = {"1"};
  c.counts = CountMatrix::Constant(1, 1, 4);
  c.cells = NonZeroCells(c.counts);
  ComputeClassificationMetrics(&c);
  report.confusion = c;
  nlohmann::json j = nlohmann::json::parse(WriteJsonReport(report));
  CHECK(j["metrics"]["cohen_kappa"].is_null());
  CHECK(j["metrics"]["mcc"] == 0);
  CHECK(j["classes"][0] == "1");
  CHECK(j["confusion_matrix"]["counts"] == nlohmann::json::parse("[[4]]"));
  CHECK(j["input"]["columns"]["pred"].is_null());
  CHECK(j["input"]["columns"]["probabilities"].is_null());
  CHECK(j["input"]["threshold"].is_null());
  CHECK(j["input"]["warnings"] == nlohmann::json::array());
}

TEST_CASE("JSON report: invalid UTF-8 in a label does not fail the run") {
  Report report;
  report.input.columns.label = "label";
  ConfusionSection c;
  c.classes = {"ok", "bad\xff"};
  c.counts = CountMatrix::Constant(2, 2, 1);
  c.cells = NonZeroCells(c.counts);
  ComputeClassificationMetrics(&c);
  report.confusion = c;
  nlohmann::json j = nlohmann::json::parse(WriteJsonReport(report));
  CHECK(j["classes"][1] == "bad\xEF\xBF\xBD");  // U+FFFD
}

TEST_CASE("JSON report: doubles round-trip") {
  Report report;
  report.input.columns.label = "label";
  SummarySection s;
  s.rows = 3;
  s.correct = 2;
  s.errors = 1;
  s.accuracy = 2.0 / 3;
  s.error_rate = 1.0 / 3;
  report.summary = s;
  nlohmann::json j = nlohmann::json::parse(WriteJsonReport(report));
  CHECK(j["summary"]["accuracy"].get<double>() == 2.0 / 3);
  CHECK(j["summary"]["error_rate"].get<double>() == 1.0 / 3);
}

}  // namespace
}  // namespace errscope
