// What `errscope check` decided, as text, JSON and JUnit XML (the Markdown
// form is in check_markdown.cpp). Writers know nothing of how the verdicts
// were reached.
#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "errscope/gate_report.h"
#include "errscope/version.h"
#include "report/check_format.h"
#include "report/text_table.h"

namespace errscope {

std::string FormatMetricValue(double v) {
  if (std::isnan(v)) return "n/a";
  if (v == std::floor(v) && std::abs(v) < 1e15) {
    return fmt::format("{}", static_cast<long long>(v));
  }
  if (std::abs(v) >= 1e-3) return fmt::format("{:.4f}", v);
  return fmt::format("{:.3g}", v);
}

std::string FormatDelta(double v) {
  if (v == 0) return "0";
  // fmt, not "+" + string: g++ 12 warns falsely (-Wrestrict) on the latter.
  return fmt::format("{}{}", v > 0 ? "+" : "", FormatMetricValue(v));
}

std::string FormatPValue(double p) {
  if (p >= 0.001) return fmt::format("{:.3f}", p);
  if (p < 1e-300) return "<1e-300";  // 0 after underflow
  return fmt::format("{:.1e}", p);
}

std::string RuleValueText(const RuleResult& r) {
  if (!r.value.value) return "undefined";
  std::string text = FormatMetricValue(*r.value.value);
  if (!r.value.where.empty()) text += " (" + r.value.where + ")";
  return text;
}

std::string CheckSummaryLine(const CheckOutcome& o) {
  std::vector<std::string> parts;
  if (!o.rules.empty()) {
    parts.push_back(fmt::format("{} of {} rule{} failed", o.failed_rules(),
                                o.rules.size(), o.rules.size() == 1 ? "" : "s"));
  }
  if (o.baseline) {
    parts.push_back(fmt::format(
        "{} regression{} and {} improvement{} against the baseline",
        o.baseline->regressions, o.baseline->regressions == 1 ? "" : "s",
        o.baseline->improvements, o.baseline->improvements == 1 ? "" : "s"));
  }
  std::string line;
  for (const std::string& p : parts) line += (line.empty() ? "" : ", ") + p;
  return line;
}

namespace {

using Align = TextTable::Align;
using Cell = TextTable::Cell;

std::string RulesText(const CheckOutcome& o, bool color) {
  if (o.rules.empty()) return "";
  TextTable table({Align::kLeft, Align::kLeft, Align::kRight, Align::kLeft});
  for (const RuleResult& r : o.rules) {
    table.AddRow({{r.passed ? "PASS" : "FAIL",
                   r.passed ? Style::kGood : Style::kBad},
                  {r.rule.text},
                  {r.value.value ? FormatMetricValue(*r.value.value)
                                 : "undefined"},
                  {r.value.where, Style::kDim}});
  }
  return Heading("Rules", color) + table.Render(color);
}

nlohmann::ordered_json OptionalNumber(const std::optional<double>& v) {
  if (!v || !std::isfinite(*v)) return nullptr;
  return *v;
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  for (char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t' && ch != '\n' &&
            ch != '\r') {
          out += "\xEF\xBF\xBD";
        } else {
          out += ch;
        }
    }
  }
  return out;
}

std::string ComparisonsText(const BaselineResult& b,
                            const BaselineOptions& options,
                            const std::string& title, bool color) {
  std::string out = Heading(
      fmt::format("{} (alpha {}, tolerance {}, Holm over {} tests)", title,
                  options.alpha, options.tolerance, b.tests),
      color);
  TextTable table({Align::kLeft, Align::kRight, Align::kRight, Align::kRight,
                   Align::kRight, Align::kLeft});
  table.AddRow({{"metric"}, {"baseline"}, {"candidate"}, {"delta"},
                {"p (Holm)"}, {"verdict"}});
  for (const MetricComparison& c : b.comparisons) {
    Style style = Style::kPlain;
    if (c.verdict == Verdict::kRegression) style = Style::kBad;
    if (c.verdict == Verdict::kImprovement) style = Style::kGood;
    if (c.verdict == Verdict::kNotTested) style = Style::kDim;
    table.AddRow({{c.metric},
                  {FormatMetricValue(c.baseline)},
                  {FormatMetricValue(c.candidate)},
                  {FormatDelta(c.delta)},
                  {c.adjusted_p_value ? FormatPValue(*c.adjusted_p_value) : ""},
                  {VerdictText(c.verdict), style}});
  }
  out += table.Render(color);
  auto list = [](const std::vector<std::string>& items) {
    std::string s;
    for (const std::string& i : items) s += (s.empty() ? "" : ", ") + i;
    return s;
  };
  if (!b.only_in_baseline.empty()) {
    out += fmt::format("  only in the baseline: {}\n", list(b.only_in_baseline));
  }
  if (!b.only_in_candidate.empty()) {
    out += fmt::format("  only in the candidate: {}\n",
                       list(b.only_in_candidate));
  }
  return out;
}

nlohmann::ordered_json ComparisonsJson(const BaselineResult& b,
                                       const BaselineOptions& options) {
  using Json = nlohmann::ordered_json;
  Json comparisons = Json::array();
  for (const MetricComparison& c : b.comparisons) {
    Json item{{"metric", c.metric},
              {"kind", c.kind},
              {"baseline", c.baseline},
              {"candidate", c.candidate},
              {"delta", c.delta},
              {"higher_is_better", c.higher_is_better}};
    if (c.baseline_total) {
      item["baseline_counts"] = {*c.baseline_count, *c.baseline_total};
      item["candidate_counts"] = {*c.candidate_count, *c.candidate_total};
    }
    item["p_value"] = OptionalNumber(c.p_value);
    item["adjusted_p_value"] = OptionalNumber(c.adjusted_p_value);
    item["verdict"] = VerdictText(c.verdict);
    comparisons.push_back(item);
  }
  return Json{{"alpha", options.alpha},
              {"tolerance", options.tolerance},
              {"tests", b.tests},
              {"regressions", b.regressions},
              {"improvements", b.improvements},
              {"comparisons", comparisons},
              {"only_in_baseline", b.only_in_baseline},
              {"only_in_candidate", b.only_in_candidate}};
}

std::string ComparisonsJunitCases(const BaselineResult& b,
                                  const std::string& suite, int* tested) {
  std::string out;
  *tested = 0;
  for (const MetricComparison& c : b.comparisons) {
    if (!c.adjusted_p_value) continue;
    ++*tested;
    out += fmt::format(R"(    <testcase classname="{}" name="{}")",
                       XmlEscape(suite), XmlEscape(c.metric));
    if (c.verdict != Verdict::kRegression) {
      out += "/>\n";
      continue;
    }
    out += fmt::format(
        ">\n      <failure message=\"{}\"/>\n    </testcase>\n",
        XmlEscape(fmt::format(
            "regression: {} -> {} ({}), p = {} after Holm over {} tests",
            FormatMetricValue(c.baseline), FormatMetricValue(c.candidate),
            FormatDelta(c.delta), FormatPValue(*c.adjusted_p_value),
            b.tests)));
  }
  return out;
}

std::string WriteCheckText(const CheckOutcome& o, bool color) {
  std::string out = fmt::format(
      "{} {}: {}\n", Styled("errscope check", Style::kBold, color),
      o.passed() ? Styled("PASSED", Style::kGood, color)
                 : Styled("FAILED", Style::kBad, color),
      CheckSummaryLine(o));
  out += fmt::format("{}\n", Styled("predictions: " + o.source, Style::kDim,
                                    color));
  out += RulesText(o, color);
  if (o.baseline) {
    out += ComparisonsText(*o.baseline, o.baseline_options,
                           "Against the baseline " + o.baseline_source, color);
  }
  return out;
}

std::string WriteCheckJson(const CheckOutcome& o) {
  using Json = nlohmann::ordered_json;
  Json rules = Json::array();
  for (const RuleResult& r : o.rules) {
    Json rule{{"rule", r.rule.text},
              {"metric", r.rule.metric},
              {"op", ComparisonText(r.rule.op)},
              {"threshold", r.rule.threshold},
              {"value", OptionalNumber(r.value.value)},
              {"passed", r.passed}};
    if (!r.value.where.empty()) rule["where"] = r.value.where;
    rules.push_back(rule);
  }
  Json j{{"schema_version", 1},
         {"tool", {{"name", "errscope"}, {"version", kVersion}}},
         {"command", "check"},
         {"source", o.source},
         {"passed", o.passed()},
         {"failed_rules", o.failed_rules()},
         {"regressions", o.regressions()},
         {"rules", rules}};
  if (o.baseline) {
    Json baseline{{"source", o.baseline_source}};
    baseline.update(ComparisonsJson(*o.baseline, o.baseline_options));
    j["baseline"] = baseline;
  } else {
    j["baseline"] = nullptr;
  }
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string WriteCheckJunit(const CheckOutcome& o) {
  std::string rules;
  for (const RuleResult& r : o.rules) {
    rules += fmt::format(R"(    <testcase classname="errscope.rules" name="{}")",
                         XmlEscape(r.rule.text));
    if (r.passed) {
      rules += "/>\n";
    } else {
      rules += fmt::format(
          ">\n      <failure message=\"{}\"/>\n    </testcase>\n",
          XmlEscape(fmt::format("{} is {}, expected {} {}", r.rule.metric,
                                RuleValueText(r), ComparisonText(r.rule.op),
                                FormatMetricValue(r.rule.threshold))));
    }
  }
  std::string baseline;
  int tested = 0;
  if (o.baseline) {
    baseline = ComparisonsJunitCases(*o.baseline, "errscope.baseline", &tested);
  }
  const size_t rule_count = o.rules.size();
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<testsuites name=\"errscope check\" tests=\"{}\" failures=\"{}\">\n",
      rule_count + static_cast<size_t>(tested),
      o.failed_rules() + o.regressions());
  out += fmt::format(
      "  <testsuite name=\"errscope.rules\" tests=\"{}\" failures=\"{}\">\n",
      rule_count, o.failed_rules());
  out += rules + "  </testsuite>\n";
  if (o.baseline) {
    out += fmt::format(
        "  <testsuite name=\"errscope.baseline\" tests=\"{}\" "
        "failures=\"{}\">\n",
        tested, o.regressions());
    out += baseline + "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace errscope
