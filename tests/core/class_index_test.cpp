// ClassIndex, ClassKey and ParseNumber against the identity, spelling and
// order rules of docs/metrics.md ("Classes").
#include <catch2/catch.hpp>
#include <charconv>
#include <cstring>
#include <random>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "errscope/class_index.h"

namespace errscope {
namespace {

using Strings = std::vector<std::string>;

/// Interns `spellings` at positions 0, 1, 2, ... and returns their ids.
std::vector<int32_t> InternAll(ClassIndex* index, const Strings& spellings) {
  std::vector<int32_t> ids;
  for (size_t i = 0; i < spellings.size(); ++i) {
    ids.push_back(index->Intern(spellings[i], static_cast<int64_t>(i)));
  }
  return ids;
}

/// The display spellings in SortedIds order.
Strings SortedSpellings(const ClassIndex& index) {
  Strings out;
  for (int32_t id : index.SortedIds()) out.push_back(index[id].spelling);
  return out;
}

/// Whether `a` and `b` are interned as one class.
bool SameClass(const std::string& a, const std::string& b) {
  ClassIndex index;
  return index.Intern(a, 0) == index.Intern(b, 1);
}

TEST_CASE("Spellings of the same finite number are one numeric class",
          "[class_index]") {
  ClassIndex index;
  std::vector<int32_t> ids =
      InternAll(&index, {"1", "1.0", "1e0", "+1", "01", "1.", "10e-1"});
  CHECK(ids == std::vector<int32_t>(ids.size(), 0));
  REQUIRE(index.size() == 1);
  CHECK(index[0].numeric);
  CHECK(index[0].key == "#1");
  CHECK_THAT(index[0].value, Catch::Matchers::WithinAbs(1.0, 0));
  CHECK(index[0].spelling == "1");

  CHECK(SameClass(".5", "0.50"));
  CHECK_FALSE(SameClass("1", "1.0000001"));
}

TEST_CASE("Minus zero and zero are one class", "[class_index]") {
  ClassIndex index;
  InternAll(&index, {"-0", "0", "0.0", "-0e3"});
  REQUIRE(index.size() == 1);
  CHECK(index[0].key == "#0");
  CHECK(index[0].spelling == "-0");
  CHECK_FALSE(std::signbit(index[0].value));
}

TEST_CASE("A number too small for a double is its rounded value, zero",
          "[class_index]") {
  // Correctly rounded, 1e-400 is 0: finite, hence numeric (metrics.md).
  CHECK(SameClass("1e-400", "0"));
  CHECK(SameClass("-1e-400", "0"));
}

TEST_CASE("Spellings with surrounding blanks are numeric classes",
          "[class_index]") {
  // metrics.md: blanks around a number are dropped before parsing (pandas
  // reads " 1" in a numeric column as 1); the first spelling is displayed.
  ClassIndex index;
  std::vector<int32_t> ids = InternAll(&index, {" 1", "1", "1 ", "\t1", " a"});
  CHECK(ids == std::vector<int32_t>{0, 0, 0, 0, 1});
  CHECK(index[0].key == "#1");
  CHECK(index[0].numeric);
  CHECK(index[0].spelling == " 1");
  CHECK(index[1].key == "$ a");
  CHECK_FALSE(index[1].numeric);
}

TEST_CASE("Non-finite and non-numeric spellings are exact text classes",
          "[class_index]") {
  ClassIndex index;
  const Strings spellings = {"nan", "NaN",  "inf", "-inf", "1e400",
                             "a",   "A",    "0x10", "+-1", "1,5"};
  std::vector<int32_t> ids = InternAll(&index, spellings);
  REQUIRE(index.size() == spellings.size());
  for (size_t i = 0; i < spellings.size(); ++i) {
    INFO(spellings[i]);
    CHECK(ids[i] == static_cast<int32_t>(i));
    CHECK_FALSE(index[i].numeric);
    CHECK(index[i].key == "$" + spellings[i]);
  }
  // A text class never equals a numeric one.
  CHECK(index.Find("#1") == -1);
  CHECK(index.Find("$nan") == 0);
}

TEST_CASE("SortedIds orders all-numeric classes by value", "[class_index]") {
  ClassIndex index;
  InternAll(&index, {"10", "2", "-1", "0.5", "1e1"});
  CHECK(SortedSpellings(index) == Strings{"-1", "0.5", "2", "10"});
}

TEST_CASE("SortedIds orders mixed classes by UTF-8 bytes of the spelling",
          "[class_index]") {
  ClassIndex index;
  InternAll(&index, {"b", "\xC3\xA9" /* é */, "10", "A", "2"});
  CHECK(SortedSpellings(index) ==
        Strings{"10", "2", "A", "b", "\xC3\xA9"});
}

TEST_CASE("SortedIds of an empty index is empty", "[class_index]") {
  CHECK(ClassIndex().SortedIds().empty());
}

TEST_CASE("The spelling at the smallest position names the class",
          "[class_index]") {
  ClassIndex index;
  CHECK(index.Intern("1.0", 7) == 0);
  CHECK(index.Intern("1", 3) == 0);
  CHECK(index.Intern("1e0", 5) == 0);
  CHECK(index.Intern("1.0", 9) == 0);
  CHECK(index[0].spelling == "1");
  CHECK(index[0].first_seen == 3);

  // The same again when the earlier position comes through the cache.
  CHECK(index.Intern("1e0", 1) == 0);
  CHECK(index[0].spelling == "1e0");
  CHECK(index[0].first_seen == 1);
}

TEST_CASE("Positions put probability columns before rows, label before pred",
          "[class_index]") {
  CHECK(ClassIndex::ColumnPosition(0, 3) == -3);
  CHECK(ClassIndex::ColumnPosition(2, 3) == -1);
  CHECK(ClassIndex::RowPosition(1, false) == 2);
  CHECK(ClassIndex::RowPosition(1, true) == 3);
  CHECK(ClassIndex::RowPosition(2, false) == 4);
}

TEST_CASE("MergeFrom maps ids by key and keeps the earliest spelling",
          "[class_index]") {
  ClassIndex a;
  CHECK(a.Intern("x", 4) == 0);
  CHECK(a.Intern("1", 10) == 1);
  ClassIndex b;
  CHECK(b.Intern("1.0", 2) == 0);
  CHECK(b.Intern("y", 6) == 1);
  CHECK(b.Intern("x", 8) == 2);

  std::vector<int32_t> remap = a.MergeFrom(b);
  CHECK(remap == std::vector<int32_t>{1, 2, 0});
  REQUIRE(a.size() == 3);
  CHECK(a[1].spelling == "1.0");  // position 2 < 10
  CHECK(a[1].first_seen == 2);
  CHECK(a[0].spelling == "x");    // position 4 < 8
  CHECK(a[0].first_seen == 4);
  CHECK(a[2].spelling == "y");
  CHECK(a.Find("$y") == 2);
  // `b` is untouched.
  CHECK(b.size() == 3);
  CHECK(b[0].spelling == "1.0");
}

TEST_CASE("InternReserved adds a class no spelling can produce",
          "[class_index]") {
  ClassIndex index;
  int32_t reserved = index.InternReserved("\x01neg", "(negative)", 100);
  int32_t text = index.Intern("(negative)", 0);
  CHECK(reserved != text);
  CHECK(index.Find("\x01neg") == reserved);
  CHECK(index[reserved].spelling == "(negative)");
  CHECK_FALSE(index[reserved].numeric);
}

struct NumberCase {
  std::string text;
  bool ok;
  double value;  // checked when ok
};

TEST_CASE("ParseNumber parses a whole cell", "[class_index]") {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<NumberCase> cases = {
      {"1", true, 1},          {" 1\t", true, 1},      {"+1", true, 1},
      {"-2.5", true, -2.5},    {".5", true, 0.5},      {"1.", true, 1},
      {"1E3", true, 1000},     {"0.125", true, 0.125}, {"1e400", true, inf},
      {"-1e400", true, -inf},  {"1e-400", true, 0},    {"inf", true, inf},
      {"1x", false, 0},        {"", false, 0},         {"  ", false, 0},
      {"+", false, 0},         {"+-1", false, 0},      {"--1", false, 0},
      {"1e400x", false, 0},    {"0x10", false, 0},     {"1,5", false, 0},
      {"1 2", false, 0},       {"1e", false, 0},       {".", false, 0},
  };
  for (const NumberCase& c : cases) {
    INFO("text: \"" << c.text << '"');
    double value = 12345;
    REQUIRE(ParseNumber(c.text, &value) == c.ok);
    if (!c.ok) continue;
    if (std::isinf(c.value)) {
      CHECK(value == c.value);
    } else {
      CHECK_THAT(value, Catch::Matchers::WithinAbs(c.value, 0));
    }
  }
}

TEST_CASE("ParseNumber's plain-decimal fast path is bit for bit from_chars",
          "[class_index]") {
  // Decimals of 1 to 17 digits (the fast path takes up to 15), every
  // position of the point, both signs, leading and trailing zeros.
  std::mt19937_64 rng(11);
  for (int n = 0; n < 200000; ++n) {
    std::string text = rng() % 2 ? "-" : "";
    const int digits = 1 + static_cast<int>(rng() % 17);
    const int point = static_cast<int>(rng() % (digits + 1));
    for (int d = 0; d < digits; ++d) {
      if (d == point && d > 0) text += '.';
      text += static_cast<char>('0' + rng() % 10);
    }
    double expected = 0;
    std::from_chars(text.data(), text.data() + text.size(), expected);
    double value = 12345;
    INFO("text: " << text);
    REQUIRE(ParseNumber(text, &value));
    CHECK(std::memcmp(&value, &expected, sizeof value) == 0);  // -0.0 too
  }
}

TEST_CASE("ParseNumber's plain-decimal path agrees with the general one",
          "[class_index]") {
  // Plain decimals take a path of their own. A leading blank sends the
  // same text down the general path (blanks are trimmed there), so the two
  // must agree on every text: whether it is a number, and its bits. The
  // alphabet makes points, signs and letters common, at every position.
  std::mt19937_64 rng(12);
  const std::string alphabet = "0123456789000..-+e x";
  int numbers = 0;
  for (int n = 0; n < 300000; ++n) {
    std::string text;
    const size_t size = 4 + rng() % 5;
    for (size_t i = 0; i < size; ++i) text += alphabet[rng() % alphabet.size()];
    double fast = 12345, general = 54321;
    const bool fast_ok = ParseNumber(text, &fast);
    const bool general_ok = ParseNumber(" " + text, &general);
    INFO("text: \"" << text << '"');
    REQUIRE(fast_ok == general_ok);
    if (!fast_ok) continue;
    ++numbers;
    REQUIRE(std::memcmp(&fast, &general, sizeof fast) == 0);
  }
  CHECK(numbers > 10000);  // the draw does reach numbers
  // Common shapes, by hand.
  double value = 0;
  for (const auto& [text, expected] :
       std::vector<std::pair<std::string, double>>{{"0.734521", 0.734521},
                                                   {"51982.06", 51982.06},
                                                   {"12345678", 12345678},
                                                   {"129.31", 129.31},
                                                   {"0.664", 0.664},
                                                   {"9.99", 9.99},
                                                   {"1000", 1000},
                                                   {"0000.001", 0.001}}) {
    INFO("text: " << text);
    REQUIRE(ParseNumber(text, &value));
    CHECK(value == expected);
  }
  for (const std::string text : {"1.2.3", "12.", ".125", "1234567.", "12a4",
                                 "1..2", "1e10", "0x12"}) {
    INFO("text: " << text);
    double v = 0;
    const bool ok = ParseNumber(text, &v);
    double g = 0;
    CHECK(ok == ParseNumber(" " + text, &g));
  }
}

TEST_CASE("ParseNumber reads nan as a non-finite number", "[class_index]") {
  double value = 0;
  REQUIRE(ParseNumber("nan", &value));
  CHECK(std::isnan(value));
}

TEST_CASE("Intern agrees with a plain model, recent spellings and all",
          "[class_index]") {
  // Intern keeps the last spellings of up to 16 bytes in a small table in
  // front of its map. Whatever hits or collides there, every call must
  // give the class's id and keep the spelling of the smallest position:
  // checked against a model keyed by ClassKey, with more spellings than
  // the table has entries, long ones, several spellings per number, and
  // positions that go down as well as up.
  const Strings pool = {"a",    "b",     "cat",  "1",       "1.0",  " 1",
                        "01",   "2",     "2.00", "-0",      "0",    "dog",
                        "bird", "horse", "x17",  "long label of a class",
                        "another label longer than 16", "0123456789abcdef",
                        "0123456789abcdeg", "0123456789abcde"};
  std::mt19937_64 rng(31);
  ClassIndex index;
  struct Model {
    int32_t id = -1;
    int64_t first = 0;
    std::string spelling;
  };
  std::vector<std::pair<std::string, Model>> model;  // by ClassKey
  auto model_of = [&](const std::string& spelling) -> Model& {
    bool numeric = false;
    double value = 0;
    const std::string key = ClassKey(spelling, &numeric, &value);
    for (auto& [k, m] : model) {
      if (k == key) return m;
    }
    return model.emplace_back(key, Model{}).second;
  };
  for (int n = 0; n < 20000; ++n) {
    std::string spelling = pool[rng() % pool.size()];
    if (rng() % 4 == 0) spelling += std::to_string(rng() % 100);  // many
    const int64_t position = static_cast<int64_t>(rng() % 100000) - 50;
    const int32_t id = index.Intern(spelling, position);
    Model& m = model_of(spelling);
    INFO("spelling '" << spelling << "' at " << position);
    if (m.id < 0) {
      m = {id, position, spelling};
    } else {
      REQUIRE(id == m.id);
      if (position < m.first) {
        m.first = position;
        m.spelling = spelling;
      }
    }
    REQUIRE(index[id].spelling == m.spelling);
    REQUIRE(index[id].first_seen == m.first);
  }
  CHECK(index.size() == model.size());
  CHECK(model.size() > 200);  // far more than the table of recent ones
}

TEST_CASE("ClassKey gives the shortest number or the text", "[class_index]") {
  bool numeric = false;
  double value = 0;
  CHECK(ClassKey("2.50", &numeric, &value) == "#2.5");
  CHECK(numeric);
  CHECK_THAT(value, Catch::Matchers::WithinAbs(2.5, 0));
  CHECK(ClassKey("1e2", &numeric, &value) == "#100");
  CHECK(ClassKey("yes", &numeric, &value) == "$yes");
  CHECK_FALSE(numeric);
}

}  // namespace
}  // namespace errscope
