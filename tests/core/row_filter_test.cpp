// --where conditions: the grammar (good and bad expressions) and how rows
// are matched (class identity, missing confidence, AND).
#include "errscope/row_filter.h"

#include <catch2/catch.hpp>
#include <limits>
#include <string>
#include <vector>

#include "errscope/class_index.h"

namespace errscope {
namespace {

using Catch::Matchers::Contains;
using Field = RowCondition::Field;
using Op = RowCondition::Op;

constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

RowCondition ParseOk(const std::string& expression) {
  RowCondition c;
  Status status = ParseRowCondition(expression, &c);
  INFO(expression << ": " << status.message());
  REQUIRE(status.ok());
  return c;
}

std::string ParseError(const std::string& expression) {
  RowCondition c;
  Status status = ParseRowCondition(expression, &c);
  INFO(expression);
  REQUIRE_FALSE(status.ok());
  return status.message();
}

std::string Key(const std::string& spelling) {
  bool numeric = false;
  double value = 0;
  return ClassKey(spelling, &numeric, &value);
}

/// A row as the errors command sees it: identity keys and a confidence.
struct Row {
  std::string label_key;
  std::string pred_key;
  double confidence;
  Row(const std::string& label, const std::string& pred, double c)
      : label_key(Key(label)), pred_key(Key(pred)), confidence(c) {}
  FilterRow view() const { return {label_key, pred_key, confidence}; }
};

bool Matches(const std::string& expression, const Row& row) {
  return Satisfies(ParseOk(expression), row.view());
}

TEST_CASE("row filter: confidence conditions parse with every operator",
          "[row_filter]") {
  struct Case {
    const char* text;
    Op op;
    double number;
  };
  const Case cases[] = {
      {"confidence<0.5", Op::kLess, 0.5},
      {"confidence <= 0.5", Op::kLessEqual, 0.5},
      {"confidence>0.9", Op::kGreater, 0.9},
      {" confidence >= 1e-3 ", Op::kGreaterEqual, 0.001},
      {"confidence==1", Op::kEqual, 1},
      {"confidence=0.25", Op::kEqual, 0.25},
      {"confidence!=0", Op::kNotEqual, 0},
  };
  for (const Case& c : cases) {
    RowCondition parsed = ParseOk(c.text);
    CHECK(parsed.field == Field::kConfidence);
    CHECK(parsed.op == c.op);
    CHECK(parsed.number == c.number);
  }
}

TEST_CASE(
    "row filter: class conditions keep the class text after the "
    "operator",
    "[row_filter]") {
  RowCondition label = ParseOk("label==cat");
  CHECK(label.field == Field::kLabel);
  CHECK(label.op == Op::kEqual);
  CHECK(label.class_key == Key("cat"));
  RowCondition pred = ParseOk("pred != dog");
  CHECK(pred.field == Field::kPred);
  CHECK(pred.op == Op::kNotEqual);
  CHECK(pred.class_key == Key("dog"));
  // Classes may themselves contain operator characters (adult's "<=50K").
  CHECK(ParseOk("label==<=50K").class_key == Key("<=50K"));
  CHECK(ParseOk("label=<=50K").class_key == Key("<=50K"));
  CHECK(ParseOk("pred!=>50K").class_key == Key(">50K"));
  // Quotes keep spaces and are removed.
  CHECK(ParseOk("label == 'New York'").class_key == Key("New York"));
  CHECK(ParseOk("label==\" a \"").class_key == Key(" a "));
  // Numbers are classes by value.
  CHECK(ParseOk("label==1.0").class_key == Key("1"));
}

TEST_CASE("row filter: bad expressions say what was expected", "[row_filter]") {
  CHECK_THAT(ParseError(""), Contains("expected FIELD OP VALUE"));
  CHECK_THAT(ParseError("<0.5"), Contains("confidence, label or pred"));
  CHECK_THAT(ParseError("score<0.5"),
             Contains("unknown field 'score': expected confidence, label or "
                      "pred"));
  CHECK_THAT(ParseError("Confidence<0.5"), Contains("unknown field"));
  CHECK_THAT(ParseError("confidence"),
             Contains("expected an operator after 'confidence'"));
  CHECK_THAT(ParseError("confidence ~ 0.5"), Contains("< <= > >= == !="));
  CHECK_THAT(ParseError("confidence<"), Contains("expected a number"));
  CHECK_THAT(ParseError("confidence<high"),
             Contains("expected a number, got 'high'"));
  CHECK_THAT(ParseError("confidence<0.5x"), Contains("got '0.5x'"));
  CHECK_THAT(ParseError("confidence<nan"), Contains("expected a number"));
  CHECK_THAT(ParseError("confidence<=<0.5"), Contains("expected a number"));
  CHECK_THAT(ParseError("label<cat"),
             Contains("label compares classes: only == and != apply"));
  CHECK_THAT(ParseError("pred>=1"), Contains("only == and != apply"));
  CHECK_THAT(ParseError("label"), Contains("expected == or != after 'label'"));
  CHECK_THAT(ParseError("label=="), Contains("expected a class"));
  CHECK_THAT(ParseError("pred == ''"), Contains("expected a class"));
  // Every message quotes the expression it is about.
  CHECK_THAT(ParseError("pred ~ cat"), Contains("--where 'pred ~ cat'"));
}

TEST_CASE("row filter: classes compare by identity, numbers by value",
          "[row_filter]") {
  const Row row("1.0", "0", 0.7);
  CHECK(Matches("label==1", row));
  CHECK(Matches("label==1.00", row));
  CHECK(Matches("label=\"1\"", row));
  CHECK_FALSE(Matches("label!=1", row));
  CHECK(Matches("pred==0.0", row));
  CHECK(Matches("pred==-0", row));
  CHECK_FALSE(Matches("pred==1", row));
  // Text classes compare exactly, case included.
  const Row text("Cat", "dog", 0.7);
  CHECK(Matches("label==Cat", text));
  CHECK_FALSE(Matches("label==cat", text));
  CHECK(Matches("label!=cat", text));
  CHECK(Matches("pred==dog", text));
}

TEST_CASE("row filter: confidence comparisons, and rows without one",
          "[row_filter]") {
  const Row row("a", "b", 0.5);
  CHECK(Matches("confidence<=0.5", row));
  CHECK(Matches("confidence>=0.5", row));
  CHECK(Matches("confidence==0.5", row));
  CHECK_FALSE(Matches("confidence<0.5", row));
  CHECK_FALSE(Matches("confidence>0.5", row));
  CHECK_FALSE(Matches("confidence!=0.5", row));
  CHECK(Matches("confidence!=0.4", row));
  // No confidence: no confidence condition holds, not even !=.
  const Row none("a", "b", kNone);
  for (const char* e : {"confidence<1", "confidence>=0", "confidence!=0.5",
                        "confidence==0.5"}) {
    INFO(e);
    CHECK_FALSE(Matches(e, none));
  }
  CHECK(Matches("label==a", none));
}

TEST_CASE("row filter: conditions are ANDed; none matches everything",
          "[row_filter]") {
  RowFilter empty;
  REQUIRE(RowFilter::Parse({}, &empty).ok());
  CHECK(empty.empty());
  const Row row("cat", "dog", 0.95);
  CHECK(empty.Matches(row.view()));

  RowFilter filter;
  REQUIRE(RowFilter::Parse({"label==cat", "confidence>=0.9"}, &filter).ok());
  CHECK(filter.conditions().size() == 2);
  CHECK(filter.Matches(row.view()));
  CHECK_FALSE(filter.Matches(Row("cat", "dog", 0.8).view()));
  CHECK_FALSE(filter.Matches(Row("fox", "dog", 0.95).view()));

  // A bad expression fails the whole list and leaves the filter alone.
  Status status = RowFilter::Parse({"label==fox", "confidence~1"}, &filter);
  CHECK_FALSE(status.ok());
  CHECK_THAT(status.message(), Contains("confidence~1"));
  CHECK(filter.conditions().size() == 2);
}

}  // namespace
}  // namespace errscope
