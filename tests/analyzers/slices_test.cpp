// The slices analyzer on tiny CSV inputs whose groups, bins and statistics
// are worked out by hand (docs/error-analysis.md, "Errors by feature").
#include "analyzers/slices.h"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <cmath>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "errscope/byte_source.h"
#include "errscope/writers.h"
#include "test_util.h"

namespace errscope {
namespace {

using test::AnalyzeInOrder;
using test::DecodeCsv;
using test::PartialPerBatch;

using Catch::Matchers::WithinAbs;

/// Runs the slices analyzer over `csv` as the pipeline does: cut into tiny
/// chunks, one partial per chunk, merged in order.
SlicesSection Slices(const std::string& csv,
                     const AnalysisOptions& options = {},
                     const ColumnOptions& columns = {}) {
  auto input = DecodeCsv(csv, 40, columns, options);  // a few rows a chunk
  const Report report =
      AnalyzeInOrder(*MakeSlicesAnalyzer(input->settings), *input);
  REQUIRE(report.slices);
  return *report.slices;
}

/// Appends `rows` rows whose feature cell is `value`, the first `errors` of
/// them wrong ("a,b") and the rest right ("a,a").
void AddRows(std::string* csv, const std::string& value, int rows, int errors) {
  for (int i = 0; i < rows; ++i) {
    *csv += (i < errors ? "a,b," : "a,a,") + value + "\n";
  }
}

/// "value:rows/errors" of each group, "(missing)" for the missing group, or
/// "[lo,hi)" / "[lo,hi]" for a numeric bin.
std::vector<std::string> Summary(const FeatureSlices& feature) {
  std::vector<std::string> out;
  for (const SliceGroup& g : feature.groups) {
    std::string name;
    if (g.missing) {
      name = "(missing)";
    } else if (g.value) {
      name = *g.value;
    } else {
      // fmt, not "[" + string: g++ 12 warns falsely (-Wrestrict) on that.
      name = fmt::format("[{},{}{}", static_cast<int>(*g.lo),
                         static_cast<int>(*g.hi), g.closed ? "]" : ")");
    }
    out.push_back(name + ":" + std::to_string(g.rows) + "/" +
                  std::to_string(g.errors));
  }
  return out;
}

using Strings = std::vector<std::string>;

TEST_CASE("slices: categorical groups, then the missing group", "[slices]") {
  // N = 8, E = 3 (rows 2, 5, 7), r = 3/8.
  const std::string csv =
      "label,pred,color\n"
      "a,a,red\n"
      "a,b,red\n"
      "a,a,blue\n"
      "b,b,\n"
      "b,a,red\n"
      "b,b,blue\n"
      "a,b,\n"
      "a,a,green\n";
  SlicesSection s = Slices(csv);
  CHECK_THAT(s.overall_error_rate, WithinAbs(3.0 / 8, 1e-15));
  REQUIRE(s.features.size() == 1);
  const FeatureSlices& f = s.features[0];
  CHECK(f.feature == "color");
  CHECK(f.kind == "categorical");
  // Rows descending, then the missing group.
  CHECK(Summary(f) ==
        Strings{"red:3/2", "blue:2/0", "green:1/0", "(missing):2/1"});
  const SliceGroup& red = f.groups[0];
  CHECK_FALSE(red.missing);
  CHECK_FALSE(red.other);
  CHECK_FALSE(red.lo);
  CHECK_THAT(red.error_rate, WithinAbs(2.0 / 3, 1e-15));
  REQUIRE(red.lift);
  CHECK_THAT(*red.lift, WithinAbs((2.0 / 3) / (3.0 / 8), 1e-12));    // 16/9
  CHECK_THAT(red.excess_errors, WithinAbs(2 - 3 * 3.0 / 8, 1e-12));  // 7/8
  CHECK(red.error_rate_ci95_lo < 2.0 / 3);
  CHECK(red.error_rate_ci95_hi > 2.0 / 3);
  // P(X >= 2), X ~ hypergeometric(N 8, E 3, draws 3):
  // (C(3,2) C(5,1) + C(3,3)) / C(8,3) = (15 + 1) / 56 = 2/7.
  CHECK_THAT(red.p_value, WithinAbs(2.0 / 7, 1e-12));
  const SliceGroup& blue = f.groups[1];
  REQUIRE(blue.lift);
  CHECK(*blue.lift == 0);
  CHECK_THAT(blue.excess_errors, WithinAbs(-2 * 3.0 / 8, 1e-12));
  CHECK_THAT(blue.p_value, WithinAbs(1.0, 1e-12));  // P(X >= 0)
  const SliceGroup& missing = f.groups[3];
  CHECK(missing.missing);
  CHECK_FALSE(missing.value);
  CHECK_THAT(*missing.lift, WithinAbs(0.5 / (3.0 / 8), 1e-12));  // 4/3
  CHECK_THAT(missing.excess_errors, WithinAbs(1 - 2 * 3.0 / 8, 1e-12));
  // P(X >= 1) with 2 draws = 1 - C(5,2)/C(8,2) = 1 - 10/28 = 9/14.
  CHECK_THAT(missing.p_value, WithinAbs(9.0 / 14, 1e-12));
  // BH over m = 4: p sorted 2/7, 9/14, 1, 1; every p(j)*4/j >= 1, so q = 1.
  for (const SliceGroup& g : f.groups) {
    CHECK_THAT(g.q_value, WithinAbs(1.0, 1e-12));
    CHECK_FALSE(g.significant);
  }
}

TEST_CASE("slices: cells are exact strings, not trimmed", "[slices]") {
  SlicesSection s = Slices("label,pred,color\na,a,red\na,b,\" red\"\n");
  CHECK(Summary(s.features[0]) == Strings{" red:1/1", "red:1/0"});
}

TEST_CASE("slices: spellings of one number are one value, named by the "
          "first",
          "[slices]") {
  // As for class labels: 1.0, " 1", +1 and 1 are the number 1, named
  // "1.0" because row 1 comes first. -0 and 0 are one value too.
  const std::string csv =
      "label,pred,flag\na,b,1.0\na,a,\" 1\"\na,a,0\na,b,-0\na,a,+1\na,a,1\n";
  const SlicesSection s = Slices(csv);
  CHECK(Summary(s.features.at(0)) == Strings{"1.0:4/1", "0:2/1"});

  // Across chunks, merged forward and backward: the name is the first in
  // input order either way.
  std::string many = "label,pred,flag\n";
  AddRows(&many, "7.50", 30, 3);
  AddRows(&many, "7.5", 40, 0);
  AddRows(&many, "x", 50, 5);
  auto input = DecodeCsv(many, 64);
  REQUIRE(input->batches.size() > 5);
  const auto analyzer = MakeSlicesAnalyzer(input->settings);
  auto parts = PartialPerBatch(*analyzer, *input);
  for (bool backward : {false, true}) {
    INFO("backward " << backward);
    auto total = analyzer->NewPartial();
    for (size_t i = 0; i < parts.size(); ++i) {
      analyzer->Merge(*parts[backward ? parts.size() - 1 - i : i], total.get());
    }
    Report report;
    REQUIRE(analyzer->Finish(*total, &report).ok());
    CHECK(Summary(report.slices->features.at(0)) ==
          Strings{"7.50:70/3", "x:50/5"});
  }
}

TEST_CASE("slices: a partial with two spellings of one number is rejected",
          "[slices]") {
  auto input = DecodeCsv("label,pred,n\na,a,1\na,a,x\n", 1 << 20);
  const auto analyzer = MakeSlicesAnalyzer(input->settings);
  auto part = analyzer->NewPartial();
  analyzer->Add(input->batches.front(), part.get());
  nlohmann::json json = analyzer->ToJson(*part);
  // The values, numbers and text together, in byte order.
  const nlohmann::json values = json["features"][0]["values"];
  REQUIRE(values.size() == 2);
  CHECK(values[0][0] == "1");
  CHECK(values[1][0] == "x");
  CHECK(analyzer->ToJson(*analyzer->FromJson(json)) == json);
  json["features"][0]["values"].push_back({"1.0", 1, 0, 3});
  CHECK_THROWS_WITH(analyzer->FromJson(json),
                    Catch::Contains("two spellings of the number '1"));
}

TEST_CASE("slices: q-values are Benjamini-Hochberg over all groups",
          "[slices]") {
  // Two features, N = 4, E = 2. g: x (2 rows, 2 errors), y (2, 0).
  // h: u (2 rows, 1 error), v (2, 1).
  const std::string csv =
      "label,pred,g,h\n"
      "a,b,x,u\n"
      "a,b,x,v\n"
      "a,a,y,u\n"
      "a,a,y,v\n";
  SlicesSection s = Slices(csv);
  REQUIRE(s.features.size() == 2);
  // p(x) = P(X >= 2) = C(2,2) C(2,0) / C(4,2) = 1/6; p(y) = 1;
  // p(u) = p(v) = P(X >= 1) = 1 - C(2,2)/C(4,2) = 5/6.
  // m = 4, sorted 1/6, 5/6, 5/6, 1: p*m/j = 2/3, 5/3, 10/9, 1, so
  // q(x) = min(2/3, 1, 1, 1) = 2/3 and the others 1.
  CHECK_THAT(s.features[0].groups[0].p_value, WithinAbs(1.0 / 6, 1e-12));
  CHECK_THAT(s.features[0].groups[0].q_value, WithinAbs(2.0 / 3, 1e-12));
  CHECK_THAT(s.features[0].groups[1].q_value, WithinAbs(1.0, 1e-12));
  CHECK_THAT(s.features[1].groups[0].p_value, WithinAbs(5.0 / 6, 1e-12));
  CHECK_THAT(s.features[1].groups[1].q_value, WithinAbs(1.0, 1e-12));
}

TEST_CASE("slices: --max-groups keeps the values with the most errors",
          "[slices]") {
  // value: rows/errors. Input order is not byte order, so that ties must be
  // broken by value, not by whatever came first.
  std::string csv = "label,pred,city\n";
  AddRows(&csv, "s", 3, 1);
  AddRows(&csv, "m", 4, 0);
  AddRows(&csv, "x", 3, 2);
  AddRows(&csv, "w", 2, 1);
  AddRows(&csv, "r", 3, 1);
  AddRows(&csv, "q", 3, 1);
  AnalysisOptions options;
  options.max_groups = 3;
  // By errors: x (2); then q, r, s (1 error, 3 rows) before w (1 error, 2
  // rows); q and r before s by value. Kept: x, q, r. Folded: s + w + m =
  // 3 + 2 + 4 rows, 1 + 1 + 0 errors. Listed by rows, ties by value: q, r,
  // x (all 3 rows), then (other) although it has more rows.
  const FeatureSlices f = Slices(csv, options).features.at(0);
  CHECK(Summary(f) == Strings{"q:3/1", "r:3/1", "x:3/2", "(other):9/2"});
  CHECK(f.groups.back().other);
  CHECK_FALSE(f.groups.front().other);

  // Without folding every value is listed: rows descending, ties by value.
  options.max_groups = 6;
  CHECK(Summary(Slices(csv, options).features.at(0)) ==
        Strings{"m:4/0", "q:3/1", "r:3/1", "s:3/1", "x:3/2", "w:2/1"});
}

TEST_CASE("slices: values beyond the tracked ones are counted in (other)",
          "[slices]") {
  // kMaxTrackedValues distinct values with 1 row each, then a value with 5
  // errors: it is first seen after the limit, so it is always in (other),
  // with the values max-groups leaves out. "late" sorts before "v...", and
  // the tiny chunks put it in a chunk with the last "v" values: a merge
  // that took a chunk's new values in byte order, not input order, would
  // track it instead of them.
  std::string csv = "label,pred,word\n";
  for (size_t i = 0; i < kMaxTrackedValues; ++i) {
    std::string value = "v";
    value += std::to_string(100000 + i);
    AddRows(&csv, value, 1, 0);
  }
  AddRows(&csv, "late", 5, 5);
  AnalysisOptions options;
  options.max_groups = 2;
  const FeatureSlices f = Slices(csv, options).features.at(0);
  // No tracked value has an error; ties by rows, then by value: the first
  // two in byte order are kept. (other) = the other 9,998 + the 5 late rows.
  CHECK(Summary(f) == Strings{"v100000:1/0", "v100001:1/0", "(other):10003/5"});
}

TEST_CASE("slices: numbers and text share the tracked values, in input "
          "order",
          "[slices]") {
  // kMaxTrackedValues - 1 distinct numbers, then a word and a number first
  // met in the same chunk (the word first), then more numbers: the word
  // fills the last place, and the number after it goes to (other) although
  // it sorts before every tracked number.
  std::string csv = "label,pred,n\n";
  for (size_t i = 0; i + 1 < kMaxTrackedValues; ++i) {
    AddRows(&csv, std::to_string(100000 + i), 1, 0);
  }
  AddRows(&csv, "word", 2, 1);
  AddRows(&csv, "5", 3, 3);
  AddRows(&csv, "word", 1, 1);
  AddRows(&csv, "100000", 2, 2);  // tracked: counted whole
  AnalysisOptions options;
  options.max_groups = 2;
  const FeatureSlices f = Slices(csv, options).features.at(0);
  CHECK(f.kind == "categorical");
  CHECK(Summary(f) == Strings{"100000:3/2", "word:3/2", "(other):10001/3"});
}

TEST_CASE("slices: a tracked value is counted whole in a chunk with more "
          "distinct values than the limit",
          "[slices]") {
  // Chunk 1: only "A", 300 wrong rows, so the running total tracks it.
  // Chunk 2: more distinct values than the limit, then "A" again. A chunk's
  // partial that stopped tracking at the limit would put these "A" rows in
  // (other) and report "A" with the first chunk's rows only.
  std::string first = "label,pred,word\n";
  AddRows(&first, "A", 300, 300);
  std::string second = "label,pred,word\n";
  for (size_t i = 0; i < kMaxTrackedValues + 500; ++i) {
    std::string value = "v";
    value += std::to_string(100000 + i);
    AddRows(&second, value, 1, 0);
  }
  AddRows(&second, "A", 7, 7);
  auto input1 = DecodeCsv(first, 1 << 20);
  auto input2 = DecodeCsv(second, 1 << 20);
  REQUIRE(input1->batches.size() == 1);
  REQUIRE(input2->batches.size() == 1);  // one chunk, as the pipeline cuts
  const auto analyzer = MakeSlicesAnalyzer(input1->settings);
  auto total = analyzer->NewPartial();
  for (const auto* input : {input1.get(), input2.get()}) {
    auto part = analyzer->NewPartial();
    analyzer->Add(input->batches.front(), part.get());
    analyzer->Merge(*part, total.get());
  }
  Report report;
  REQUIRE(analyzer->Finish(*total, &report).ok());
  REQUIRE(report.slices);
  const FeatureSlices& f = report.slices->features.at(0);
  REQUIRE(!f.groups.empty());
  // Most rows would be "(other)"; "A" is the only value with errors.
  bool found = false;
  for (const SliceGroup& g : f.groups) {
    if (g.value != std::optional<std::string>("A")) continue;
    found = true;
    CHECK(g.rows == 307);
    CHECK(g.errors == 307);
  }
  CHECK(found);
}

TEST_CASE("slices: chunks made for a settled total merge to the same total",
          "[slices]") {
  // The pipeline makes each chunk's partial for the running total: once a
  // feature's total takes no more values, the chunk puts the numbers it
  // does not track straight into (other). The total must come out exactly
  // as from plain partials. "n" has 25,000 distinct numbers (it settles
  // after a few chunks; later chunks bring tracked and untracked numbers,
  // and text in the last ones, which makes it categorical); "m" has seven
  // values and never settles.
  std::string csv = "label,pred,n,m\n";
  for (int i = 0; i < 60000; ++i) {
    std::string n = std::to_string((i * 7919) % 25000) + ".5";
    if (i % 97 == 0) n = "";
    if (i > 57000 && i % 5 == 0) n = "N/A";
    csv += (i % 3 == 0 ? "a,b," : "a,a,") + n + "," + std::to_string(i % 7) +
           "\n";
  }
  auto input = DecodeCsv(csv, 64 << 10);
  REQUIRE(input->batches.size() > 12);
  const auto analyzer = MakeSlicesAnalyzer(input->settings);
  // Plain partials.
  auto plain = analyzer->NewPartial();
  for (const auto& part : PartialPerBatch(*analyzer, *input)) {
    analyzer->Merge(*part, plain.get());
  }
  // Partials made for the total, each `lag` chunks before the ones ahead
  // of it are merged (the pipeline's chunks in flight): the first chunks
  // are made before anything settles, the later ones after.
  for (size_t lag : {0, 3}) {
    INFO("lag " << lag);
    auto total = analyzer->NewPartial();
    std::vector<std::unique_ptr<Partial>> parts;
    size_t merged = 0, settled_chunks = 0;
    for (const PredictionBatch& batch : input->batches) {
      parts.push_back(analyzer->NewPartialFor(*total));
      analyzer->Add(batch, parts.back().get());
      const auto& chunk = static_cast<const SlicesPartial&>(*parts.back());
      if (chunk.features.at(0).tracking_closed) ++settled_chunks;
      while (parts.size() - merged > lag) {
        analyzer->Merge(*parts[merged++], total.get());
      }
    }
    while (merged < parts.size()) analyzer->Merge(*parts[merged++], total.get());
    // The chunks did take the short way (else this test proves nothing),
    // and only for "n".
    CHECK(settled_chunks > 5);
    for (const auto& part : parts) {
      CHECK_FALSE(static_cast<const SlicesPartial&>(*part)
                      .features.at(1)
                      .tracking_closed);
    }
    CHECK(analyzer->ToJson(*total) == analyzer->ToJson(*plain));
    Report a, b;
    REQUIRE(analyzer->Finish(*total, &a).ok());
    REQUIRE(analyzer->Finish(*plain, &b).ok());
    REQUIRE(a.slices);
    CHECK(a.slices->features.at(0).kind == "categorical");
    CHECK(WriteJsonReport(a) == WriteJsonReport(b));
  }
}

TEST_CASE("slices: a total added to directly settles nothing for chunks",
          "[slices]") {
  // Rows added to a partial (not merged) can give it new values even once
  // it takes no more from merges: chunks made for it after that must not
  // rely on what it tracked.
  std::string csv = "label,pred,n\n";
  for (size_t i = 0; i < kMaxTrackedValues + 100; ++i) {
    csv += "a,a," + std::to_string(i) + "\n";
  }
  auto input = DecodeCsv(csv, 1 << 20);
  REQUIRE(input->batches.size() == 1);
  const auto analyzer = MakeSlicesAnalyzer(input->settings);
  auto total = analyzer->NewPartial();
  {
    auto part = analyzer->NewPartial();
    analyzer->Add(input->batches.front(), part.get());
    analyzer->Merge(*part, total.get());
  }
  auto settled = analyzer->NewPartialFor(*total);
  const auto& hints =
      static_cast<const SlicesPartial&>(*settled).total_settled.numbers;
  REQUIRE(hints.size() == 1);
  REQUIRE(hints[0] != nullptr);
  CHECK(hints[0]->Contains(0));
  CHECK_FALSE(hints[0]->Contains(kMaxTrackedValues + 50));
  analyzer->Add(input->batches.front(), total.get());
  auto after = analyzer->NewPartialFor(*total);
  const auto& nothing = static_cast<const SlicesPartial&>(*after).total_settled;
  CHECK(nothing.numbers.empty());
  CHECK(nothing.cells.empty());
  // A copy of a total starts with nothing settled.
  const SlicesPartial copy = static_cast<const SlicesPartial&>(*total);
  CHECK(copy.board->Read().numbers.empty());
  CHECK(copy.board->Read().cells.empty());
}

TEST_CASE("slices: NumberSet holds exactly its numbers", "[slices]") {
  std::vector<NumberCount> numbers;
  for (int i = -500; i < 3000; i += 3) {
    numbers.push_back({i * 0.25, {}, 0, 0});
  }
  numbers.push_back({-0.0, {}, 0, 0});
  const NumberSet set(numbers);
  int found = 0;
  for (int i = -600; i < 3100; ++i) {
    const bool in = i >= -500 && i < 3000 && (i + 500) % 3 == 0;
    CHECK(set.Contains(i * 0.25) == (in || i == 0));
    found += set.Contains(i * 0.25) ? 1 : 0;
  }
  CHECK(found == static_cast<int>(numbers.size()));  // 0 once, as -0.0
  CHECK(set.Contains(-0.0));
  CHECK_FALSE(set.Contains(0.1));
  CHECK_FALSE(NumberSet({}).Contains(0));
}

TEST_CASE("slices: NumberSet of 10,000 numbers against a std::set",
          "[slices]") {
  // As many numbers as a running total tracks: its bit filter is then
  // crowded, and every number the filter lets through must still be
  // looked up.
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> uniform(-1e6, 1e6);
  std::vector<NumberCount> numbers;
  std::set<double> reference;
  while (reference.size() < 10000) {
    const double v = std::round(uniform(random) * 100) / 100;
    if (reference.insert(v).second) numbers.push_back({v, {}, 0, 0});
  }
  const NumberSet set(numbers);
  for (const double v : reference) CHECK(set.Contains(v));
  int mismatches = 0;
  for (int i = 0; i < 100000; ++i) {
    const double v = std::round(uniform(random) * 100) / 100;
    if (set.Contains(v) != (reference.count(v) == 1)) ++mismatches;
  }
  CHECK(mismatches == 0);
}

TEST_CASE("slices: a feature is numeric when all numbers and many values",
          "[slices]") {
  AnalysisOptions options;
  options.max_categories = 3;
  SECTION("more than --max-categories distinct numbers: numeric") {
    // 4 distinct spellings > 3; blanks around a number and a leading '+'
    // are allowed.
    std::string csv = "label,pred,n\na,a,1\na,a,2\na,a,\" 3\"\na,a,+4\n";
    CHECK(Slices(csv, options).features.at(0).kind == "numeric");
  }
  SECTION("exactly --max-categories distinct numbers: categorical") {
    std::string csv = "label,pred,n\na,a,1\na,a,2\na,a,3\na,a,3\n";
    CHECK(Slices(csv, options).features.at(0).kind == "categorical");
  }
  SECTION("a 0/1 column stays categorical with the default") {
    std::string csv = "label,pred,flag\n";
    for (int i = 0; i < 40; ++i) csv += i % 3 == 0 ? "a,b,1\n" : "a,a,0\n";
    const FeatureSlices f = Slices(csv).features.at(0);
    CHECK(f.kind == "categorical");
    // rows: 1 for i % 3 == 0 (i = 0, 3, ..., 39: 14), 0 for the other 26.
    CHECK(Summary(f) == Strings{"0:26/0", "1:14/14"});
  }
  SECTION("one non-numeric cell makes it categorical") {
    for (const char* odd : {"n/a", "nan", "inf", "1,5", "0x10"}) {
      INFO(odd);
      std::string csv = "label,pred,n\na,a,1\na,a,2\na,a,3\na,a,4\na,a,\"" +
                        std::string(odd) + "\"\n";
      const FeatureSlices f = Slices(csv, options).features.at(0);
      CHECK(f.kind == "categorical");
      CHECK(f.groups.size() == 5);
    }
  }
  SECTION("missing cells do not count against a numeric feature") {
    std::string csv = "label,pred,n\na,a,1\na,a,2\na,b,\na,a,3\na,a,4\n";
    const FeatureSlices f = Slices(csv, options).features.at(0);
    CHECK(f.kind == "numeric");
    CHECK(Summary(f).back() == "(missing):1/1");
  }
}

TEST_CASE("slices: quantile edges, ties to the smaller value", "[slices]") {
  // Values 1..10 (n = 10), 4 bins: targets k n / B = 2.5, 5, 7.5 and
  // C(<v) = v - 1. k = 1: |v - 1 - 2.5| is 0.5 for v = 3 and v = 4, ties
  // to the smaller: 3. k = 2: v = 6. k = 3: v = 8 or 9, so 8.
  std::string csv = "label,pred,n\n";
  for (int v = 1; v <= 10; ++v) AddRows(&csv, std::to_string(v), 1, v % 2);
  AnalysisOptions options;
  options.feature_bins = 4;
  options.max_categories = 5;  // 10 distinct values > 5: numeric
  const FeatureSlices f = Slices(csv, options).features.at(0);
  CHECK(f.kind == "numeric");
  // Errors at the odd values: 1 | 3 5 | 7 | 9.
  CHECK(Summary(f) ==
        Strings{"[1,3):2/1", "[3,6):3/2", "[6,8):2/1", "[8,10]:3/1"});
  for (size_t i = 0; i < f.groups.size(); ++i) {
    CHECK(f.groups[i].closed == (i + 1 == f.groups.size()));
    CHECK_FALSE(f.groups[i].value);
  }
}

TEST_CASE("slices: a mostly-zero column gets fewer bins", "[slices]") {
  // 0 x 8, 5, 9; 5 bins: targets 2, 4, 6, 8; candidates 5 (C(<5) = 8) and
  // 9 (C(<9) = 9): 5 is nearest for every k, so the edges merge into one.
  const std::string csv =
      "label,pred,n\na,b,0\na,a,0\na,a,0\na,a,0\n"
      "a,a,0\na,a,0\na,a,0\na,a,0\na,b,5\na,b,9\n";
  AnalysisOptions options;
  options.max_categories = 2;
  CHECK(Summary(Slices(csv, options).features.at(0)) ==
        Strings{"[0,5):8/1", "[5,9]:2/2"});
}

TEST_CASE("slices: uniform edges, the last bin includes the maximum",
          "[slices]") {
  // 0..10 (11 distinct > 10); step (10 - 0) / 5 = 2: edges 2, 4, 6, 8.
  std::string csv = "label,pred,n\n";
  for (int v = 10; v >= 0; --v) AddRows(&csv, std::to_string(v), 1, v >= 9);
  AnalysisOptions options;
  options.binning = Binning::kUniform;
  SlicesSection s = Slices(csv, options);
  CHECK(s.binning == "uniform");
  // Errors at 9 and 10, both in the last bin [8, 10] with 8.
  CHECK(Summary(s.features.at(0)) == Strings{"[0,2):2/0", "[2,4):2/0",
                                             "[4,6):2/0", "[6,8):2/0",
                                             "[8,10]:3/2"});
}

TEST_CASE("slices: a constant numeric column is one closed bin", "[slices]") {
  AnalysisOptions options;
  options.max_categories = 0;  // one distinct value > 0: numeric
  const std::string csv = "label,pred,n\na,a,7\na,b,7\na,a,7\n";
  for (Binning binning : {Binning::kQuantile, Binning::kUniform}) {
    options.binning = binning;
    const FeatureSlices f = Slices(csv, options).features.at(0);
    CHECK(f.kind == "numeric");
    CHECK(Summary(f) == Strings{"[7,7]:3/1"});
  }
}

TEST_CASE("slices: without errors lift is undefined", "[slices]") {
  SlicesSection s = Slices("label,pred,color\na,a,red\nb,b,blue\nb,b,red\n");
  CHECK(s.overall_error_rate == 0);
  for (const SliceGroup& g : s.features.at(0).groups) {
    CHECK_FALSE(g.lift);
    CHECK(g.excess_errors == 0);
    CHECK(g.error_rate == 0);
    CHECK_THAT(g.p_value, WithinAbs(1.0, 1e-12));
    CHECK_FALSE(g.significant);
  }
}

TEST_CASE("slices: --min-rows keeps small groups from being significant",
          "[slices]") {
  // bad: 40 rows, all wrong; good: 40 rows, all right. N = 80, E = 40.
  // p(bad) = 1 / C(80, 40) ~ 9e-24, so q(bad) = 2 p(bad) is far below 0.05;
  // p(good) = 1.
  std::string csv = "label,pred,grp\n";
  AddRows(&csv, "bad", 40, 40);
  AddRows(&csv, "good", 40, 0);
  AnalysisOptions options;
  for (int64_t min_rows : {30, 40, 41}) {
    options.min_rows = min_rows;
    SlicesSection s = Slices(csv, options);
    CHECK(s.min_rows == min_rows);
    const FeatureSlices& f = s.features.at(0);
    REQUIRE(Summary(f) == Strings{"bad:40/40", "good:40/0"});
    CHECK(f.groups[0].q_value < 1e-20);
    CHECK(f.groups[0].significant == (min_rows <= 40));
    CHECK_FALSE(f.groups[1].significant);
  }
}

TEST_CASE("slices: --features and the other roles choose the features",
          "[slices]") {
  // id and confidence are not features; label and pred neither.
  const std::string csv =
      "id,label,pred,confidence,color,size\n"
      "1,a,a,0.9,red,S\n"
      "2,a,b,0.6,blue,M\n";
  SlicesSection all = Slices(csv);
  REQUIRE(all.features.size() == 2);
  CHECK(all.features[0].feature == "color");
  CHECK(all.features[1].feature == "size");

  ColumnOptions columns;
  columns.features = {"size"};
  SlicesSection some = Slices(csv, {}, columns);
  REQUIRE(some.features.size() == 1);
  CHECK(some.features[0].feature == "size");
  CHECK(Summary(some.features[0]) == Strings{"M:1/1", "S:1/0"});
}

TEST_CASE("slices: a feature whose cells are all missing", "[slices]") {
  SlicesSection s = Slices("label,pred,note,color\na,a,,x\na,b,,x\nb,b,,y\n");
  const FeatureSlices& note = s.features.at(0);
  CHECK(note.feature == "note");
  CHECK(note.kind == "categorical");
  CHECK(Summary(note) == Strings{"(missing):3/1"});
  REQUIRE(note.groups[0].lift);
  CHECK_THAT(*note.groups[0].lift, WithinAbs(1.0, 1e-12));  // (1/3) / (1/3)
}

}  // namespace
}  // namespace errscope
