// The analyzer contract, checked for every analyzer in the table: splitting
// rows across partials and merging gives what one partial gives, in any
// merge order; an empty partial changes nothing; partials round-trip JSON.
#include <catch2/catch.hpp>
#include <random>
#include <set>

#include "errscope/analyzer.h"
#include "errscope/byte_source.h"
#include "errscope/writers.h"

namespace errscope {
namespace {

/// Rows with several classes, numeric spellings that differ between chunks
/// ("1" and "1.0"), and probabilities; cut into many small batches.
std::string MakeInput() {
  std::mt19937 rng(7);
  std::string csv = "label,pred,p_0,p_1,p_2,p_3\n";
  const char* spellings[] = {"0", "1", "2", "1.0", "3", "2.00"};
  for (int i = 0; i < 600; ++i) {
    const char* label = spellings[rng() % 6];
    const char* pred = rng() % 3 == 0 ? spellings[rng() % 6] : label;
    csv += std::string(label) + "," + pred + ",0.1,0.2,0.3,0.4\n";
  }
  return csv;
}

std::vector<PredictionBatch> Batches(const ColumnMapping& mapping) {
  SourceInfo info;
  info.name = "contract.csv";
  Status status;
  ReaderOptions options;
  options.chunk_bytes = 300;
  auto reader = OpenRecordReader(OpenString(MakeInput(), &info), info,
                                 options, &status);
  REQUIRE(reader);
  std::vector<PredictionBatch> batches;
  Chunk chunk;
  RawBatch raw;
  while (reader->NextChunk(&chunk, &status)) {
    REQUIRE(reader->ParseChunk(chunk, &raw, &status));
    batches.emplace_back();
    REQUIRE(DecodeBatch(raw, mapping, reader->column_names(), info.name,
                        DecodeOptions(), &batches.back(), &status));
  }
  REQUIRE(status.ok());
  REQUIRE(batches.size() > 10);
  return batches;
}

std::string Finished(const Analyzer& analyzer, const Partial& partial) {
  Report report;
  REQUIRE(analyzer.Finish(partial, &report).ok());
  return WriteJsonReport(report);
}

TEST_CASE("every analyzer honours the accumulator contract") {
  AnalyzerSettings settings;
  const std::vector<std::string> names = {"label", "pred", "p_0",
                                          "p_1",   "p_2",  "p_3"};
  REQUIRE(ResolveColumns(names, ColumnOptions(), &settings.mapping).ok());
  std::vector<PredictionBatch> batches = Batches(settings.mapping);

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
