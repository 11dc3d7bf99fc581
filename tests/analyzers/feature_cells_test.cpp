// CountFeatureCells: one feature column of a chunk counted into missing
// cells, words and numbers grouped by value. It has several inner paths
// (a counter by spelling, parse and sort, both joined), chosen from the
// column's first rows; every test compares it with a plain reference that
// parses cell by cell, so that whichever path a column takes, the result
// must be the same.
#include "analyzers/feature_cells.h"

#include <algorithm>
#include <array>
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace errscope {
namespace {

using Strings = std::vector<std::string>;

/// Cells a column may hold past rows() (a reused batch keeps its old ones):
/// a number and a word, so that reading one changes the counts.
constexpr std::string_view kJunk[] = {"7", "junk"};
constexpr size_t kPadding = 3;

/// The 1-based data row of batch row `r`: rows are not r + 1 (a chunk
/// starts anywhere, and skipped rows leave gaps).
int64_t RowNumber(size_t r) { return 3 * static_cast<int64_t>(r) + 2; }

/// A PredictionBatch over `columns` (columns[f][r]), with row r wrong when
/// wrong[r]. Every cell is a heap buffer of exactly its size, so that the
/// address sanitizer catches a read past any cell.
class TestBatch {
 public:
  TestBatch(const std::vector<Strings>& columns,
            const std::vector<bool>& wrong) {
    const size_t rows = wrong.size();
    batch_.num_features = columns.size();
    batch_.feature_stride = rows + kPadding;
    batch_.feature_cells.resize(columns.size() * batch_.feature_stride);
    for (size_t i = 0; i < batch_.feature_cells.size(); ++i) {
      batch_.feature_cells[i] = kJunk[i % 2];
    }
    for (size_t r = 0; r < rows; ++r) {
      batch_.label.push_back(0);
      batch_.pred.push_back(wrong[r] ? 1 : 0);
      batch_.row_number.push_back(RowNumber(r));
    }
    for (size_t f = 0; f < columns.size(); ++f) {
      REQUIRE(columns[f].size() == rows);
      for (size_t r = 0; r < rows; ++r) {
        const std::string& cell = columns[f][r];
        std::string_view view("", 0);
        if (!cell.empty()) {
          buffers_.emplace_back(new char[cell.size()]);
          std::copy(cell.begin(), cell.end(), buffers_.back().get());
          view = std::string_view(buffers_.back().get(), cell.size());
        }
        batch_.feature_cells[f * batch_.feature_stride + r] = view;
      }
    }
  }
  const PredictionBatch& batch() const { return batch_; }

 private:
  std::vector<std::unique_ptr<char[]>> buffers_;
  PredictionBatch batch_;
};

/// What a cell-by-cell count gives.
struct Expected {
  struct Number {
    int64_t rows = 0;
    int64_t errors = 0;
    uint32_t first_index = std::numeric_limits<uint32_t>::max();
  };
  GroupCounts missing;
  std::map<std::string, GroupCounts> words;
  std::map<double, Number> numbers;  // -0.0 and 0.0 are one key
};

void AddTo(GroupCounts* counts, bool wrong, int64_t row_number) {
  ++counts->rows;
  counts->errors += wrong ? 1 : 0;
  if (counts->first_row == 0 || row_number < counts->first_row) {
    counts->first_row = row_number;
  }
}

Expected Reference(const PredictionBatch& batch, size_t f) {
  Expected want;
  for (size_t r = 0; r < batch.rows(); ++r) {
    const std::string_view cell = batch.feature(r, f);
    const bool wrong = batch.label[r] != batch.pred[r];
    double value = 0;
    if (cell.empty()) {
      AddTo(&want.missing, wrong, batch.row_number[r]);
    } else if (ParseFiniteNumber(cell, &value)) {
      Expected::Number& n = want.numbers[value];
      ++n.rows;
      n.errors += wrong ? 1 : 0;
      n.first_index = std::min(n.first_index, static_cast<uint32_t>(r));
    } else {
      AddTo(&want.words[std::string(cell)], wrong, batch.row_number[r]);
    }
  }
  return want;
}

uint64_t Bits(double x) { return std::bit_cast<uint64_t>(x); }

std::string Show(const GroupCounts& c) {
  return std::to_string(c.rows) + "/" + std::to_string(c.errors) + "@" +
         std::to_string(c.first_row);
}

/// What CountFeatureCells gave, all of it.
struct Got {
  FeatureTally tally;
  bool all_numeric = true;
  ChunkNumbers numbers;
};

Got Count(const PredictionBatch& batch, size_t f) {
  Got got;
  // Stale groups from an earlier chunk: the call replaces them.
  got.numbers.groups.push_back({-5, -5, 1, 1, -5});
  got.numbers.first_index.push_back(3);
  CountFeatureCells(batch, f, &got.tally, &got.all_numeric, &got.numbers);
  return got;
}

/// The differences between `got` and `want` (the first few), empty when
/// they agree on everything: missing, words, all_numeric, and per number
/// its value, rows, errors, first index and sum, bit for bit.
Strings Diff(const Got& got, const Expected& want) {
  Strings diffs;
  auto differ = [&](const std::string& what) {
    if (diffs.size() < 20) diffs.push_back(what);
  };
  if (Show(got.tally.missing) != Show(want.missing)) {
    differ("missing: got " + Show(got.tally.missing) + ", want " +
           Show(want.missing));
  }
  if (got.all_numeric != want.words.empty()) differ("all_numeric");
  if (got.tally.values.size() != want.words.size()) {
    differ("words: got " + std::to_string(got.tally.values.size()) + ", want " +
           std::to_string(want.words.size()));
  }
  for (const auto& [word, counts] : want.words) {
    const GroupCounts* found = got.tally.values.Find(word);
    if (found == nullptr) {
      differ("word '" + word + "' missing");
    } else if (Show(*found) != Show(counts)) {
      differ("word '" + word + "': got " + Show(*found) + ", want " +
             Show(counts));
    }
  }
  if (!got.tally.numeric_values.empty() || got.tally.untracked.rows != 0) {
    differ("touched numeric_values or untracked");
  }
  const std::vector<ValueBucket>& groups = got.numbers.groups;
  if (groups.size() != want.numbers.size() ||
      got.numbers.first_index.size() != want.numbers.size()) {
    differ("numbers: got " + std::to_string(groups.size()) + " groups, " +
           std::to_string(got.numbers.first_index.size()) +
           " first indexes, want " + std::to_string(want.numbers.size()));
    return diffs;
  }
  size_t g = 0;
  for (const auto& [value, n] : want.numbers) {
    const ValueBucket& b = groups[g];
    const double sum = value * static_cast<double>(n.rows);
    if (Bits(b.lo) != Bits(value) || Bits(b.hi) != Bits(value) ||
        b.rows != n.rows || b.errors != n.errors || Bits(b.sum) != Bits(sum) ||
        got.numbers.first_index[g] != n.first_index) {
      char text[200];
      std::snprintf(text, sizeof text,
                    "group %zu: got [%.17g,%.17g] %lld/%lld sum %.17g "
                    "first %u; want %.17g %lld/%lld sum %.17g first %u",
                    g, b.lo, b.hi, static_cast<long long>(b.rows),
                    static_cast<long long>(b.errors), b.sum,
                    got.numbers.first_index[g], value,
                    static_cast<long long>(n.rows),
                    static_cast<long long>(n.errors), sum, n.first_index);
      differ(text);
    }
    ++g;
  }
  return diffs;
}

/// Counts feature `f` of `batch` and checks it against the reference.
void CheckColumn(const PredictionBatch& batch, size_t f = 0) {
  const Got got = Count(batch, f);
  CHECK(Diff(got, Reference(batch, f)) == Strings{});
}

void CheckColumn(const Strings& column, const std::vector<bool>& wrong) {
  const TestBatch b({column}, wrong);
  CheckColumn(b.batch());
}

/// Row r wrong with probability 1/4.
std::vector<bool> RandomErrors(size_t rows, std::mt19937* rng) {
  std::vector<bool> wrong(rows);
  for (size_t r = 0; r < rows; ++r) wrong[r] = (*rng)() % 4 == 0;
  return wrong;
}

/// Distinct non-empty spellings of at most 16 bytes among the first `rows`
/// cells: what the counter holds (checks that a test's column takes the
/// path it was written for).
size_t ShortSpellings(const Strings& column, size_t rows) {
  std::set<std::string> seen;
  for (size_t r = 0; r < std::min(rows, column.size()); ++r) {
    if (!column[r].empty() && column[r].size() <= 16) seen.insert(column[r]);
  }
  return seen.size();
}

TEST_CASE("parse finite number: words, blanks, signs and zeros",
          "[feature_cells]") {
  double v = -1;
  CHECK(ParseFiniteNumber("1", &v));
  CHECK(v == 1);
  CHECK(ParseFiniteNumber(" 1", &v));  // blanks around a number are dropped
  CHECK(v == 1);
  CHECK(ParseFiniteNumber("1.00", &v));
  CHECK(v == 1);
  CHECK(ParseFiniteNumber("-2.5", &v));
  CHECK(v == -2.5);
  CHECK(ParseFiniteNumber("123456789012.12345", &v));  // past 15 digits
  CHECK(v == 123456789012.12345);
  for (const char* zero : {"-0", "-0.0", "-1e-400", "0"}) {
    INFO(zero);
    v = -1;
    REQUIRE(ParseFiniteNumber(zero, &v));
    CHECK(v == 0);
    CHECK_FALSE(std::signbit(v));  // -0.0 is read as 0.0
  }
  for (const char* word :
       {"", " ", "nan", "NaN", "inf", "-inf", "1e400", "abc", "1,5", "+-1"}) {
    INFO("'" << word << "'");
    CHECK_FALSE(ParseFiniteNumber(word, &v));
  }
}

TEST_CASE("parse finite number: the double strtod gives", "[feature_cells]") {
  // Plain decimals take an inline fast path (one division), the rest
  // from_chars: both must give the correctly rounded double.
  Strings cells = {"0.1",
                   "0.7345210",
                   "123456789012345",
                   "-51982.06",
                   "999999999999999",
                   "1234567890123456",
                   "0.000000000000001",
                   "5.",
                   "-.5",
                   "1e5",
                   "1e-5",
                   "4.9e-324",
                   "0.30000000000000004",
                   "  7.25\t",
                   "1.7976931348623157e308"};
  std::mt19937 rng(10);
  for (int i = 0; i < 20000; ++i) {
    // 1 to 18 digits, a point anywhere inside, maybe a minus.
    const size_t digits = 1 + rng() % 18;
    std::string cell = rng() % 2 ? "-" : "";
    const size_t point = rng() % 2 ? rng() % digits : digits;
    for (size_t d = 0; d < digits; ++d) {
      if (d == point && d > 0) cell += '.';
      cell += static_cast<char>('0' + rng() % 10);
    }
    cells.push_back(cell);
  }
  Strings wrong;
  for (const std::string& cell : cells) {
    double got = 0;
    const double want = std::strtod(cell.c_str(), nullptr) + 0.0;
    if (!ParseFiniteNumber(cell, &got) || Bits(got) != Bits(want)) {
      if (wrong.size() < 10) wrong.push_back(cell);
    }
  }
  CHECK(wrong == Strings{});
}

TEST_CASE("feature cells: a small column worked out by hand",
          "[feature_cells]") {
  // Rows 0..8 (data rows 2, 5, 8, ...), wrong: 1, 4, 6, 7.
  const Strings column = {"3", "a", "", "3.0", "b", "a", "-0", "0", ""};
  const std::vector<bool> wrong = {false, true, false, false, true,
                                   false, true, true,  false};
  const TestBatch b({column}, wrong);
  const Got got = Count(b.batch(), 0);
  CHECK(Show(got.tally.missing) == "2/0@8");
  CHECK_FALSE(got.all_numeric);
  REQUIRE(got.tally.values.size() == 2);
  REQUIRE(got.tally.values.Find("a") != nullptr);
  CHECK(Show(*got.tally.values.Find("a")) == "2/1@5");
  REQUIRE(got.tally.values.Find("b") != nullptr);
  CHECK(Show(*got.tally.values.Find("b")) == "1/1@14");
  REQUIRE(got.numbers.groups.size() == 2);
  // 0 (from "-0" at row 6 and "0" at row 7), then 3 ("3" and "3.0").
  CHECK(got.numbers.groups[0] == ValueBucket{0, 0, 2, 2, 0});
  CHECK_FALSE(std::signbit(got.numbers.groups[0].lo));
  CHECK(got.numbers.groups[1] == ValueBucket{3, 3, 2, 0, 6});
  CHECK(got.numbers.first_index == std::vector<uint32_t>{6, 0});
  // The reference agrees with the hand count.
  CHECK(Diff(got, Reference(b.batch(), 0)) == Strings{});
}

TEST_CASE("feature cells: a batch of no rows", "[feature_cells]") {
  // Only junk cells past rows(): nothing is counted, stale groups go.
  const TestBatch b({Strings{}}, {});
  const Got got = Count(b.batch(), 0);
  CHECK(got.tally.missing.rows == 0);
  CHECK(got.tally.values.empty());
  CHECK(got.all_numeric);
  CHECK(got.numbers.groups.empty());
  CHECK(got.numbers.first_index.empty());
}

TEST_CASE("feature cells: columns of only missing, only words, one row",
          "[feature_cells]") {
  CheckColumn(Strings(50, ""), std::vector<bool>(50, true));
  CheckColumn(Strings{"x", "y", "x", "nan", "inf"},
              {true, false, false, true, false});
  CheckColumn(Strings{"42"}, {true});
  CheckColumn(Strings{""}, {false});
  CheckColumn(Strings{"a long word of more than sixteen bytes"}, {true});
  // Words only in the counter, numbers only in long cells.
  CheckColumn(Strings{"w", "00000000000000000001", "w", "1.0000000000000000",
                      "v", "2.0000000000000000000"},
              {false, true, false, true, true, false});
}

TEST_CASE("feature cells: a low-cardinality numeric column (ages)",
          "[feature_cells]") {
  // Few distinct spellings: the counter's column. Some ages are spelled
  // several ways, some cells are missing.
  std::mt19937 rng(11);
  const size_t rows = 5000;
  Strings column;
  for (size_t r = 0; r < rows; ++r) {
    const int age = 18 + static_cast<int>(rng() % 70);
    switch (rng() % 20) {
      case 0:
        column.push_back("");
        break;
      case 1:
        column.push_back(std::to_string(age) + ".0");
        break;
      case 2:
        column.push_back(std::string(" ").append(std::to_string(age)));
        break;
      default:
        column.push_back(std::to_string(age));
    }
  }
  REQUIRE(ShortSpellings(column, 1024) < 1024 * 7 / 8);
  CheckColumn(column, RandomErrors(rows, &rng));
}

TEST_CASE("feature cells: without grouping, parsed numbers stay rows",
          "[feature_cells]") {
  // group_numbers false (slices, for a column counted within its total's
  // cells): a continuous column's numbers come back one row each, with
  // its error and index, and no groups; missing cells and words are
  // counted as with grouping. A column the counter takes is grouped
  // anyway (it has no rows to give).
  std::mt19937 rng(19);
  const size_t rows = 3000;
  Strings continuous;
  for (size_t r = 0; r < rows; ++r) {
    if (r % 97 == 5) {
      continuous.push_back("");
    } else if (r % 101 == 7) {
      continuous.push_back("n/a");
    } else {
      continuous.push_back(std::to_string(rng() % 1000000) + "." +
                           std::to_string(rng() % 100));
    }
  }
  const std::vector<bool> wrong = RandomErrors(rows, &rng);
  const TestBatch b({continuous}, wrong);
  Got got;
  CountFeatureCells(b.batch(), 0, &got.tally, &got.all_numeric, &got.numbers,
                    /*group_numbers=*/false);
  CHECK(got.numbers.groups.empty());
  CHECK(got.numbers.first_index.empty());
  const Expected want = Reference(b.batch(), 0);
  CHECK(Show(got.tally.missing) == Show(want.missing));
  CHECK(got.tally.values.size() == want.words.size());
  CHECK_FALSE(got.all_numeric);
  // The rows, sorted by index: exactly the numeric cells, each once.
  std::vector<ValueHistogram::Row> rows_got = got.numbers.rows;
  std::sort(rows_got.begin(), rows_got.end(),
            [](const auto& x, const auto& y) { return x.index < y.index; });
  size_t k = 0;
  for (size_t r = 0; r < rows; ++r) {
    double value = 0;
    if (!ParseFiniteNumber(continuous[r], &value)) continue;
    INFO("row " << r);
    REQUIRE(k < rows_got.size());
    CHECK(rows_got[k].index == r);
    CHECK(Bits(rows_got[k].value) == Bits(value));
    CHECK(rows_got[k].is_error == wrong[r]);
    ++k;
  }
  CHECK(k == rows_got.size());

  // Few spellings: the counter's groups, no rows.
  Strings ages;
  for (size_t r = 0; r < rows; ++r) ages.push_back(std::to_string(20 + r % 9));
  const TestBatch small({ages}, wrong);
  Got grouped;
  CountFeatureCells(small.batch(), 0, &grouped.tally, &grouped.all_numeric,
                    &grouped.numbers, /*group_numbers=*/false);
  CHECK(grouped.numbers.rows.empty());
  CHECK(Diff(grouped, Reference(small.batch(), 0)) == Strings{});
}

TEST_CASE("feature cells: a continuous column", "[feature_cells]") {
  // All distinct in the first 1024 rows: the whole chunk is parsed and
  // sorted. Missing, long and word cells among those rows must be counted
  // once, though the counter saw them before it was given up.
  std::mt19937 rng(12);
  std::uniform_real_distribution<double> uniform(-1000, 1000);
  const size_t rows = 6000;
  Strings column;
  for (size_t r = 0; r < rows; ++r) {
    char text[64];
    std::snprintf(text, sizeof text, "%.6f", uniform(rng));
    switch (r % 97) {
      case 5:
        column.push_back("");
        break;
      case 6:
        column.push_back("unknown");
        break;
      case 7:
        column.push_back("a category name of 33 bytes long");
        break;
      case 8:
        column.push_back("123456789012.12345");
        break;
      // A few values again, in other spellings: one value, many rows.
      case 9:
        column.push_back("1.5");
        break;
      case 10:
        column.push_back("1.50");
        break;
      case 11:
        column.push_back("-0");
        break;
      case 12:
        column.push_back("0");
        break;
      default:
        column.push_back(text);
    }
  }
  REQUIRE(ShortSpellings(column, 1024) > 1024 * 7 / 8);
  CheckColumn(column, RandomErrors(rows, &rng));
}

TEST_CASE("feature cells: on either side of the 7/8 sample rule",
          "[feature_cells]") {
  // 896 distinct spellings in the first 1024 rows keep the counter, 897
  // give it up; either way, the same counts. The other rows of the sample
  // repeat spellings or are missing or long (none of which is a new
  // spelling for the counter).
  for (const size_t distinct : {size_t{896}, size_t{897}}) {
    INFO(distinct << " distinct spellings in the sample");
    std::mt19937 rng(13);
    Strings column;
    for (size_t r = 0; r < 3000; ++r) {
      if (r + 1 < distinct) {
        column.push_back(std::to_string(r) + ".5");
      } else if (r < 1024) {
        switch (r % 4) {
          case 0:
            column.push_back("");
            break;
          case 1:
            column.push_back("0000000000000001.5");
            break;  // = 1.5
          case 2:
            column.push_back("word");
            break;
          default:
            column.push_back(std::to_string(r % 10) + ".5");
        }
      } else {
        // New values, old ones in other spellings, words, missing.
        switch (rng() % 5) {
          case 0:
            column.push_back(std::to_string(rng() % 2000) + ".5");
            break;
          case 1:
            column.push_back(std::to_string(rng() % 900) + ".50");
            break;
          case 2:
            column.push_back("word");
            break;
          case 3:
            column.push_back("");
            break;
          default:
            column.push_back("late word " + std::to_string(rng() % 3));
        }
      }
    }
    REQUIRE(ShortSpellings(column, 1024) == distinct);  // with "word"
    CheckColumn(column, RandomErrors(column.size(), &rng));
  }
}

TEST_CASE("feature cells: more spellings than the counter holds",
          "[feature_cells]") {
  // The first 1024 rows repeat ~100 spellings, so the counter is kept;
  // later rows bring thousands of new ones, the counter fills, and the rest
  // of the chunk is parsed: both parts are joined. Spellings of one value,
  // and words, on both sides of the point where it filled.
  std::mt19937 rng(14);
  const Strings early = {"1",  "2",      "3",    "-0", "w1",
                         "w2", "1e-400", "0.25", "x"};
  Strings column;
  for (size_t r = 0; r < 1024; ++r) {
    if (r % 10 == 0) {
      column.push_back(early[rng() % early.size()]);
    } else if (r % 10 == 1) {
      column.push_back("");
    } else if (r % 10 == 2) {
      column.push_back("a long word, counted apart");
    } else {
      column.push_back(std::to_string(rng() % 90));
    }
  }
  for (size_t r = 1024; r < 24000; ++r) {
    switch (rng() % 8) {
      case 0:
        column.push_back(early[rng() % early.size()]);
        break;
      case 1:
        column.push_back("1.00");
        break;  // = "1", after the counter
      case 2:
        column.push_back("0");
        break;  // = "-0" and "1e-400"
      case 3:
        column.push_back("late");
        break;  // a word new after it
      case 4:
        column.push_back("");
        break;
      case 5:
        column.push_back("123456789012.12345");
        break;
      default:
        column.push_back(std::to_string(1000 + r) + ".125");
    }
  }
  REQUIRE(ShortSpellings(column, 1024) <= 1024 * 7 / 8);
  REQUIRE(ShortSpellings(column, column.size()) > 4096);
  CheckColumn(column, RandomErrors(column.size(), &rng));
}

TEST_CASE("feature cells: a value whose spellings fill the counter",
          "[feature_cells]") {
  // 7200 spellings of the numbers 1 and 2 (" 01.0", "\t1.000 ", ...):
  // the counter fills with spellings of two values, and the ones after it
  // are parsed; every spelling of 1 must end in one group.
  std::mt19937 rng(15);
  Strings column;
  for (size_t r = 0; r < 1024; ++r) column.push_back(r % 2 ? "1" : "1.0");
  Strings blanks = {""};  // every string of 0 to 3 blanks or tabs
  for (size_t i = 0; i < blanks.size() && blanks.size() < 15; ++i) {
    if (blanks[i].size() < 3) {
      blanks.push_back(blanks[i] + " ");
      blanks.push_back(blanks[i] + "\t");
    }
  }
  REQUIRE(blanks.size() == 15);
  const Strings fractions = {"", ".0", ".00", ".000"};
  for (const char* digit : {"1", "2"}) {
    for (const std::string& before : blanks) {
      for (size_t zeros = 0; zeros < 4; ++zeros) {
        for (const std::string& fraction : fractions) {
          for (const std::string& after : blanks) {
            column.push_back(before + std::string(zeros, '0') + digit +
                             fraction + after);
            if (rng() % 4 == 0) column.push_back(rng() % 2 ? "1" : "2");
          }
        }
      }
    }
  }
  REQUIRE(ShortSpellings(column, column.size()) == 7200);
  CheckColumn(column, RandomErrors(column.size(), &rng));
}

TEST_CASE("feature cells: cells longer than 16 bytes", "[feature_cells]") {
  // Long cells are parsed one by one beside the counter; where a long and a
  // short spelling are one value, the long one may come first.
  const Strings column = {
      "1.000000000000000000",  // = 1, long, before "1"
      "123456789012.12345",
      "a long word of text here",
      "1",
      "123456789012.12345",
      "00000000000000042",  // 17 bytes = 42
      "42",
      "",
      "a long word of text here",
      "short",
      "1234567890123456",  // exactly 16 bytes: the counter's
      "1234567890123456.0",
      "-0.00000000000000000",  // long -0
      "0",
  };
  std::vector<bool> wrong(column.size());
  for (size_t r = 0; r < wrong.size(); ++r) wrong[r] = r % 3 == 1;
  CheckColumn(column, wrong);
  // The same, repeated past the sample and in a continuous column.
  Strings repeated;
  Strings continuous;
  for (size_t i = 0; i < 400; ++i) {
    repeated.insert(repeated.end(), column.begin(), column.end());
    for (const std::string& cell : column) {
      for (int k = 0; k < 9; ++k) {  // 9 in 10 cells distinct
        continuous.push_back(std::to_string(continuous.size()) + ".5");
      }
      continuous.push_back(cell);
    }
  }
  REQUIRE(ShortSpellings(repeated, 1024) < 1024 * 7 / 8);
  REQUIRE(ShortSpellings(continuous, 1024) > 1024 * 7 / 8);
  CheckColumn(repeated, std::vector<bool>(repeated.size(), false));
  std::vector<bool> some(continuous.size());
  for (size_t r = 0; r < some.size(); ++r) some[r] = r % 7 == 0;
  CheckColumn(continuous, some);
}

TEST_CASE("feature cells: words mixed with numbers", "[feature_cells]") {
  // Non-finite numbers are words, so are blanks; signs, exponents and a
  // leading point are numbers.
  const Strings cells = {"nan", "NaN",   "inf", "-inf", "Infinity", "1e400",
                         " ",   "1,5",   "+1",  "1e5",  ".5",       "5.",
                         "-.5", "\t2\t", "2 ",  "abc",  "1e-400",   "+0"};
  std::mt19937 rng(16);
  for (const size_t rows : {size_t{40}, size_t{3000}}) {
    Strings column;
    for (size_t r = 0; r < rows; ++r) {
      column.push_back(cells[rng() % cells.size()]);
    }
    CheckColumn(column, RandomErrors(rows, &rng));
  }
}

TEST_CASE("feature cells: -0 and 0 are one value, 0.0", "[feature_cells]") {
  // Counter only; "-0" first in the counter and "0" after it filled; and
  // in a continuous column.
  const Strings zeros = {"-0", "0", "-0.0", "0.000", "+0", "-1e-400", " -0"};
  std::vector<Strings> columns;
  columns.push_back(zeros);
  Strings full;
  for (size_t r = 0; r < 1024; ++r) full.push_back(r % 2 ? "-0" : "5");
  for (size_t r = 0; full.size() < 9000; ++r) {
    full.push_back(std::to_string(r) + ".75");
    full.push_back("0");
  }
  columns.push_back(full);
  Strings continuous;
  for (size_t r = 0; r < 3000; ++r) {
    continuous.push_back(r % 50 == 3 ? zeros[r % zeros.size()]
                                     : std::to_string(r) + ".25");
  }
  columns.push_back(continuous);
  for (size_t c = 0; c < columns.size(); ++c) {
    INFO("column " << c);
    std::vector<bool> wrong(columns[c].size());
    for (size_t r = 0; r < wrong.size(); ++r) wrong[r] = r % 5 == 0;
    const TestBatch b({columns[c]}, wrong);
    const Got got = Count(b.batch(), 0);
    CHECK(Diff(got, Reference(b.batch(), 0)) == Strings{});
    // One group for zero, and it is +0.0 (a -0.0 would name the group
    // "-0" and sort before it in a merge that compares bits).
    size_t zero_groups = 0;
    for (const ValueBucket& g : got.numbers.groups) {
      if (g.lo == 0) {
        ++zero_groups;
        CHECK_FALSE(std::signbit(g.lo));
        CHECK_FALSE(std::signbit(g.hi));
        CHECK_FALSE(std::signbit(g.sum));
      }
    }
    CHECK(zero_groups == 1);
  }
}

TEST_CASE("feature cells: the second feature of a two-feature batch",
          "[feature_cells]") {
  // Feature 1 starts at feature_stride, past feature 0's cells and its
  // junk: each column is counted as its own, nothing of the other.
  std::mt19937 rng(17);
  for (const size_t rows : {size_t{30}, size_t{2500}}) {
    INFO(rows << " rows");
    Strings ages, mixed;
    for (size_t r = 0; r < rows; ++r) {
      ages.push_back(std::to_string(20 + rng() % 50));
      switch (rng() % 4) {
        case 0:
          mixed.push_back("");
          break;
        case 1:
          mixed.push_back("city" + std::to_string(rng() % 5));
          break;
        case 2:
          mixed.push_back(std::to_string(rng() % 100000) + ".5");
          break;
        default:
          mixed.push_back(std::to_string(rng() % 10));
      }
    }
    const TestBatch b({ages, mixed}, RandomErrors(rows, &rng));
    CheckColumn(b.batch(), 1);
    CheckColumn(b.batch(), 0);
    // Feature 0 has no words: a feature 1 read in its place would.
    CHECK(Count(b.batch(), 0).all_numeric);
    CHECK_FALSE(Count(b.batch(), 1).all_numeric);
  }
}

TEST_CASE("feature cells: counts add to the tally; numbers are replaced",
          "[feature_cells]") {
  // A tally gathers a chunk's columns call after call: words and missing
  // add up; all_numeric is only ever cleared; the numbers are the call's.
  const Strings column = {"a", "", "1", "b", "a", "", "2"};
  const std::vector<bool> wrong = {true,  false, true, false,
                                   false, true,  false};
  const TestBatch b({column}, wrong);
  FeatureTally tally;
  bool all_numeric = true;
  ChunkNumbers numbers;
  CountFeatureCells(b.batch(), 0, &tally, &all_numeric, &numbers);
  CountFeatureCells(b.batch(), 0, &tally, &all_numeric, &numbers);
  CHECK(Show(tally.missing) == "4/2@5");
  REQUIRE(tally.values.Find("a") != nullptr);
  CHECK(Show(*tally.values.Find("a")) == "4/2@2");
  REQUIRE(tally.values.Find("b") != nullptr);
  CHECK(Show(*tally.values.Find("b")) == "2/0@11");
  CHECK(tally.values.size() == 2);
  CHECK_FALSE(all_numeric);
  REQUIRE(numbers.groups.size() == 2);
  CHECK(numbers.groups[0] == ValueBucket{1, 1, 1, 1, 1});
  CHECK(numbers.groups[1] == ValueBucket{2, 2, 1, 0, 2});
  CHECK(numbers.first_index == std::vector<uint32_t>{2, 6});
  // A numeric column does not set all_numeric back.
  const TestBatch numeric({Strings{"1", "2"}}, {false, false});
  CountFeatureCells(numeric.batch(), 0, &tally, &all_numeric, &numbers);
  CHECK_FALSE(all_numeric);
}

TEST_CASE("feature cells: agree with the reference on random columns",
          "[feature_cells]") {
  // Columns of every kind and size, one after another (the counter is
  // kept from call to call): few or many distinct values, spelled one or
  // several ways, with missing, long and word cells in varying shares.
  std::mt19937 rng(18);
  const size_t sizes[] = {0, 1, 7, 1023, 1024, 1025, 2000, 5000, 9000};
  for (int trial = 0; trial < 200; ++trial) {
    const size_t rows = sizes[rng() % std::size(sizes)];
    const uint32_t distinct =
        std::array<uint32_t, 5>{3, 100, 1000, 5000, 1000000}[rng() % 5];
    const uint32_t missing = rng() % 4;  // in 16ths
    const uint32_t longs = rng() % 3;
    const uint32_t words = rng() % 4;
    const bool spellings = rng() % 2 == 0;
    INFO("trial " << trial << ": " << rows << " rows, " << distinct
                  << " values, missing " << missing << ", long " << longs
                  << ", words " << words << ", spellings " << spellings);
    Strings column;
    for (size_t r = 0; r < rows; ++r) {
      const uint32_t kind = rng() % 16;
      const uint32_t v = rng() % distinct;
      // Tenths: 0.1 is no binary fraction, so a sum added up row by row
      // would differ from value * rows in its last bits.
      const std::string whole = std::to_string(v / 10);
      const std::string tenths =
          v % 10 == 0
              ? whole
              : std::string(whole).append(".").append(std::to_string(v % 10));
      if (kind < missing) {
        column.push_back("");
      } else if (kind < missing + longs) {
        // A long spelling of a value, or a long word.
        column.push_back(rng() % 2 ? std::string(16, '0').append(tenths)
                                   : std::string("a long word number ")
                                         .append(std::to_string(v % 50)));
      } else if (kind < missing + longs + words) {
        column.push_back(std::string("w").append(std::to_string(v % 300)));
      } else if (spellings && rng() % 3 == 0) {
        // Other spellings of the same value.
        switch (rng() % 3) {
          case 0:
            column.push_back(
                std::string(tenths).append(v % 10 == 0 ? ".00" : "0"));
            break;
          case 1:
            column.push_back(std::string("0").append(tenths));
            break;
          default:
            column.push_back(std::string(" ").append(tenths));
        }
      } else {
        column.push_back(tenths);
      }
    }
    CheckColumn(column, RandomErrors(rows, &rng));
  }
}

}  // namespace
}  // namespace errscope
