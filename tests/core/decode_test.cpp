// DecodeBatch on hand-built raw batches: classes, confidence, skipped rows,
// probabilities (columns and JSON arrays) and threshold mode.
#include <catch2/catch.hpp>
#include <charconv>
#include <cmath>
#include <cstring>
#include <deque>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "errscope/columns.h"
#include "errscope/prediction_batch.h"

namespace errscope {
namespace {

using Strings = std::vector<std::string>;
using Cells = std::vector<Strings>;

/// A raw batch of `rows` (data row r on file line r + 2, after the header),
/// decoded with the mapping ResolveColumns gives for `names` and `options`.
struct Decoded {
  bool ok = false;
  Status status;
  PredictionBatch batch;
};

Decoded Decode(const Strings& names, const Cells& rows,
               const ColumnOptions& options = {},
               const DecodeOptions& decode = {}, int64_t first_row = 0) {
  ColumnMapping mapping;
  Status resolved = ResolveColumns(names, options, &mapping);
  INFO(resolved.message());
  REQUIRE(resolved.ok());
  RawBatch raw;
  raw.num_columns = names.size();
  raw.first_row = first_row;
  for (size_t r = 0; r < rows.size(); ++r) {
    REQUIRE(rows[r].size() == names.size());
    for (const std::string& cell : rows[r]) {
      raw.owned.push_back(cell);  // deque: earlier cells stay put
      raw.cells.emplace_back(raw.owned.back());
    }
    raw.lines.push_back(static_cast<int64_t>(r) + 2);
  }
  Decoded out;
  out.ok = DecodeBatch(raw, mapping, names, "in.csv", decode, &out.batch,
                       &out.status);
  return out;
}

/// The error message of a decode that must fail.
std::string DecodeError(const Strings& names, const Cells& rows,
                        const ColumnOptions& options = {},
                        const DecodeOptions& decode = {}) {
  Decoded d = Decode(names, rows, options, decode);
  REQUIRE_FALSE(d.ok);
  return d.status.message();
}

/// The decoded batch of a decode that must succeed.
PredictionBatch DecodeOk(const Strings& names, const Cells& rows,
                         const ColumnOptions& options = {}) {
  Decoded d = Decode(names, rows, options);
  INFO(d.status.message());
  REQUIRE(d.ok);
  return std::move(d.batch);
}

std::string Spelling(const PredictionBatch& b, int32_t id) {
  return b.classes[static_cast<size_t>(id)].spelling;
}

using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;
using Catch::Matchers::StartsWith;
using Catch::Matchers::WithinAbs;

const Strings kLabelPredConf = {"label", "pred", "confidence"};

TEST_CASE("Labels and preds are interned as classes of the batch", "[decode]") {
  Decoded d = Decode({"label", "pred"},
                     {{"cat", "cat"}, {"dog", "cat"}, {"1", "1.0"}}, {}, {},
                     /*first_row=*/10);
  REQUIRE(d.ok);
  const PredictionBatch& b = d.batch;
  REQUIRE(b.rows() == 3);
  CHECK(b.rows_read == 3);
  CHECK(b.classes.size() == 3);
  CHECK(b.correct(0));
  CHECK_FALSE(b.correct(1));
  CHECK(b.correct(2));
  CHECK(Spelling(b, b.label[1]) == "dog");
  CHECK(Spelling(b, b.pred[1]) == "cat");
  CHECK(Spelling(b, b.pred[2]) == "1");  // the label comes first
  CHECK(b.row_number == std::vector<int64_t>{11, 12, 13});
  CHECK(b.line == std::vector<int64_t>{2, 3, 4});
  CHECK(std::isnan(b.confidence[0]));  // no confidence column
  CHECK(b.probabilities.empty());
  CHECK(b.skipped.count == 0);
}

TEST_CASE("A confidence column is read as given", "[decode]") {
  PredictionBatch b =
      DecodeOk(kLabelPredConf,
               {{"a", "b", "0.25"}, {"a", "a", " 1 "}, {"b", "b", "1e-400"}});
  REQUIRE(b.rows() == 3);
  CHECK_THAT(b.confidence[0], WithinAbs(0.25, 1e-15));
  CHECK_THAT(b.confidence[1], WithinAbs(1.0, 1e-15));
  CHECK_THAT(b.confidence[2], WithinAbs(0.0, 1e-15));  // rounds to 0
}

TEST_CASE("Confidences and probabilities are the doubles from_chars reads",
          "[decode]") {
  // Cells shaped like printed probabilities (a digit, a point, 1 to 10
  // more: the 8-byte fast path and the general one), now and then with a
  // digit above 1 or a byte that is not a digit. The definition: a cell
  // from_chars reads whole to a number in [0, 1] is that double, any other
  // is an error.
  std::mt19937_64 rng(3);
  const std::string units = "0000000112x";
  const std::string others = "0123456789012345678.x-";
  for (int n = 0; n < 20000; ++n) {
    std::string cell(1, units[rng() % units.size()]);
    cell += '.';
    const size_t fraction = 1 + rng() % 10;
    for (size_t i = 0; i < fraction; ++i) {
      cell += rng() % 16 != 0 ? static_cast<char>('0' + rng() % 10)
                              : others[rng() % others.size()];
    }
    if (rng() % 8 == 0) cell = "1." + std::string(fraction, '0');
    if (rng() % 8 == 0) cell[cell.size() - 1 - rng() % fraction] = '1';
    INFO("cell: " << cell);
    double expected = -1;
    const auto [end, ec] =
        std::from_chars(cell.data(), cell.data() + cell.size(), expected);
    const bool valid = ec == std::errc() && end == cell.data() + cell.size() &&
                       expected >= 0 && expected <= 1;
    for (const bool as_probability : {false, true}) {
      const Decoded d =
          as_probability ? Decode({"label", "p_a", "p_b"}, {{"a", cell, "0.5"}})
                         : Decode(kLabelPredConf, {{"a", "a", cell}});
      REQUIRE(d.ok == valid);
      if (!valid) continue;
      const double got =
          as_probability ? d.batch.probabilities[0] : d.batch.confidence[0];
      CHECK(std::memcmp(&got, &expected, sizeof got) == 0);
    }
  }
}

TEST_CASE("A bad confidence is an error naming the line and the column",
          "[decode]") {
  struct Case {
    std::string cell;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"abc", R"(expected a confidence (a number in [0, 1]), got "abc")"},
      {"1e400x", R"(expected a confidence (a number in [0, 1]), got "1e400x")"},
      {"nan", R"(got "nan": NaN and infinity are not allowed)"},
      {"inf", R"(got "inf": NaN and infinity are not allowed)"},
      {"1.5", "expected a confidence in [0, 1], got 1.5"},
      {"-0.1", "expected a confidence in [0, 1], got -0.1"},
  };
  for (const Case& c : cases) {
    INFO("cell: " << c.cell);
    std::string error =
        DecodeError(kLabelPredConf, {{"a", "a", "0.5"}, {"a", "b", c.cell}});
    CHECK_THAT(error, StartsWith("in.csv:3: column 'confidence' (field 3): "));
    CHECK_THAT(error, EndsWith(c.message));
  }
}

TEST_CASE("Rows with an empty cell in use are skipped and counted",
          "[decode]") {
  const Cells rows = {
      {"a", "a", "0.9"},  {"", "a", "0.9"}, {"a", "", "0.9"},
      {"ghost", "", "0"}, {"a", "a", ""},   {"b", "b", "0.8"},
      {"", "", ""},       {"a", "b", ""},   {" ", "b", "0.1"},
  };
  PredictionBatch b = DecodeOk(kLabelPredConf, rows);
  CHECK(b.rows_read == 9);
  CHECK(b.skipped.count == 6);
  CHECK(b.skipped.first_lines == std::vector<int64_t>{3, 4, 5, 6, 8});
  REQUIRE(b.rows() == 3);
  CHECK(b.line == std::vector<int64_t>{2, 7, 10});
  CHECK(Spelling(b, b.label[2]) == " ");  // spaces are not empty
  // Skipped rows add no classes: a, b and " ".
  CHECK(b.classes.size() == 3);
  CHECK(b.classes.Find("$ghost") == -1);
}

TEST_CASE("With strict, an empty cell in use is an error", "[decode]") {
  DecodeOptions strict;
  strict.strict = true;
  std::string error = DecodeError(
      kLabelPredConf, {{"a", "a", "0.9"}, {"a", "", "0.9"}}, {}, strict);
  CHECK_THAT(error, StartsWith("in.csv:3: column 'pred' (field 2): "));
  CHECK_THAT(error, Contains("empty prediction"));
  CHECK_THAT(DecodeError(kLabelPredConf, {{"", "a", "0.9"}}, {}, strict),
             StartsWith("in.csv:2: column 'label' (field 1): empty label"));
  CHECK(Decode(kLabelPredConf, {{"a", "a", "0.9"}}, {}, strict).ok);
}

TEST_CASE("An empty probability skips the row", "[decode]") {
  PredictionBatch b = DecodeOk({"label", "p_a", "p_b"},
                               {{"a", "", "0.5"}, {"a", "0.5", "0.5"}});
  CHECK(b.skipped.count == 1);
  CHECK(b.skipped.first_lines == std::vector<int64_t>{2});
  CHECK(b.rows() == 1);
}

TEST_CASE("An empty probability skips the row whatever else is wrong in it",
          "[decode]") {
  // The row is skipped, not failed, when a bad number comes before the
  // empty cell (a confidence, an earlier probability) or after it.
  const Strings names = {"label", "confidence", "p_a", "p_b", "p_c"};
  Decoded decoded = Decode(names, {{"a", "high", "0.5", "", "0.5"},
                                   {"a", "0.5", "x", "0.5", ""},
                                   {"a", "0.5", "", "1.5", "0.5"},
                                   {"a", "0.5", "0.5", "0.5", "0"}});
  REQUIRE(decoded.ok);
  CHECK(decoded.status.ok());  // no error left behind by a skipped row
  const PredictionBatch& b = decoded.batch;
  CHECK(b.skipped.count == 3);
  CHECK(b.skipped.first_lines == std::vector<int64_t>{2, 3, 4});
  CHECK(b.rows() == 1);
  // Without an empty cell, the first bad number is the error.
  CHECK_THAT(DecodeError(names, {{"a", "high", "0.5", "x", "0.5"}}),
             StartsWith("in.csv:2: column 'confidence' (field 2): "));
  CHECK_THAT(DecodeError(names, {{"a", "0.5", "0.5", "x", "1.5"}}),
             StartsWith("in.csv:2: column 'p_b' (field 4): "));
  // With --strict the empty cell is the error, named by its column (the
  // first empty one), not the bad number.
  DecodeOptions strict;
  strict.strict = true;
  Decoded d = Decode(names, {{"a", "high", "x", "", ""}}, {}, strict);
  REQUIRE_FALSE(d.ok);
  CHECK_THAT(d.status.message(),
             StartsWith("in.csv:2: column 'p_b' (field 4): empty probability"));
}

TEST_CASE("Argmax predicts the most probable class, ties to the first column",
          "[decode]") {
  PredictionBatch b =
      DecodeOk({"label", "p_a", "p_b", "p_c"},
               {{"b", "0.2", "0.5", "0.3"}, {"c", "0.4", "0.2", "0.4"}});
  REQUIRE(b.rows() == 2);
  REQUIRE(b.proba_class_ids.size() == 3);
  CHECK(Spelling(b, b.proba_class_ids[2]) == "c");
  CHECK(Spelling(b, b.pred[0]) == "b");
  CHECK(b.correct(0));
  CHECK(Spelling(b, b.pred[1]) == "a");
  CHECK_FALSE(b.correct(1));
  // Confidence: the largest probability.
  CHECK_THAT(b.confidence[0], WithinAbs(0.5, 1e-15));
  CHECK_THAT(b.confidence[1], WithinAbs(0.4, 1e-15));
  REQUIRE(b.probabilities.size() == 6);
  CHECK_THAT(b.probabilities[3], WithinAbs(0.4, 1e-15));
  CHECK_THAT(b.probabilities[4], WithinAbs(0.2, 1e-15));
}

TEST_CASE("With a pred column, confidence is the pred class's probability",
          "[decode]") {
  PredictionBatch b =
      DecodeOk({"label", "pred", "p_a", "p_b"}, {{"a", "b", "0.7", "0.3"},
                                                 {"a", "a", "0.7", "0.3"},
                                                 {"a", "z", "0.7", "0.3"}});
  REQUIRE(b.rows() == 3);
  CHECK_THAT(b.confidence[0], WithinAbs(0.3, 1e-15));
  CHECK_THAT(b.confidence[1], WithinAbs(0.7, 1e-15));
  CHECK(std::isnan(b.confidence[2]));  // z has no probability column
  CHECK(b.pred_not_in_probabilities.count == 1);
  CHECK(b.pred_not_in_probabilities.first_lines == std::vector<int64_t>{4});
}

TEST_CASE("Probabilities far from summing to 1 are counted, not rejected",
          "[decode]") {
  PredictionBatch b = DecodeOk(
      {"label", "p_a", "p_b"},
      {{"a", "0.5", "0.3"}, {"a", "0.6", "0.4"}, {"b", "0.5", "0.505"}});
  CHECK(b.rows() == 3);
  CHECK(b.proba_sum_off.count == 1);
  CHECK(b.proba_sum_off.first_lines == std::vector<int64_t>{2});
}

TEST_CASE("A probability outside [0, 1] is an error", "[decode]") {
  std::string error =
      DecodeError({"label", "p_a", "p_b"}, {{"a", "1.2", "-0.2"}});
  CHECK_THAT(error, StartsWith("in.csv:2: column 'p_a' (field 2): "));
  CHECK_THAT(error, Contains("expected a probability in [0, 1], got 1.2"));
}

TEST_CASE("A JSON array of probabilities is read in the order of --classes",
          "[decode]") {
  ColumnOptions options;
  options.proba_field = "probs";
  options.classes = {"a", "b"};
  PredictionBatch b = DecodeOk(
      {"label", "probs"}, {{"b", "[0.2,0.8]"}, {"a", "[0.9, 0.1]"}}, options);
  REQUIRE(b.rows() == 2);
  CHECK(Spelling(b, b.pred[0]) == "b");
  CHECK(Spelling(b, b.pred[1]) == "a");
  CHECK(b.correct(0));
  CHECK(b.correct(1));
  CHECK_THAT(b.confidence[0], WithinAbs(0.8, 1e-15));
  REQUIRE(b.probabilities.size() == 4);
  CHECK_THAT(b.probabilities[0], WithinAbs(0.2, 1e-15));
  CHECK_THAT(b.probabilities[3], WithinAbs(0.1, 1e-15));

  SECTION("an array of the wrong length is an error") {
    for (const std::string& cell : Strings{"[0.2,0.3,0.5]", "[1]", "[]"}) {
      INFO(cell);
      std::string error =
          DecodeError({"label", "probs"}, {{"a", cell}}, options);
      CHECK_THAT(error, StartsWith("in.csv:2: column 'probs' (field 2): "));
      CHECK_THAT(error, Contains("expected 2"));
    }
  }
  SECTION("a cell that is not an array is an error") {
    CHECK_THAT(DecodeError({"label", "probs"}, {{"a", "0.2,0.8"}}, options),
               Contains("expected an array of 2 probabilities"));
  }
}

/// Threshold mode over label/score rows, positive "1".
PredictionBatch DecodeScores(const Cells& rows,
                             std::optional<std::string> negative = {}) {
  ColumnOptions options;
  options.negative = std::move(negative);
  return DecodeOk({"label", "score"}, rows, options);
}

TEST_CASE("Threshold mode: a score at or above the threshold is positive",
          "[decode]") {
  PredictionBatch b =
      DecodeScores({{"1", "0.7"}, {"0", "0.5"}, {"1", "0.2"}, {"0", "0.1"}});
  REQUIRE(b.rows() == 4);
  const int32_t placeholder = b.classes.Find(kNegativePlaceholderKey);
  REQUIRE(placeholder >= 0);
  // 0.7 ≥ 0.5: positive, right.
  CHECK(Spelling(b, b.pred[0]) == "1");
  CHECK(b.correct(0));
  CHECK_THAT(b.confidence[0], WithinAbs(0.7, 1e-15));
  // Exactly the threshold counts as positive.
  CHECK(Spelling(b, b.pred[1]) == "1");
  CHECK_FALSE(b.correct(1));
  CHECK_THAT(b.confidence[1], WithinAbs(0.5, 1e-15));
  // Negative prediction of a positive label: the placeholder class.
  CHECK(b.pred[2] == placeholder);
  CHECK_FALSE(b.correct(2));
  CHECK_THAT(b.confidence[2], WithinAbs(0.8, 1e-15));
  // Negative prediction of a negative label: right.
  CHECK(b.correct(3));
  CHECK(Spelling(b, b.pred[3]) == "0");
  CHECK_THAT(b.confidence[3], WithinAbs(0.9, 1e-15));
}

TEST_CASE("Threshold mode with --negative predicts that class", "[decode]") {
  PredictionBatch b =
      DecodeScores({{"1", "0.2"}, {"0", "0.3"}, {"0", "0.6"}}, "0");
  REQUIRE(b.rows() == 3);
  CHECK(b.classes.Find(kNegativePlaceholderKey) == -1);
  CHECK(b.classes.Find("#0") == b.pred[0]);
  CHECK_FALSE(b.correct(0));
  CHECK(b.correct(1));
  CHECK(Spelling(b, b.pred[2]) == "1");
}

TEST_CASE("Threshold mode: a bad score is an error", "[decode]") {
  CHECK_THAT(DecodeError({"label", "score"}, {{"1", "x"}}),
             Contains("column 'score' (field 2): expected a score"));
}

TEST_CASE("LineTally keeps the first lines and merges the smallest",
          "[decode]") {
  LineTally a;
  for (int64_t line : {4, 9, 12}) a.Add(line);
  LineTally b;
  for (int64_t line : {1, 5, 6, 20, 30, 31, 32}) b.Add(line);
  CHECK(b.count == 7);
  CHECK(b.first_lines == std::vector<int64_t>{1, 5, 6, 20, 30});

  a.Merge(b);
  CHECK(a.count == 10);
  CHECK(a.first_lines == std::vector<int64_t>{1, 4, 5, 6, 9});

  LineTally before = a;
  a.Merge(LineTally());
  CHECK(a.count == before.count);
  CHECK(a.first_lines == before.first_lines);
}

TEST_CASE("A batch decoded again holds only the new rows", "[decode]") {
  // The pipeline reuses a chunk's batch for a later chunk (its buffers keep
  // their capacity): nothing of the first decode may show in the second.
  const Strings names = {"id", "label", "pred", "p_a", "p_b", "f"};
  ColumnOptions options;
  options.id = "id";
  ColumnMapping mapping;
  REQUIRE(ResolveColumns(names, options, &mapping).ok());
  auto raw_of = [&](const Cells& rows, std::deque<std::string>* text) {
    RawBatch raw;
    raw.num_columns = names.size();
    for (size_t r = 0; r < rows.size(); ++r) {
      for (const std::string& cell : rows[r]) {
        text->push_back(cell);
        raw.cells.emplace_back(text->back());
      }
      raw.lines.push_back(static_cast<int64_t>(r) + 2);
    }
    return raw;
  };
  std::deque<std::string> text;
  // Classes a, b, c; a skipped row; probabilities far from summing to 1.
  const RawBatch first = raw_of({{"1", "c", "c", "0.5", "0.1", "x"},
                                 {"2", "", "a", "0.5", "0.5", "y"},
                                 {"3", "a", "b", "0.9", "0.9", "z"}},
                                &text);
  const RawBatch second = raw_of({{"7", "b", "b", "0.2", "0.8", "w"}}, &text);
  Status status;
  PredictionBatch reused, fresh;
  REQUIRE(DecodeBatch(first, mapping, names, "in.csv", {}, &reused, &status));
  REQUIRE(reused.skipped.count == 1);
  REQUIRE(reused.proba_sum_off.count == 2);
  REQUIRE(DecodeBatch(second, mapping, names, "in.csv", {}, &reused, &status));
  REQUIRE(DecodeBatch(second, mapping, names, "in.csv", {}, &fresh, &status));
  CHECK(reused.classes.size() == fresh.classes.size());
  for (size_t i = 0; i < fresh.classes.size(); ++i) {
    CHECK(reused.classes[i].key == fresh.classes[i].key);
    CHECK(reused.classes[i].first_seen == fresh.classes[i].first_seen);
  }
  CHECK(reused.label == fresh.label);
  CHECK(reused.pred == fresh.pred);
  CHECK(reused.probabilities == fresh.probabilities);
  CHECK(reused.proba_class_ids == fresh.proba_class_ids);
  CHECK(reused.row_number == fresh.row_number);
  CHECK(reused.line == fresh.line);
  CHECK(reused.rows() == 1);
  CHECK(reused.feature_stride == fresh.feature_stride);
  CHECK(reused.num_features == fresh.num_features);
  CHECK(reused.feature(0, 0) == "w");
  CHECK(reused.id_cells == fresh.id_cells);
  CHECK(reused.rows_read == 1);
  CHECK(reused.skipped.count == 0);
  CHECK(reused.skipped.first_lines.empty());
  CHECK(reused.proba_sum_off.count == 0);
  CHECK(reused.pred_not_in_probabilities.count == 0);
}

}  // namespace
}  // namespace errscope
