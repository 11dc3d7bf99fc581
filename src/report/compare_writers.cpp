// What `errscope compare` found, as text, JSON, Markdown and JUnit XML.
#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "errscope/compare_report.h"
#include "errscope/version.h"
#include "report/check_format.h"
#include "report/markdown.h"
#include "report/text_table.h"

namespace errscope {
namespace {

using Json = nlohmann::ordered_json;

std::string ConfidenceText(const ErrorRow& e) {
  return e.confidence ? FormatMetricValue(*e.confidence) : "-";
}

std::string MatchLine(const CompareOutcome& o) {
  const PairedCounts& c = o.counts;
  return fmt::format("joined by {}: {} rows matched, {} only in the base, {} "
                     "only in the candidate",
                     o.join, Thousands(c.matched()), Thousands(c.unmatched_base),
                     Thousands(c.unmatched_candidate));
}

std::string AccuracyLine(const CompareOutcome& o) {
  return fmt::format("accuracy on the matched rows: base {} -> candidate {} "
                     "({})",
                     FormatMetricValue(o.base_accuracy),
                     FormatMetricValue(o.candidate_accuracy),
                     FormatDelta(o.candidate_accuracy - o.base_accuracy));
}

std::string MismatchLine(const CompareOutcome& o) {
  const PairedCounts& c = o.counts;
  if (c.label_mismatch == 0) return "";
  std::string rows;
  for (int64_t r : c.first_mismatch_rows) {
    rows += (rows.empty() ? "" : ", ") + std::to_string(r);
  }
  return fmt::format("{} matched rows have different true labels in the two "
                     "files (candidate rows {}{}): is the join right?",
                     Thousands(c.label_mismatch), rows,
                     c.label_mismatch > static_cast<int64_t>(
                                            c.first_mismatch_rows.size())
                         ? ", ..."
                         : "");
}

Json ErrorRowJson(const ErrorRow& e) {
  Json features = Json::object();
  for (const auto& [name, cell] : e.features) {
    features[name] = cell ? Json(*cell) : Json(nullptr);
  }
  return Json{{"row", e.row},
              {"line", e.line},
              {"id", e.id ? Json(*e.id) : Json(nullptr)},
              {"label", e.label},
              {"pred", e.pred},
              {"confidence", e.confidence ? Json(*e.confidence) : Json(nullptr)},
              {"features", features}};
}

}  // namespace

std::string CompareSummaryLine(const CompareOutcome& o) {
  const PairedCounts& c = o.counts;
  const char* verdict = "no significant difference";
  if (o.paired_verdict == Verdict::kRegression) verdict = "the candidate is worse";
  if (o.paired_verdict == Verdict::kImprovement) verdict = "the candidate is better";
  const std::string p = FormatPValue(o.mcnemar_p);
  std::string line = fmt::format(
      "{}: {} rows newly wrong, {} newly right (McNemar exact p {}{})", verdict,
      Thousands(c.newly_wrong), Thousands(c.newly_right),
      p.front() == '<' ? "" : "= ", p);
  if (o.metrics.regressions > 0) {
    line += fmt::format("; {} metric or slice regression{}",
                        o.metrics.regressions,
                        o.metrics.regressions == 1 ? "" : "s");
  }
  return line;
}

std::string WriteCompareText(const CompareOutcome& o, bool color) {
  const PairedCounts& c = o.counts;
  const Style verdict_style = o.paired_verdict == Verdict::kRegression
                                  ? Style::kBad
                                  : o.paired_verdict == Verdict::kImprovement
                                        ? Style::kGood
                                        : Style::kPlain;
  std::string out = fmt::format(
      "{}: {}\n", Styled("errscope compare", Style::kBold, color),
      Styled(CompareSummaryLine(o), verdict_style, color));
  out += Styled(fmt::format("base: {} ({} rows)\ncandidate: {} ({} rows)\n{}",
                            o.base_source, Thousands(c.base_rows),
                            o.candidate_source, Thousands(c.candidate_rows),
                            MatchLine(o)),
                Style::kDim, color) +
         "\n";
  if (const std::string mismatch = MismatchLine(o); !mismatch.empty()) {
    out += Styled("warning: " + mismatch, Style::kWarn, color) + "\n";
  }

  out += Heading("Paired outcomes on the matched rows", color);
  using Align = TextTable::Align;
  TextTable table({Align::kLeft, Align::kRight, Align::kRight});
  table.AddRow({{""}, {"candidate right"}, {"candidate wrong"}});
  table.AddRow({{"base right"}, {Thousands(c.both_right)},
                {Thousands(c.newly_wrong), c.newly_wrong > c.newly_right
                                               ? Style::kBad
                                               : Style::kPlain}});
  table.AddRow({{"base wrong"}, {Thousands(c.newly_right)},
                {Thousands(c.both_wrong)}});
  out += table.Render(color);
  out += "  " + AccuracyLine(o) + "\n";

  out += ComparisonsText(o.metrics, o.options, "Metrics and slices, base -> candidate",
                         color);

  if (!o.newly_wrong.empty()) {
    out += Heading("Most confident newly wrong rows (right in the base)", color);
    TextTable rows({Align::kRight, Align::kLeft, Align::kLeft, Align::kLeft,
                    Align::kRight});
    rows.AddRow({{"row"}, {"id"}, {"label"}, {"pred"}, {"confidence"}});
    for (const ErrorRow& e : o.newly_wrong) {
      rows.AddRow({{std::to_string(e.row)},
                   {e.id.value_or("")},
                   {Truncate(e.label, 24)},
                   {Truncate(e.pred, 24)},
                   {ConfidenceText(e)}});
    }
    out += rows.Render(color);
  }
  return out;
}

std::string WriteCompareJson(const CompareOutcome& o) {
  const PairedCounts& c = o.counts;
  Json newly_wrong = Json::array();
  for (const ErrorRow& e : o.newly_wrong) newly_wrong.push_back(ErrorRowJson(e));
  Json j{{"schema_version", 1},
         {"tool", {{"name", "errscope"}, {"version", kVersion}}},
         {"command", "compare"},
         {"base", {{"source", o.base_source}, {"rows", c.base_rows}}},
         {"candidate",
          {{"source", o.candidate_source}, {"rows", c.candidate_rows}}},
         {"join", o.join},
         {"paired",
          {{"matched", c.matched()},
           {"both_right", c.both_right},
           {"both_wrong", c.both_wrong},
           {"newly_wrong", c.newly_wrong},
           {"newly_right", c.newly_right},
           {"unmatched_base", c.unmatched_base},
           {"unmatched_candidate", c.unmatched_candidate},
           {"label_mismatch", c.label_mismatch},
           {"base_accuracy", o.base_accuracy},
           {"candidate_accuracy", o.candidate_accuracy},
           {"mcnemar_p", o.mcnemar_p},
           {"verdict", VerdictText(o.paired_verdict)}}},
         {"regressions", o.regressions()},
         {"failed", o.failed()},
         {"metrics", ComparisonsJson(o.metrics, o.options)},
         {"newly_wrong", newly_wrong}};
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string WriteCompareMarkdown(const CompareOutcome& o) {
  const PairedCounts& c = o.counts;
  const char* mark = o.paired_verdict == Verdict::kRegression   ? "❌"
                     : o.paired_verdict == Verdict::kImprovement ? "⬆️"
                                                                 : "✅";
  std::string out = fmt::format(
      "## errscope compare: {} {}\n\nBase {} ({} rows), candidate {} ({} "
      "rows); {}.\n",
      mark, MarkdownEscape(CompareSummaryLine(o)), MarkdownEscape(o.base_source),
      Thousands(c.base_rows), MarkdownEscape(o.candidate_source),
      Thousands(c.candidate_rows), MarkdownEscape(MatchLine(o)));
  if (const std::string mismatch = MismatchLine(o); !mismatch.empty()) {
    out += fmt::format("\n> **Warning:** {}\n", MarkdownEscape(mismatch));
  }
  using Align = MarkdownTable::Align;
  MarkdownTable paired({{""},
                        {"candidate right", Align::kRight},
                        {"candidate wrong", Align::kRight}});
  paired.AddRow({"base right", Thousands(c.both_right), Thousands(c.newly_wrong)});
  paired.AddRow({"base wrong", Thousands(c.newly_right), Thousands(c.both_wrong)});
  out += fmt::format("\n### Paired outcomes\n\n{}\n{}.\n", paired.Render(),
                     MarkdownEscape(AccuracyLine(o)));
  out += fmt::format(
      "\n### Metrics and slices\n\nBase -> candidate: alpha {}, tolerance {}, "
      "Holm over {} tests.\n\n",
      o.options.alpha, o.options.tolerance, o.metrics.tests);
  out += ComparisonsMarkdown(o.metrics);
  if (!o.newly_wrong.empty()) {
    MarkdownTable rows({{"row", Align::kRight},
                        {"id"},
                        {"label"},
                        {"pred"},
                        {"confidence", Align::kRight}});
    for (const ErrorRow& e : o.newly_wrong) {
      rows.AddRow({std::to_string(e.row), e.id.value_or(""), e.label, e.pred,
                   ConfidenceText(e)});
    }
    out += "\n### Most confident newly wrong rows\n\n" + rows.Render();
  }
  return out;
}

std::string WriteCompareJunit(const CompareOutcome& o) {
  std::string paired =
      R"x(    <testcase classname="errscope.compare" name="paired (McNemar)")x";
  if (o.paired_verdict == Verdict::kRegression) {
    paired += fmt::format(">\n      <failure message=\"{}\"/>\n    </testcase>\n",
                          XmlEscape(CompareSummaryLine(o)));
  } else {
    paired += "/>\n";
  }
  int tested = 0;
  const std::string metrics =
      ComparisonsJunitCases(o.metrics, "errscope.compare.metrics", &tested);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<testsuites name=\"errscope compare\" tests=\"{}\" failures=\"{}\">\n",
      tested + 1, o.regressions());
  out += fmt::format(
      "  <testsuite name=\"errscope.compare\" tests=\"{}\" failures=\"{}\">\n",
      tested + 1, o.regressions());
  out += paired + metrics + "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace errscope
