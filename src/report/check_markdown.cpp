// What `errscope check` decided, as Markdown for a pull-request comment or
// $GITHUB_STEP_SUMMARY: the verdict and what failed on top, the rest folded.
#include <fmt/format.h>

#include "errscope/gate_report.h"
#include "report/check_format.h"
#include "report/markdown.h"

namespace errscope {
namespace {

using Align = MarkdownTable::Align;

const char* Mark(bool good) { return good ? "✅" : "❌"; }

std::string RulesMarkdown(const CheckOutcome& o) {
  if (o.rules.empty()) return "";
  MarkdownTable table({{""}, {"rule"}, {"value", Align::kRight}});
  for (const RuleResult& r : o.rules) {
    table.AddRow({Mark(r.passed), r.rule.text, RuleValueText(r)});
  }
  return "\n### Rules\n\n" + table.Render();
}

MarkdownTable ComparisonTable() {
  return MarkdownTable({{"metric"},
                        {"baseline", Align::kRight},
                        {"candidate", Align::kRight},
                        {"delta", Align::kRight},
                        {"p (Holm)", Align::kRight},
                        {"verdict"}});
}

void AddComparison(const MetricComparison& c, MarkdownTable* table) {
  std::string verdict = VerdictText(c.verdict);
  if (c.verdict == Verdict::kRegression) verdict = "❌ regression";
  if (c.verdict == Verdict::kImprovement) verdict = "⬆️ improvement";
  table->AddRow({c.metric, FormatMetricValue(c.baseline),
                 FormatMetricValue(c.candidate), FormatDelta(c.delta),
                 c.adjusted_p_value ? FormatPValue(*c.adjusted_p_value) : "",
                 verdict});
}

}  // namespace

std::string ComparisonsMarkdown(const BaselineResult& b) {
  // What changed significantly, and the headline metrics, stay visible;
  // the unchanged classes and slices are folded.
  MarkdownTable shown = ComparisonTable(), folded = ComparisonTable();
  for (const MetricComparison& c : b.comparisons) {
    const bool changed = c.verdict == Verdict::kRegression ||
                         c.verdict == Verdict::kImprovement;
    AddComparison(c, changed || c.kind == "headline" ? &shown : &folded);
  }
  std::string out = shown.Render();
  if (folded.rows() > 0) {
    out += fmt::format(
        "\n{}", MarkdownDetails(fmt::format("{} more comparisons, none "
                                            "significant",
                                            folded.rows()),
                                folded.Render()));
  }
  return out;
}

std::string WriteCheckMarkdown(const CheckOutcome& o) {
  std::string out = fmt::format(
      "## errscope check: {} {}\n\n{}; predictions {}.\n",
      Mark(o.passed()), o.passed() ? "passed" : "failed", CheckSummaryLine(o),
      MarkdownEscape(o.source));
  out += RulesMarkdown(o);
  if (o.baseline) {
    out += fmt::format(
        "\n### Against the baseline\n\n{}: alpha {}, tolerance {}, Holm over "
        "{} tests.\n\n",
        MarkdownEscape(o.baseline_source), o.baseline_options.alpha,
        o.baseline_options.tolerance, o.baseline->tests);
    out += ComparisonsMarkdown(*o.baseline);
  }
  return out;
}

}  // namespace errscope
