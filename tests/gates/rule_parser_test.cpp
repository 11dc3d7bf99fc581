// The rule grammar of `errscope check` (docs/gates.md): good rules, bad
// rules with the column of the mistake, and rules files.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "errscope/gates.h"

namespace errscope {
namespace {

using Catch::Matchers::Contains;

Rule Parsed(const std::string& text) {
  Rule rule;
  const Status s = ParseRule(text, &rule);
  INFO(text << ": " << s.message());
  REQUIRE(s.ok());
  return rule;
}

std::string ParseError(const std::string& text) {
  Rule rule;
  const Status s = ParseRule(text, &rule);
  INFO(text);
  REQUIRE_FALSE(s.ok());
  return s.message();
}

TEST_CASE("rules: the issue's examples parse", "[gates]") {
  struct Case {
    const char* text;
    const char* metric;
    Comparison op;
    double threshold;
  };
  const Case cases[] = {
      {"accuracy >= 0.85", "accuracy", Comparison::kGreaterEqual, 0.85},
      {"macro.f1 >= 0.8", "macro.f1", Comparison::kGreaterEqual, 0.8},
      {"recall[>50K] >= 0.6", "recall[>50K]", Comparison::kGreaterEqual, 0.6},
      {"ece <= 0.05", "ece", Comparison::kLessEqual, 0.05},
      {"slice[sex=Female].error_rate <= 0.2", "slice[sex=Female].error_rate",
       Comparison::kLessEqual, 0.2},
      {"slices.max_error_rate <= 0.35", "slices.max_error_rate",
       Comparison::kLessEqual, 0.35},
      {"high_confidence_errors <= 100", "high_confidence_errors",
       Comparison::kLessEqual, 100},
      // Every operator, blanks optional, signs and exponents.
      {"mcc>0", "mcc", Comparison::kGreater, 0},
      {"  errors < 1e3  ", "errors", Comparison::kLess, 1000},
      {"rows == 32561", "rows", Comparison::kEqual, 32561},
      {"rows_skipped != +0", "rows_skipped", Comparison::kNotEqual, 0},
      {"cohen_kappa>=-0.5", "cohen_kappa", Comparison::kGreaterEqual, -0.5},
      {"log_loss\t<=\t.7", "log_loss", Comparison::kLessEqual, 0.7},
  };
  for (const Case& c : cases) {
    const Rule rule = Parsed(c.text);
    CHECK(rule.metric == c.metric);
    CHECK(rule.op == c.op);
    CHECK(rule.threshold == c.threshold);
  }
  CHECK(Parsed("  ece <= 0.05 ").text == "ece <= 0.05");
}

TEST_CASE("rules: keys may hold operators, brackets, blanks and dots",
          "[gates]") {
  Rule r = Parsed("recall[<=50K]>=0.9");
  REQUIRE(r.path.size() == 1);
  CHECK(r.path[0].name == "recall");
  CHECK(r.path[0].key == "<=50K");

  r = Parsed("slice[age=[17, 26)].error_rate < 0.1");
  REQUIRE(r.path.size() == 2);
  CHECK(r.path[0].key == "age=[17, 26)");
  CHECK(r.path[1].name == "error_rate");
  CHECK_FALSE(r.path[1].key.has_value());

  r = Parsed("slice[native-country=United-States].rows > 1");
  CHECK(r.path[0].key == "native-country=United-States");

  // A ']' inside a key ends it only where the path could go on.
  r = Parsed("f1[a]b] >= 0.5");
  CHECK(r.path[0].key == "a]b");

  // Quoted keys hold anything, with \" and \\ escapes.
  r = Parsed(R"(recall["a]. b"] >= 0.5)");
  CHECK(r.path[0].key == "a]. b");
  r = Parsed(R"(recall["say \"hi\" \\ bye"] >= 0.5)");
  CHECK(r.path[0].key == R"(say "hi" \ bye)");
  r = Parsed("slice[\"city=São Paulo 🚀\"].error_rate <= 1");
  CHECK(r.path[0].key == "city=São Paulo 🚀");
}

TEST_CASE("rules: mistakes name the column and what was expected",
          "[gates]") {
  CHECK_THAT(ParseError(""), Contains("expected a rule such as"));
  CHECK_THAT(ParseError("accuracy"),
             Contains("column 9: expected a comparison"));
  CHECK_THAT(ParseError("accuracy = 0.8"),
             Contains("column 10: expected a comparison; use '==' for "
                      "equality"));
  CHECK_THAT(ParseError("accuracy => 0.8"),
             Contains("column 10: expected a comparison; did you mean '>='?"));
  CHECK_THAT(ParseError("accuracy ~ 0.8"),
             Contains("column 10: expected a comparison (<, <=, >, >=, ==, "
                      "!=), got '~ 0.8'"));
  CHECK_THAT(ParseError("accuracy >= "),
             Contains("column 12: expected a number after the comparison"));
  CHECK_THAT(ParseError("accuracy >= x"),
             Contains("column 13: expected a number, got 'x'"));
  CHECK_THAT(ParseError("accuracy >= 0.8.1"),
             Contains("expected a number, got '0.8.1'"));
  CHECK_THAT(ParseError("accuracy >= 85%"),
             Contains("expected a number, got '85%'"));
  CHECK_THAT(ParseError("accuracy >= nan"), Contains("expected a number"));
  CHECK_THAT(ParseError("accuracy >= inf"), Contains("expected a number"));
  CHECK_THAT(ParseError("accuracy >= 0.8 0.9"),
             Contains("column 17: unexpected '0.9' after the number"));
  CHECK_THAT(ParseError(">= 0.8"),
             Contains("column 1: expected a metric name, got '>'"));
  CHECK_THAT(ParseError("macro. >= 1"), Contains("column 7: expected a metric"));
  CHECK_THAT(ParseError("recall[>50K >= 1"),
             Contains("column 8: '[' without a matching ']'"));
  CHECK_THAT(ParseError("recall[] >= 1"), Contains("empty key in '[]'"));
  CHECK_THAT(ParseError("recall[\"a] >= 1"),
             Contains("unterminated '\"' in the key"));
  CHECK_THAT(ParseError("recall[\"a\"x] >= 1"),
             Contains("expected ']' after the quoted key"));
  // The message quotes the rule.
  CHECK_THAT(ParseError("acc >= y"), Contains("rule 'acc >= y': column 8"));
}

TEST_CASE("rules files: JSON with rules, tolerance and alpha", "[gates]") {
  RulesFile file;
  Status s = ParseRulesFile(
      "gates.json",
      R"({"rules": ["accuracy >= 0.85", "recall[>50K] >= 0.6"],
          "tolerance": 0.01, "alpha": 0.01})",
      &file);
  REQUIRE(s.ok());
  REQUIRE(file.rules.size() == 2);
  CHECK(file.rules[1].metric == "recall[>50K]");
  CHECK(file.tolerance == 0.01);
  CHECK(file.alpha == 0.01);

  REQUIRE(ParseRulesFile("g.json", R"({"rules": []})", &file).ok());
  CHECK(file.rules.empty());
  CHECK_FALSE(file.tolerance.has_value());
}

TEST_CASE("rules files: mistakes name the file, line and column", "[gates]") {
  auto error = [](const std::string& text) {
    RulesFile file;
    const Status s = ParseRulesFile("gates.json", text, &file);
    INFO(text);
    REQUIRE_FALSE(s.ok());
    return s.message();
  };
  CHECK_THAT(error("{\"rules\": [\n  \"accuracy >= 0.8\",\n  ]\n}"),
             Contains("gates.json:3:3: not valid JSON"));
  CHECK_THAT(error(""), Contains("gates.json:1:1: not valid JSON"));
  // Found by fuzz_rules: a number beyond the double range threw out of the
  // parser (nlohmann's out_of_range, not a parse_error).
  CHECK_THAT(error("11111102e1006? }"),
             Contains("gates.json: not valid JSON: number overflow"));
  CHECK_THAT(error(R"({"rules": [], "alpha": 1e400})"),
             Contains("gates.json: not valid JSON: number overflow"));
  CHECK_THAT(error("[\"accuracy >= 0.8\"]"), Contains("expected a JSON object"));
  CHECK_THAT(error("{}"), Contains("gates.json: no \"rules\" array"));
  CHECK_THAT(error(R"({"rules": "accuracy >= 0.8"})"),
             Contains("\"rules\" must be an array of strings"));
  CHECK_THAT(error(R"({"rules": [0.8]})"),
             Contains("\"rules\"[0]: expected a string"));
  CHECK_THAT(error(R"({"rules": ["ok >= 1", "accuracy = 1"]})"),
             Contains("\"rules\"[1]: rule 'accuracy = 1': column 10"));
  CHECK_THAT(error(R"({"rules": [], "tolerence": 0.01})"),
             Contains("unknown key \"tolerence\""));
  CHECK_THAT(error(R"({"rules": [], "alpha": 0})"),
             Contains("\"alpha\" must be in (0, 1), got 0"));
  CHECK_THAT(error(R"({"rules": [], "tolerance": "0.1"})"),
             Contains("\"tolerance\" must be a number"));
  CHECK_THAT(error(R"({"rules": [], "tolerance": 2})"),
             Contains("\"tolerance\" must be in [0, 1], got 2"));
}

}  // namespace
}  // namespace errscope
