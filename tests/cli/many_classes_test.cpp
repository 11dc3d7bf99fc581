// More classes than the dense confusion limit: the report keeps only the
// non-zero cells, and every metric still equals scikit-learn's
// (tests/fixtures/many_classes/make_many_classes.py).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace errscope::test {
namespace {

using Catch::Matchers::Contains;
using Catch::Matchers::WithinRel;
using nlohmann::json;

TEST_CASE("many classes: sparse confusion cells, scikit-learn's metrics",
          "[many_classes]") {
  const json expected = json::parse(ReadFile(
      SourcePath("tests/fixtures/many_classes/many_classes.expected.json")));
  const CliResult r = RunCli(
      {"analyze", SourcePath("tests/fixtures/many_classes/many_classes.csv"),
       "--format", "json", "--chunk-bytes", "4000"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const json report = json::parse(r.out);
  REQUIRE(report["classes"].size() == expected["classes"]);
  CHECK(report["summary"]["rows"] == expected["rows"]);
  // Above 1,000 classes: no dense matrix, the non-zero cells instead.
  const json& matrix = report["confusion_matrix"];
  CHECK(matrix["counts"].is_null());
  REQUIRE(matrix["cells"].size() == expected["nonzero_cells"]);
  int64_t total = 0;
  for (const json& cell : matrix["cells"]) {
    CHECK(cell[2].get<int64_t>() > 0);
    total += cell[2].get<int64_t>();
  }
  CHECK(total == expected["rows"]);

  auto close = [](const json& actual, const json& want) {
    CHECK_THAT(actual.get<double>(), WithinRel(want.get<double>(), 1e-9));
  };
  close(report["metrics"]["accuracy"], expected["accuracy"]);
  close(report["metrics"]["balanced_accuracy"], expected["balanced_accuracy"]);
  close(report["metrics"]["cohen_kappa"], expected["cohen_kappa"]);
  close(report["metrics"]["mcc"], expected["mcc"]);
  for (const char* average : {"macro", "weighted", "micro"}) {
    for (const char* m : {"precision", "recall", "f1"}) {
      INFO(average << " " << m);
      close(report["averages"][average][m], expected[average][m]);
    }
  }
  for (const auto& [label, want] : expected["per_class"].items()) {
    INFO(label);
    const json* found = nullptr;
    for (const json& c : report["per_class"]) {
      if (c["label"] == label) found = &c;
    }
    REQUIRE(found != nullptr);
    CHECK((*found)["support"] == want["support"]);
    for (const char* m : {"precision", "recall", "f1"}) {
      close((*found)[m], want[m]);
    }
  }

  // The text report stays readable: 100 classes listed, no grid.
  const CliResult text = RunCli(
      {"analyze", SourcePath("tests/fixtures/many_classes/many_classes.csv")});
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Contains("the 100 classes with the most rows of 1,500"));
  CHECK_THAT(text.out, Contains("1500 classes: too many to show as a grid"));
}

}  // namespace
}  // namespace errscope::test
