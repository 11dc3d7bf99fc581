// --where conditions: a tiny grammar, FIELD OP VALUE, with no precedence to
// get wrong (several conditions are ANDed by repeating --where).
#include "errscope/row_filter.h"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <utility>

#include "errscope/class_index.h"

namespace errscope {
namespace {

using Field = RowCondition::Field;
using Op = RowCondition::Op;

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_';
}

// Longest operators first, so that "<=" is not read as "<" then "=5".
constexpr std::array<std::pair<std::string_view, Op>, 7> kOperators = {{
    {"==", Op::kEqual},
    {"!=", Op::kNotEqual},
    {"<=", Op::kLessEqual},
    {">=", Op::kGreaterEqual},
    {"=", Op::kEqual},
    {"<", Op::kLess},
    {">", Op::kGreater},
}};

Status Bad(std::string_view expression, std::string_view why) {
  return Status::Error(fmt::format("--where '{}': {}", expression, why));
}

/// The class text of a label/pred condition, unquoted.
bool ClassValue(std::string_view value, std::string* out) {
  if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') &&
      value.back() == value.front()) {
    value = value.substr(1, value.size() - 2);
  }
  if (value.empty()) return false;
  out->assign(value);
  return true;
}

}  // namespace

Status ParseRowCondition(std::string_view expression, RowCondition* out) {
  std::string_view rest = Trim(expression);
  size_t name_end = 0;
  while (name_end < rest.size() && IsNameChar(rest[name_end])) ++name_end;
  std::string_view name = rest.substr(0, name_end);
  RowCondition c;
  if (name == "confidence") {
    c.field = Field::kConfidence;
  } else if (name == "label") {
    c.field = Field::kLabel;
  } else if (name == "pred") {
    c.field = Field::kPred;
  } else {
    return Bad(expression,
               name.empty()
                   ? std::string("expected FIELD OP VALUE, where FIELD is "
                                 "confidence, label or pred")
                   : fmt::format("unknown field '{}': expected confidence, "
                                 "label or pred",
                                 name));
  }
  rest = Trim(rest.substr(name_end));
  bool found = false;
  for (const auto& [text, op] : kOperators) {
    if (rest.substr(0, text.size()) == text) {
      c.op = op;
      rest = Trim(rest.substr(text.size()));
      found = true;
      break;
    }
  }
  if (!found) {
    return Bad(expression,
               c.field == Field::kConfidence
                   ? fmt::format("expected an operator after '{}': < <= > "
                                 ">= == !=",
                                 name)
                   : fmt::format("expected == or != after '{}'", name));
  }
  if (c.field == Field::kConfidence) {
    if (!ParseNumber(rest, &c.number) || !std::isfinite(c.number)) {
      return Bad(expression,
                 rest.empty()
                     ? std::string("expected a number after the "
                                   "operator, as in confidence<0.5")
                     : fmt::format("expected a number, got '{}'", rest));
    }
  } else {
    if (c.op != Op::kEqual && c.op != Op::kNotEqual) {
      return Bad(
          expression,
          fmt::format("{} compares classes: only == and != apply", name));
    }
    std::string value;
    if (!ClassValue(rest, &value)) {
      return Bad(expression,
                 fmt::format("expected a class after the operator, as in "
                             "{}==cat",
                             name));
    }
    bool numeric = false;
    double number = 0;
    c.class_key = ClassKey(value, &numeric, &number);
  }
  *out = std::move(c);
  return Status::Ok();
}

bool Satisfies(const RowCondition& c, const FilterRow& row) {
  if (c.field != Field::kConfidence) {
    bool equal = (c.field == Field::kLabel ? row.label_key : row.pred_key) ==
                 c.class_key;
    return c.op == Op::kEqual ? equal : !equal;
  }
  const double x = row.confidence;
  if (std::isnan(x)) return false;
  switch (c.op) {
    case Op::kLess:
      return x < c.number;
    case Op::kLessEqual:
      return x <= c.number;
    case Op::kGreater:
      return x > c.number;
    case Op::kGreaterEqual:
      return x >= c.number;
    case Op::kEqual:
      return x == c.number;
    case Op::kNotEqual:
      return x != c.number;
  }
  return false;
}

Status RowFilter::Parse(const std::vector<std::string>& expressions,
                        RowFilter* out) {
  RowFilter filter;
  for (const std::string& expression : expressions) {
    RowCondition c;
    Status status = ParseRowCondition(expression, &c);
    if (!status.ok()) return status;
    filter.conditions_.push_back(std::move(c));
  }
  *out = std::move(filter);
  return Status::Ok();
}

bool RowFilter::Matches(const FilterRow& row) const {
  for (const RowCondition& c : conditions_) {
    if (!Satisfies(c, row)) return false;
  }
  return true;
}

}  // namespace errscope
