// The row-by-row analyzers of `errscope compare`: base outcomes, their
// index, and the paired counts, merged in any order and round-tripped.
#include "analyzers/paired.h"

#include <catch2/catch.hpp>
#include <string>

#include "test_util.h"

namespace errscope {
namespace {

using Catch::Matchers::Contains;
using test::DecodeCsv;
using test::PartialPerBatch;

// Base: rows 1-6 right except 2 and 5. Candidate: the same ids, in another
// order; wrong on ids 1, 2, 3 (so 1 and 3 are newly wrong, 2 stays wrong,
// 5 is newly right).
const char* kBase =
    "id,label,pred,confidence\n"
    "1,a,a,0.9\n2,a,b,0.8\n3,b,b,0.7\n4,b,b,0.6\n5,a,b,0.5\n6,b,b,0.4\n";
const char* kCandidate =
    "id,label,pred,confidence\n"
    "6,b,b,0.4\n5,a,a,0.5\n4,b,b,0.6\n3,b,a,0.95\n2,a,b,0.8\n1,a,b,0.85\n";

BaseOutcomes BuildBase(const std::string& csv, JoinBy join, size_t chunk) {
  auto input = DecodeCsv(csv, chunk);
  const auto analyzer = MakeOutcomesAnalyzer(input->settings, join);
  auto parts = PartialPerBatch(*analyzer, *input);
  REQUIRE(parts.size() > 1);
  // Merged backwards: the index does not depend on the order.
  auto total = analyzer->NewPartial();
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    analyzer->Merge(**it, total.get());
  }
  // And the partial survives a JSON round trip.
  auto restored = analyzer->FromJson(analyzer->ToJson(*total));
  CHECK(analyzer->ToJson(*restored) == analyzer->ToJson(*total));
  BaseOutcomes base;
  const Status s = BaseOutcomes::Build(
      std::move(static_cast<OutcomesPartial&>(*restored)), join, "base.csv",
      &base);
  INFO(s.message());
  REQUIRE(s.ok());
  return base;
}

TEST_CASE("paired: counts by key, merged in any order", "[paired]") {
  const BaseOutcomes base = BuildBase(kBase, JoinBy::kKey, 20);
  REQUIRE(base.size() == 6);
  CHECK(base.Find("3", 0) >= 0);
  CHECK(base.correct(static_cast<size_t>(base.Find("3", 0))));
  CHECK_FALSE(base.correct(static_cast<size_t>(base.Find("5", 0))));
  CHECK(base.Find("7", 0) == -1);

  auto input = DecodeCsv(kCandidate, 20);
  const auto analyzer = MakePairedAnalyzer(input->settings, &base, JoinBy::kKey, 5);
  auto parts = PartialPerBatch(*analyzer, *input);
  REQUIRE(parts.size() > 1);
  for (bool backward : {false, true}) {
    INFO("backward " << backward);
    PairedPartial total;
    for (size_t i = 0; i < parts.size(); ++i) {
      analyzer->Merge(*parts[backward ? parts.size() - 1 - i : i], &total);
    }
    CHECK(total.newly_wrong == 2);
    CHECK(total.newly_right == 1);
    CHECK(total.both_wrong == 1);
    CHECK(total.both_right == 2);
    CHECK(total.unmatched == 0);
    CHECK(total.duplicates == 0);
    CHECK(total.label_mismatch == 0);
    // Newly wrong, most confident first: id 3 (0.95), then id 1 (0.85).
    REQUIRE(total.newly_wrong_rows.size() == 2);
    CHECK(total.newly_wrong_rows[0].id == "3");
    CHECK(total.newly_wrong_rows[1].id == "1");
    auto restored = analyzer->FromJson(analyzer->ToJson(total));
    PairedPartial again;
    analyzer->Merge(*restored, &again);
    CHECK(again.newly_wrong == 2);
    CHECK(again.newly_wrong_rows.size() == 2);
    CHECK(again.duplicates == 0);
  }
}

TEST_CASE("paired: a key used twice is found on either side", "[paired]") {
  auto dup = DecodeCsv(std::string(kBase) + "3,b,b,0.1\n", 1 << 20);
  const auto collect = MakeOutcomesAnalyzer(dup->settings, JoinBy::kKey);
  auto part = collect->NewPartial();
  collect->Add(dup->batches.front(), part.get());
  BaseOutcomes base;
  const Status s = BaseOutcomes::Build(
      std::move(static_cast<OutcomesPartial&>(*part)), JoinBy::kKey,
      "base.csv", &base);
  CHECK_THAT(s.message(),
             Contains("base.csv: the key \"3\" is in data rows 3 and 7"));

  const BaseOutcomes good = BuildBase(kBase, JoinBy::kKey, 20);
  auto input = DecodeCsv(std::string(kCandidate) + "4,b,b,0.2\n", 20);
  const auto analyzer = MakePairedAnalyzer(input->settings, &good, JoinBy::kKey, 5);
  PairedPartial total;
  for (auto& p : PartialPerBatch(*analyzer, *input)) analyzer->Merge(*p, &total);
  CHECK(total.duplicates == 1);
  CHECK(good.key(static_cast<size_t>(total.first_duplicate)) == "4");
}

TEST_CASE("paired: by row number, with labels that disagree", "[paired]") {
  const BaseOutcomes base = BuildBase(kBase, JoinBy::kRowNumber, 20);
  // The candidate in its own order, joined by row: rows 1 (b against a) and
  // 6 (a against b) have other true labels than the base rows they meet;
  // one extra row.
  auto input = DecodeCsv(std::string(kCandidate) + "7,a,a,0.3\n", 20);
  const auto analyzer =
      MakePairedAnalyzer(input->settings, &base, JoinBy::kRowNumber, 5);
  PairedPartial total;
  for (auto& p : PartialPerBatch(*analyzer, *input)) analyzer->Merge(*p, &total);
  CHECK(total.unmatched == 1);
  CHECK(total.label_mismatch == 2);
  CHECK(total.first_mismatch_rows == std::vector<int64_t>{1, 6});
}

}  // namespace
}  // namespace errscope
