// The top_errors analyzer: the N most confident errors, ties in input order,
// whatever order the partials are merged in (docs/error-analysis.md, "The
// most confident errors").
#include "analyzers/top_errors.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "errscope/byte_source.h"
#include "test_util.h"

namespace errscope {
namespace {

using test::AnalyzeInOrder;
using test::DecodeCsv;
using test::PartialPerBatch;

/// One partial per chunk of `csv`; by default every row is its own chunk,
/// so that merging the partials in another order reorders the rows.
struct Partials {
  std::unique_ptr<Analyzer> analyzer;
  std::vector<std::unique_ptr<Partial>> parts;

  /// The analyzer's rows after merging the partials in `order`.
  std::vector<ErrorRow> Merged(const std::vector<size_t>& order) const {
    std::unique_ptr<Partial> total = analyzer->NewPartial();
    for (size_t i : order) analyzer->Merge(*parts[i], total.get());
    Report report;
    REQUIRE(analyzer->Finish(*total, &report).ok());
    REQUIRE(report.top_errors);
    return *report.top_errors;
  }
};

Partials Split(const std::string& csv, size_t top, size_t chunk_bytes = 1) {
  AnalysisOptions options;
  options.top_errors = top;
  auto input = DecodeCsv(csv, chunk_bytes, {}, options);
  Partials out;
  out.analyzer = MakeTopErrorsAnalyzer(input->settings);
  out.parts = PartialPerBatch(*out.analyzer, *input);
  return out;
}

/// Every order the tests merge in: forward, backward and shuffled.
std::vector<std::vector<size_t>> Orders(size_t n) {
  std::vector<size_t> forward(n);
  for (size_t i = 0; i < n; ++i) forward[i] = i;
  std::vector<size_t> backward(forward.rbegin(), forward.rend());
  std::vector<std::vector<size_t>> orders = {forward, backward};
  std::mt19937 rng(11);
  for (int k = 0; k < 5; ++k) {
    std::vector<size_t> shuffled = forward;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    orders.push_back(shuffled);
  }
  return orders;
}

/// The data row numbers of `rows`, in order.
std::vector<int64_t> RowNumbers(const std::vector<ErrorRow>& rows) {
  std::vector<int64_t> out;
  for (const ErrorRow& e : rows) out.push_back(e.row);
  return out;
}

// Data rows 1..8 (file lines 2..9). Errors: 1 (0.6), 3 (0.9), 4 (0.6),
// 5 (0.95), 6 (0.6), 8 (0.1). Most confident first, ties in input order:
// 5, 3, 1, 4, 6, 8.
const char kEightRows[] =
    "id,label,pred,confidence,color\n"
    "r1,a,b,0.6,red\n"
    "r2,a,a,0.99,blue\n"
    "r3,b,a,0.9,green\n"
    "r4,b,a,0.6,\n"
    "r5,a,b,0.95,red\n"
    "r6,a,b,0.6,blue\n"
    "r7,b,b,0.2,red\n"
    "r8,b,a,0.1,blue\n";

TEST_CASE("top errors: the N most confident, ties in input order",
          "[top_errors]") {
  Partials p = Split(kEightRows, 4);
  REQUIRE(p.parts.size() == 8);
  for (const std::vector<size_t>& order : Orders(p.parts.size())) {
    std::vector<ErrorRow> rows = p.Merged(order);
    CHECK(RowNumbers(rows) == std::vector<int64_t>{5, 3, 1, 4});
  }
  std::vector<ErrorRow> rows = p.Merged(Orders(8)[0]);
  REQUIRE(rows.size() == 4);
  const ErrorRow& first = rows[0];
  CHECK(first.line == 6);  // row 5 after the header line
  CHECK(first.id == "r5");
  CHECK(first.label == "a");
  CHECK(first.pred == "b");
  CHECK(first.confidence == 0.95);
  REQUIRE(first.features.size() == 1);
  CHECK(first.features[0].first == "color");
  CHECK(first.features[0].second == "red");
  CHECK(rows[1].id == "r3");
  CHECK(rows[1].label == "b");
  CHECK(rows[1].pred == "a");
  CHECK(rows[1].features[0].second == "green");
  CHECK(rows[3].id == "r4");
  CHECK_FALSE(rows[3].features[0].second);  // empty cell: none
}

TEST_CASE("top errors: the same rows whatever the batches", "[top_errors]") {
  // 300 rows with many ties; half of them wrong.
  std::string csv = "label,pred,confidence\n";
  std::mt19937 rng(3);
  for (int i = 0; i < 300; ++i) {
    const char* pred = rng() % 2 == 0 ? "b" : "a";
    csv += std::string("a,") + pred + ",0." + std::to_string(rng() % 10) + "\n";
  }
  // The expected rows, recomputed from the same random sequence: errors by
  // (confidence descending, row ascending), the first 25.
  std::vector<std::pair<double, int64_t>> errors;
  std::mt19937 replay(3);
  for (int64_t row = 1; row <= 300; ++row) {
    const bool wrong = replay() % 2 == 0;
    const double confidence = static_cast<double>(replay() % 10) / 10;
    if (wrong) errors.emplace_back(-confidence, row);
  }
  std::sort(errors.begin(), errors.end());
  std::vector<int64_t> expected;
  for (size_t i = 0; i < 25; ++i) expected.push_back(errors[i].second);

  // All rows added to one partial (the insertion and rejection of Add).
  Partials one = Split(csv, 25, size_t{1} << 20);
  REQUIRE(one.parts.size() == 1);
  CHECK(RowNumbers(one.Merged({0})) == expected);
  // Partials of a few rows each, merged in any order.
  Partials many = Split(csv, 25, 40);
  REQUIRE(many.parts.size() > 50);
  for (const std::vector<size_t>& order : Orders(many.parts.size())) {
    CHECK(RowNumbers(many.Merged(order)) == expected);
  }
}

TEST_CASE("top errors: --top 0 lists none", "[top_errors]") {
  Partials p = Split(kEightRows, 0);
  for (const std::vector<size_t>& order : Orders(p.parts.size())) {
    CHECK(p.Merged(order).empty());
  }
}

TEST_CASE("top errors: fewer errors than N lists them all", "[top_errors]") {
  Partials p = Split(kEightRows, 20);
  for (const std::vector<size_t>& order : Orders(p.parts.size())) {
    CHECK(RowNumbers(p.Merged(order)) ==
          std::vector<int64_t>{5, 3, 1, 4, 6, 8});
  }
}

TEST_CASE("top errors: errors without a confidence come last", "[top_errors]") {
  // Class c has no probability column, so a row predicting c has no
  // confidence. Errors: 1 (none), 2 (p_b = 0.7), 3 (none), 4 (p_a = 0.2).
  const std::string csv =
      "label,pred,p_a,p_b\n"
      "a,c,0.5,0.5\n"
      "a,b,0.3,0.7\n"
      "b,c,0.9,0.1\n"
      "b,a,0.2,0.8\n";
  Partials p = Split(csv, 3);
  for (const std::vector<size_t>& order : Orders(p.parts.size())) {
    std::vector<ErrorRow> rows = p.Merged(order);
    CHECK(RowNumbers(rows) == std::vector<int64_t>{2, 4, 1});
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].confidence == 0.7);
    CHECK(rows[1].confidence == 0.2);
    CHECK_FALSE(rows[2].confidence);
    CHECK_FALSE(rows[2].id);  // no id column
    CHECK(rows[2].features.empty());
  }
  // A partial holding a row without confidence round-trips through JSON.
  Partials all = Split(csv, 10);
  std::unique_ptr<Partial> total = all.analyzer->NewPartial();
  for (const auto& part : all.parts) all.analyzer->Merge(*part, total.get());
  const nlohmann::json json = all.analyzer->ToJson(*total);
  CHECK(all.analyzer->ToJson(*all.analyzer->FromJson(json)) == json);
}

TEST_CASE("top errors: rows count from 1 and include skipped rows",
          "[top_errors]") {
  // Data row 2 has an empty label and is skipped, but is still a data row;
  // data row 3 spans file lines 4 and 5 (a quoted newline), so data row 4
  // starts on line 6.
  const std::string csv =
      "label,pred,confidence,note\n"
      "a,b,0.5,x\n"
      ",b,0.9,y\n"
      "a,a,0.8,\"two\nlines\"\n"
      "a,b,0.7,z\n";
  Partials p = Split(csv, 5);
  std::vector<ErrorRow> rows = p.Merged(Orders(p.parts.size())[1]);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].row == 4);
  CHECK(rows[0].line == 6);
  CHECK(rows[0].features[0].second == "z");
  CHECK(rows[1].row == 1);
  CHECK(rows[1].line == 2);
}

}  // namespace
}  // namespace errscope
