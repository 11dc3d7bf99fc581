// The analyzer contract, checked for every analyzer in the table: splitting
// rows across partials and merging gives what one partial gives, in any
// merge order; an empty partial changes nothing; partials round-trip JSON.
#include <catch2/catch.hpp>
#include <random>
#include <set>

#include "errscope/analyzer.h"
#include "errscope/byte_source.h"
#include "errscope/writers.h"
#include "test_util.h"

namespace errscope {
namespace {

/// Rows with several classes, numeric spellings that differ between chunks
/// ("1" and "1.0"), probabilities, an id, a confidence, a categorical
/// feature with missing cells and a numeric feature with many distinct
/// values; cut into many small batches.
std::string MakeInput() {
  std::mt19937 rng(7);
  std::string csv = "id,label,pred,confidence,p_0,p_1,p_2,p_3,color,amount\n";
  const char* spellings[] = {"0", "1", "2", "1.0", "3", "2.00"};
  const char* colors[] = {"red", "green", "blue", "", "teal"};
  for (int i = 0; i < 600; ++i) {
    const char* label = spellings[rng() % 6];
    const char* pred = rng() % 3 == 0 ? spellings[rng() % 6] : label;
    const std::string confidence = std::to_string(rng() % 1001 / 1000.0);
    const std::string amount =
        std::to_string(rng() % 5000) + "." + std::to_string(rng() % 10);
    csv += "row" + std::to_string(i) + "," + label + "," + pred + "," +
           confidence + ",0.1,0.2,0.3,0.4," + colors[rng() % 5] + "," + amount +
           "\n";
  }
  return csv;
}

const std::vector<std::string> kColumns = {
    "id",  "label", "pred", "confidence", "p_0",
    "p_1", "p_2",   "p_3",  "color",      "amount"};

/// MakeInput() in many small batches, with the settings the pipeline would
/// make for it.
std::unique_ptr<test::DecodedCsv> ContractInput() {
  auto input = test::DecodeCsv(MakeInput(), 300);
  const AnalyzerSettings& settings = input->settings;
  REQUIRE(settings.column_names == kColumns);
  REQUIRE(settings.mapping.id == 0);
  REQUIRE(settings.mapping.confidence == 3);
  REQUIRE(settings.mapping.features == std::vector<int>{8, 9});
  REQUIRE(input->batches.size() > 10);
  return input;
}

std::string Finished(const Analyzer& analyzer, const Partial& partial) {
  Report report;
  REQUIRE(analyzer.Finish(partial, &report).ok());
  return WriteJsonReport(report);
}

TEST_CASE("every analyzer honours the accumulator contract") {
  const auto input = ContractInput();
  const AnalyzerSettings& settings = input->settings;
  const auto& batches = input->batches;

  for (const AnalyzerInfo& info : AnalyzerTable()) {
    DYNAMIC_SECTION(info.name) {
      std::unique_ptr<Analyzer> analyzer = info.make(settings);
      auto whole = analyzer->NewPartial();
      for (const PredictionBatch& b : batches) analyzer->Add(b, whole.get());
      const std::string expected = Finished(*analyzer, *whole);

      std::vector<std::unique_ptr<Partial>> parts;
      for (const PredictionBatch& b : batches) {
        parts.push_back(analyzer->NewPartial());
        analyzer->Add(b, parts.back().get());
      }
      auto forward = analyzer->NewPartial();
      for (const auto& p : parts) analyzer->Merge(*p, forward.get());
      CHECK(Finished(*analyzer, *forward) == expected);

      auto backward = analyzer->NewPartial();
      for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
        analyzer->Merge(**it, backward.get());
      }
      CHECK(Finished(*analyzer, *backward) == expected);

      // Merging must not change `from`.
      const nlohmann::json first_part = analyzer->ToJson(*parts.front());
      analyzer->Merge(*parts.front(), forward.get());
      CHECK(analyzer->ToJson(*parts.front()) == first_part);

      auto empty = analyzer->NewPartial();
      analyzer->Merge(*empty, whole.get());
      CHECK(Finished(*analyzer, *whole) == expected);

      const nlohmann::json json = analyzer->ToJson(*whole);
      auto restored = analyzer->FromJson(json);
      CHECK(analyzer->ToJson(*restored) == json);
      CHECK(Finished(*analyzer, *restored) == expected);
      CHECK(json.at("version") == 1);
    }
  }
}

TEST_CASE("the contract input exercises every section") {
  const auto input = ContractInput();
  const AnalyzerSettings& settings = input->settings;
  Report report;
  for (const AnalyzerInfo& info : AnalyzerTable()) {
    std::unique_ptr<Analyzer> analyzer = info.make(settings);
    auto partial = analyzer->NewPartial();
    for (const PredictionBatch& b : input->batches) {
      analyzer->Add(b, partial.get());
    }
    REQUIRE(analyzer->Finish(*partial, &report).ok());
  }
  REQUIRE(report.slices);
  REQUIRE(report.slices->features.size() == 2);
  const FeatureSlices& color = report.slices->features[0];
  CHECK(color.kind == "categorical");
  CHECK(color.groups.size() == 5);  // 4 colours, then the missing cells
  CHECK(color.groups.back().missing);
  CHECK(report.slices->features[1].kind == "numeric");
  CHECK(report.slices->features[1].groups.size() == 5);
  REQUIRE(report.calibration);
  CHECK(report.calibration->rows == 600);
  CHECK(report.calibration->brier);
  REQUIRE(report.top_errors);
  REQUIRE(report.top_errors->size() == 20);
  CHECK(report.top_errors->front().id.value().rfind("row", 0) == 0);
  CHECK(report.top_errors->front().features.size() == 2);
}

TEST_CASE("the analyzer table has unique names and descriptions") {
  std::set<std::string_view> seen;
  for (const AnalyzerInfo& info : AnalyzerTable()) {
    CHECK(seen.insert(info.name).second);
    CHECK_FALSE(info.description.empty());
  }
  CHECK(seen.count("summary") == 1);
  CHECK(seen.count("confusion") == 1);
}

}  // namespace
}  // namespace errscope
