// EditDistance, ClosestMatches and QuotedList: the "did you mean" helpers.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "errscope/text_similarity.h"

namespace errscope {
namespace {

using Strings = std::vector<std::string>;

TEST_CASE("EditDistance counts insertions, deletions and substitutions",
          "[text_similarity]") {
  CHECK(EditDistance("", "") == 0);
  CHECK(EditDistance("abc", "") == 3);
  CHECK(EditDistance("", "ab") == 2);
  CHECK(EditDistance("kitten", "sitting") == 3);
  CHECK(EditDistance("flaw", "lawn") == 2);
  // A transposition is two substitutions (plain Levenshtein).
  CHECK(EditDistance("lable", "label") == 2);
  CHECK(EditDistance("label", "lable") == 2);
}

TEST_CASE("EditDistance ignores ASCII case", "[text_similarity]") {
  CHECK(EditDistance("Label", "lABEL") == 0);
  CHECK(EditDistance("Y_TRUE", "y_true") == 0);
  CHECK(EditDistance("Pred", "bred") == 1);
}

TEST_CASE("ClosestMatches sorts by distance, ties in candidate order",
          "[text_similarity]") {
  const Strings candidates = {"pred", "label", "labels", "table", "id"};
  // table: 1 edit; label and labels: 2 edits each; pred and id: too far.
  CHECK(ClosestMatches("lable", candidates) ==
        Strings{"table", "label", "labels"});
  CHECK(ClosestMatches("lable", candidates, 1) == Strings{"table"});
  CHECK(ClosestMatches("lable", {"labels", "label"}) ==
        Strings{"labels", "label"});
  // An exact match up to case comes first; table is 3 edits away.
  CHECK(ClosestMatches("LABEL", candidates) == Strings{"label", "labels"});
}

TEST_CASE("ClosestMatches keeps at most `limit` matches", "[text_similarity]") {
  const Strings candidates = {"ab", "ac", "ad", "ae", "af"};
  CHECK(ClosestMatches("aa", candidates) == Strings{"ab", "ac", "ad"});
  CHECK(ClosestMatches("aa", candidates, 5).size() == 5);
  CHECK(ClosestMatches("aa", candidates, 0).empty());
}

TEST_CASE("ClosestMatches counts a longer name starting with the word as close",
          "[text_similarity]") {
  // "confidence" is 6 edits from "conf" but starts with it (scored as 1).
  CHECK(ClosestMatches("conf", {"cond", "confidence", "xyz"}) ==
        Strings{"cond", "confidence"});
  CHECK(ClosestMatches("CONF", {"confidence"}) == Strings{"confidence"});
}

TEST_CASE("ClosestMatches allows a third of the word's length, at least 2",
          "[text_similarity]") {
  // 9 letters: budget 3.
  CHECK(ClosestMatches("abcdefghi", {"abcdefxyz"}) == Strings{"abcdefxyz"});
  CHECK(ClosestMatches("abcdefghi", {"abcdewxyz"}).empty());
  // 3 letters: budget 2.
  CHECK(ClosestMatches("abc", {"axx"}) == Strings{"axx"});
  CHECK(ClosestMatches("abc", {"xyz"}).empty());
  CHECK(ClosestMatches("zzzzzz", {"label", "pred", "confidence"}).empty());
  CHECK(ClosestMatches("label", {}).empty());
}

TEST_CASE("QuotedList quotes and joins with commas and a final 'or'",
          "[text_similarity]") {
  CHECK(QuotedList({}).empty());
  CHECK(QuotedList({"a"}) == "'a'");
  CHECK(QuotedList({"a", "b"}) == "'a' or 'b'");
  CHECK(QuotedList({"a", "b", "c"}) == "'a', 'b' or 'c'");
  CHECK(QuotedList({"y true", "it's"}) == "'y true' or 'it's'");
}

}  // namespace
}  // namespace errscope
