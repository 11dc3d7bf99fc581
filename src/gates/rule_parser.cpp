// CI gate rules: "metric op number", one per --rule or per entry of a rules
// file. Errors point at the column where the rule stops making sense.
#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>

#include "errscope/gates.h"

namespace errscope {

const char* ComparisonText(Comparison op) {
  switch (op) {
    case Comparison::kLess: return "<";
    case Comparison::kLessEqual: return "<=";
    case Comparison::kGreater: return ">";
    case Comparison::kGreaterEqual: return ">=";
    case Comparison::kEqual: return "==";
    case Comparison::kNotEqual: return "!=";
  }
  return "?";
}

namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' ||
         c == '-';
}
bool IsOperatorChar(char c) {
  return c == '<' || c == '>' || c == '=' || c == '!';
}

/// A cursor over one rule's text, with errors that say where.
class RuleScanner {
 public:
  explicit RuleScanner(std::string_view text) : text_(text) {}

  Status Parse(Rule* rule) {
    SkipBlanks();
    if (AtEnd()) return Fail("expected a rule such as 'accuracy >= 0.9'");
    Status s = ParsePath(&rule->path);
    if (!s.ok()) return s;
    SkipBlanks();
    s = ParseOperator(&rule->op);
    if (!s.ok()) return s;
    SkipBlanks();
    s = ParseNumber(&rule->threshold);
    if (!s.ok()) return s;
    SkipBlanks();
    if (!AtEnd()) {
      return Fail(fmt::format("unexpected '{}' after the number",
                              text_.substr(pos_)));
    }
    return Status::Ok();
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  void SkipBlanks() {
    while (!AtEnd() && IsBlank(text_[pos_])) ++pos_;
  }
  Status Fail(const std::string& what) const {
    return Status::Error(
        fmt::format("rule '{}': column {}: {}", text_, pos_ + 1, what));
  }

  Status ParsePath(std::vector<PathSegment>* path) {
    while (true) {
      PathSegment segment;
      const size_t start = pos_;
      while (!AtEnd() && IsNameChar(Peek())) ++pos_;
      if (pos_ == start) {
        return Fail(AtEnd() ? "expected a metric name"
                            : fmt::format("expected a metric name, got '{}'",
                                          Peek()));
      }
      segment.name = std::string(text_.substr(start, pos_ - start));
      if (Peek() == '[') {
        ++pos_;
        std::string key;
        Status s = Peek() == '"' ? ParseQuotedKey(&key) : ParseBareKey(&key);
        if (!s.ok()) return s;
        segment.key = std::move(key);
      }
      path->push_back(std::move(segment));
      if (Peek() != '.') return Status::Ok();
      ++pos_;
    }
  }

  /// Up to the first ']' followed by '.', a blank, an operator or the end.
  Status ParseBareKey(std::string* key) {
    const size_t start = pos_;
    for (; !AtEnd(); ++pos_) {
      if (text_[pos_] != ']') continue;
      const char next = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
      if (next == '\0' || next == '.' || IsBlank(next) ||
          IsOperatorChar(next)) {
        *key = std::string(text_.substr(start, pos_ - start));
        ++pos_;
        if (key->empty()) {
          pos_ = start;
          return Fail("empty key in '[]'");
        }
        return Status::Ok();
      }
    }
    pos_ = start;
    return Fail("'[' without a matching ']'");
  }

  Status ParseQuotedKey(std::string* key) {
    const size_t start = pos_;
    ++pos_;  // the opening quote
    for (; !AtEnd(); ++pos_) {
      const char c = text_[pos_];
      if (c == '\\' && pos_ + 1 < text_.size()) {
        key->push_back(text_[++pos_]);
      } else if (c == '"') {
        ++pos_;
        if (Peek() != ']') return Fail("expected ']' after the quoted key");
        ++pos_;
        return Status::Ok();
      } else {
        key->push_back(c);
      }
    }
    pos_ = start;
    return Fail("unterminated '\"' in the key");
  }

  Status ParseOperator(Comparison* op) {
    const std::string_view rest = text_.substr(pos_);
    struct Spelling {
      std::string_view text;
      Comparison op;
    };
    // Two-character operators first, so that "<=" is not read as "<".
    static constexpr Spelling kSpellings[] = {
        {"<=", Comparison::kLessEqual}, {">=", Comparison::kGreaterEqual},
        {"==", Comparison::kEqual},     {"!=", Comparison::kNotEqual},
        {"<", Comparison::kLess},       {">", Comparison::kGreater}};
    for (const Spelling& s : kSpellings) {
      if (rest.substr(0, s.text.size()) == s.text) {
        *op = s.op;
        pos_ += s.text.size();
        return Status::Ok();
      }
    }
    if (rest.substr(0, 2) == "=>" || rest.substr(0, 2) == "=<") {
      return Fail(fmt::format("expected a comparison; did you mean '{}='?",
                              rest[1]));
    }
    if (!rest.empty() && rest[0] == '=') {
      return Fail("expected a comparison; use '==' for equality");
    }
    return Fail(AtEnd() ? "expected a comparison (<, <=, >, >=, ==, !=) and a "
                          "number after the metric"
                        : fmt::format("expected a comparison (<, <=, >, >=, "
                                      "==, !=), got '{}'",
                                      rest));
  }

  Status ParseNumber(double* value) {
    const size_t start = pos_;
    while (!AtEnd() && !IsBlank(Peek())) ++pos_;
    const std::string_view token = text_.substr(start, pos_ - start);
    pos_ = start;
    if (token.empty()) return Fail("expected a number after the comparison");
    const char* first = token.data();
    if (*first == '+') ++first;  // from_chars takes no '+'
    auto [end, ec] = std::from_chars(first, token.data() + token.size(), *value);
    if (ec != std::errc() || end != token.data() + token.size() ||
        !std::isfinite(*value)) {
      return Fail(fmt::format("expected a number, got '{}'", token));
    }
    pos_ = start + token.size();
    return Status::Ok();
  }

  std::string_view text_;
  size_t pos_ = 0;
};

std::string CanonicalPath(const std::vector<PathSegment>& path) {
  std::string out;
  for (const PathSegment& s : path) {
    if (!out.empty()) out += '.';
    out += s.name;
    if (s.key) out += "[" + *s.key + "]";
  }
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsBlank(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsBlank(text.back())) text.remove_suffix(1);
  return text;
}

/// 1-based line and column of byte `offset` in `text`.
std::pair<int64_t, int64_t> LineAndColumn(std::string_view text,
                                          size_t offset) {
  int64_t line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

}  // namespace

Status ParseRule(std::string_view text, Rule* rule) {
  *rule = Rule();
  const std::string_view trimmed = Trim(text);
  rule->text = std::string(trimmed);
  Status s = RuleScanner(trimmed).Parse(rule);
  if (!s.ok()) return s;
  rule->metric = CanonicalPath(rule->path);
  return Status::Ok();
}

Status ParseRulesFile(const std::string& path, std::string_view text,
                      RulesFile* file) {
  *file = RulesFile();
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based and points just past the offending character.
    const auto [line, column] =
        LineAndColumn(text, e.byte > 0 ? e.byte - 1 : 0);
    std::string why = e.what();
    if (const size_t colon = why.rfind(": "); colon != std::string::npos) {
      why = why.substr(colon + 2);  // drop nlohmann's own prefix
    }
    return Status::Error(Where(path, line, column) +
                         "not valid JSON: " + why);
  } catch (const nlohmann::json::exception& e) {
    // A number out of the double range (1e400) is not a parse_error.
    std::string why = e.what();
    if (const size_t colon = why.rfind("] "); colon != std::string::npos) {
      why = why.substr(colon + 2);
    }
    return Status::Error(fmt::format("{}: not valid JSON: {}", path, why));
  }
  auto bad = [&](const std::string& what) {
    return Status::Error(fmt::format("{}: {}", path, what));
  };
  if (!doc.is_object()) {
    return bad("expected a JSON object such as {\"rules\": [\"accuracy >= "
               "0.9\"]}");
  }
  for (const auto& [key, value] : doc.items()) {
    if (key == "rules") {
      if (!value.is_array()) return bad("\"rules\" must be an array of strings");
      for (size_t i = 0; i < value.size(); ++i) {
        if (!value[i].is_string()) {
          return bad(fmt::format("\"rules\"[{}]: expected a string such as "
                                 "\"accuracy >= 0.9\", got {}",
                                 i, value[i].dump()));
        }
        Rule rule;
        Status s = ParseRule(value[i].get<std::string>(), &rule);
        if (!s.ok()) {
          return bad(fmt::format("\"rules\"[{}]: {}", i, s.message()));
        }
        file->rules.push_back(std::move(rule));
      }
    } else if (key == "tolerance" || key == "alpha") {
      if (!value.is_number()) {
        return bad(fmt::format("\"{}\" must be a number, got {}", key,
                               value.dump()));
      }
      const double v = value.get<double>();
      const bool ok = key == "alpha" ? v > 0 && v < 1 : v >= 0 && v <= 1;
      if (!ok) {
        return bad(fmt::format("\"{}\" must be in {}, got {}", key,
                               key == "alpha" ? "(0, 1)" : "[0, 1]", v));
      }
      (key == "alpha" ? file->alpha : file->tolerance) = v;
    } else {
      return bad(fmt::format(
          "unknown key \"{}\" (the keys are \"rules\", \"tolerance\" and "
          "\"alpha\")",
          key));
    }
  }
  if (!doc.contains("rules")) return bad("no \"rules\" array");
  return Status::Ok();
}

}  // namespace errscope
