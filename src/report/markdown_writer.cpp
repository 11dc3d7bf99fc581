// The report as GitHub-flavoured Markdown, for a pull-request comment or
// $GITHUB_STEP_SUMMARY: the headline numbers in the open, long tables
// collapsed. Numbers are spelled as in the text report.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "errscope/version.h"
#include "errscope/writers.h"
#include "report/markdown.h"
#include "report/text_table.h"

namespace errscope {
namespace {

using Align = MarkdownTable::Align;

/// A table with more rows than this is collapsed, so a PR comment stays
/// short.
constexpr size_t kOpenRows = 10;

/// "### title" and its parts, a blank line between blocks (a table needs
/// one before it to be a table).
std::string Section(std::string_view title,
                    const std::vector<std::string>& parts) {
  std::string out = fmt::format("### {}\n", title);
  for (const std::string& part : parts) out += fmt::format("\n{}", part);
  return out;
}

std::string Collapsible(std::string_view summary, const MarkdownTable& table) {
  if (table.rows() <= kOpenRows) return table.Render();
  return MarkdownDetails(summary, table.Render());
}

/// "1 class", "3 classes"; `plural` defaults to `word` + "s".
std::string Plural(size_t n, std::string_view word,
                   std::string_view plural = "") {
  if (n == 1) return fmt::format("1 {}", word);
  if (plural.empty())
    return fmt::format("{} {}s", Thousands(static_cast<int64_t>(n)), word);
  return fmt::format("{} {}", Thousands(static_cast<int64_t>(n)), plural);
}

std::string InputMarkdown(const InputSection& in) {
  const ColumnsUsed& c = in.columns;
  std::vector<std::string> columns = {fmt::format("label={}", c.label)};
  if (c.pred) columns.push_back(fmt::format("pred={}", *c.pred));
  if (in.pred_source == "argmax")
    columns.push_back("pred=argmax(probabilities)");
  if (in.pred_source == "threshold") {
    columns.push_back(fmt::format("pred={} if {} >= {}", *in.positive,
                                  c.confidence.value_or("score"),
                                  *in.threshold));
  } else if (c.confidence) {
    columns.push_back(fmt::format("confidence={}", *c.confidence));
  }
  if (!c.probability_columns.empty()) {
    columns.push_back(
        fmt::format("probabilities={}", c.probability_columns.size()));
  }
  if (c.id) columns.push_back(fmt::format("id={}", *c.id));
  columns.push_back(fmt::format("features={}", c.features.size()));
  return fmt::format(
      "## errscope report\n\n"
      "- **Source:** {} ({}{})\n"
      "- **Rows:** {} used, {} skipped\n"
      "- **Columns:** {}\n",
      MarkdownEscape(in.source), in.format,
      in.compression == "none" ? "" : ", " + in.compression,
      Thousands(in.rows_used), Thousands(in.rows_skipped),
      MarkdownEscape(fmt::format("{}", fmt::join(columns, ", "))));
}

std::string SummaryMarkdown(const SummarySection& s,
                            const std::optional<ConfusionSection>& confusion) {
  return fmt::format(
      "**{} errors in {} rows:** accuracy {}, error rate {} (95% CI {} to "
      "{}){}.\n",
      Thousands(s.errors), Thousands(s.rows), Percent(s.accuracy),
      Percent(s.error_rate), Percent(s.error_rate_ci95_lo),
      Percent(s.error_rate_ci95_hi),
      confusion ? ", " + Plural(confusion->classes.size(), "class", "classes")
                : "");
}

std::string WarningsMarkdown(const std::vector<std::string>& warnings) {
  std::string out = "> **Warnings**\n";
  for (const std::string& w : warnings) {
    out += fmt::format("> - {}\n", MarkdownEscape(w));
  }
  return out;
}

std::string MetricsMarkdown(const ConfusionSection& c) {
  MarkdownTable headline({{"metric"}, {"value", Align::kRight}});
  headline.AddRow({"accuracy", Fixed(c.accuracy)});
  headline.AddRow({"balanced accuracy", Fixed(c.balanced_accuracy)});
  headline.AddRow(
      {"Cohen's kappa", c.cohen_kappa ? Fixed(*c.cohen_kappa) : "n/a"});
  headline.AddRow({"MCC", Fixed(c.mcc)});
  MarkdownTable averages({{"average"},
                          {"precision", Align::kRight},
                          {"recall", Align::kRight},
                          {"F1", Align::kRight}});
  for (const auto& [name, s] :
       {std::pair{"macro", &c.macro}, std::pair{"weighted", &c.weighted},
        std::pair{"micro", &c.micro}}) {
    averages.AddRow(
        {name, Fixed(s->precision), Fixed(s->recall), Fixed(s->f1)});
  }
  return Section("Metrics", {headline.Render(), averages.Render()});
}

std::string PerClassMarkdown(const ConfusionSection& c) {
  MarkdownTable table({{"label"},
                       {"precision", Align::kRight},
                       {"recall", Align::kRight},
                       {"F1", Align::kRight},
                       {"support", Align::kRight},
                       {"FP", Align::kRight},
                       {"FN", Align::kRight}});
  for (const ClassMetrics* listed : ListedClasses(c.per_class)) {
    const ClassMetrics& m = *listed;
    table.AddRow({m.label, Fixed(m.scores.precision), Fixed(m.scores.recall),
                  Fixed(m.scores.f1), Thousands(m.support), Thousands(m.fp),
                  Thousands(m.fn)});
  }
  const std::string summary =
      c.per_class.size() > kClassesListed
          ? fmt::format("the {} classes with the most rows of {}",
                        kClassesListed,
                        Thousands(static_cast<int64_t>(c.per_class.size())))
          : Plural(c.per_class.size(), "class", "classes");
  return Section("Per class", {Collapsible(summary, table)});
}

std::string TopConfusionsMarkdown(const ConfusionSection& c) {
  if (c.top_confusions.empty()) {
    return Section("Most confused pairs",
                   {"None: every prediction is right.\n"});
  }
  MarkdownTable table({{"true label"},
                       {"predicted"},
                       {"count", Align::kRight},
                       {"share of errors", Align::kRight}});
  for (const Confusion& t : c.top_confusions) {
    table.AddRow(
        {t.label, t.pred, Thousands(t.count), Percent(t.share_of_errors)});
  }
  return Section("Most confused pairs",
                 {Collapsible(Plural(c.top_confusions.size(), "pair"), table)});
}

std::string MatrixMarkdown(const ConfusionSection& c) {
  // The same limit as the text report, so both leave out the same grids.
  const size_t max_classes = TextOptions().max_matrix_classes;
  const size_t k = c.classes.size();
  if (k > max_classes) {
    return Section(
        "Confusion matrix",
        {fmt::format("{} classes: too many to show as a grid (more than {}); "
                     "see the most confused pairs, or `--format json` for "
                     "every count.\n",
                     k, max_classes)});
  }
  std::vector<MarkdownTable::Column> columns = {{"true \\ pred"}};
  for (const std::string& name : c.classes)
    columns.push_back({name, Align::kRight});
  MarkdownTable table(std::move(columns));
  for (Eigen::Index i = 0; i < c.counts.rows(); ++i) {
    std::vector<std::string> row = {c.classes[static_cast<size_t>(i)]};
    for (Eigen::Index j = 0; j < c.counts.cols(); ++j) {
      row.push_back(Thousands(c.counts(i, j)));
    }
    table.AddRow(std::move(row));
  }
  return Section("Confusion matrix",
                 {"Rows: true label, columns: predicted.\n",
                  Collapsible(fmt::format("{} x {} counts", k, k), table)});
}

std::string Significant(const SliceGroup& g) {
  return g.significant ? "yes" : "";
}

/// The groups of all features with more errors than average, most excess
/// errors first, as the text report ranks them.
std::string WorstGroups(const SlicesSection& s) {
  std::vector<std::pair<const FeatureSlices*, const SliceGroup*>> ranked;
  for (const FeatureSlices& f : s.features) {
    for (const SliceGroup& g : f.groups) {
      if (g.excess_errors > 0) ranked.emplace_back(&f, &g);
    }
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) {
                     return a.second->excess_errors > b.second->excess_errors;
                   });
  if (ranked.size() > kWorstGroupsShown) ranked.resize(kWorstGroupsShown);
  if (ranked.empty()) return "None: no group has more errors than average.\n";
  MarkdownTable table({{"feature"},
                       {"group"},
                       {"rows", Align::kRight},
                       {"errors", Align::kRight},
                       {"error rate", Align::kRight},
                       {"lift", Align::kRight},
                       {"excess errors", Align::kRight},
                       {"significant"}});
  for (const auto& [f, g] : ranked) {
    table.AddRow({f->feature, SliceGroupName(*g), Thousands(g->rows),
                  Thousands(g->errors), Percent(g->error_rate), LiftText(*g),
                  fmt::format("{:+.1f}", g->excess_errors), Significant(*g)});
  }
  return table.Render();
}

std::string FeatureGroups(const FeatureSlices& f, const SlicesSection& s) {
  std::string out = fmt::format("**{}** ({})\n\n", MarkdownEscape(f.feature),
                                f.kind == "numeric"
                                    ? fmt::format("numeric, {} bins", s.binning)
                                    : "categorical");
  MarkdownTable table({{"group"},
                       {"rows", Align::kRight},
                       {"errors", Align::kRight},
                       {"error rate", Align::kRight},
                       {"lift", Align::kRight},
                       {"significant"}});
  const size_t shown = std::min(f.groups.size(), kGroupsShownPerFeature);
  for (size_t i = 0; i < shown; ++i) {
    const SliceGroup& g = f.groups[i];
    table.AddRow({SliceGroupName(g), Thousands(g.rows), Thousands(g.errors),
                  Percent(g.error_rate), LiftText(g), Significant(g)});
  }
  out += table.Render();
  if (f.groups.size() > shown) {
    const size_t more = f.groups.size() - shown;
    out += fmt::format("\n… {} more group{} (`--format json` lists them all)\n",
                       more, more == 1 ? "" : "s");
  }
  return out;
}

std::string SlicesMarkdown(const SlicesSection& s) {
  std::string groups;
  for (const FeatureSlices& f : s.features) {
    if (!groups.empty()) groups += '\n';
    groups += FeatureGroups(f, s);
  }
  std::vector<std::string> parts = {
      fmt::format("Overall error rate {}. The groups of all features with "
                  "the most errors beyond that rate (significant: q ≤ 0.05 "
                  "and at least {} rows):\n",
                  Percent(s.overall_error_rate), Thousands(s.min_rows)),
      WorstGroups(s)};
  if (!s.features.empty()) {
    parts.push_back(
        MarkdownDetails(fmt::format("Groups of each feature ({})",
                                    Plural(s.features.size(), "feature")),
                        groups));
  }
  return Section("Errors by feature", parts);
}

std::string CalibrationMarkdown(const CalibrationSection& c) {
  std::string scores =
      fmt::format("ECE {}, MCE {}", Fixed(c.ece), Fixed(c.mce));
  if (c.brier) scores += fmt::format(", Brier score {}", Fixed(*c.brier));
  if (c.log_loss) scores += fmt::format(", log loss {}", Fixed(*c.log_loss));
  MarkdownTable table({{"confidence"},
                       {"rows", Align::kRight},
                       {"accuracy", Align::kRight},
                       {"mean confidence", Align::kRight},
                       {"gap", Align::kRight}});
  for (size_t i = 0; i < c.bins.size(); ++i) {
    const CalibrationBin& b = c.bins[i];
    std::string range = fmt::format("[{:.2f}, {:.2f}{}", b.lo, b.hi,
                                    i + 1 == c.bins.size() ? "]" : ")");
    if (b.rows == 0) {
      table.AddRow({range, "0", "-", "-", "-"});
      continue;
    }
    table.AddRow({range, Thousands(b.rows), Percent(*b.accuracy),
                  Percent(*b.mean_confidence), fmt::format("{:+.4f}", *b.gap)});
  }
  return Section(
      "Calibration",
      {fmt::format("{} ({} rows with a confidence, {} {} bins).\n", scores,
                   Thousands(c.rows), c.bins.size(),
                   c.binning == "uniform" ? "equal-width" : "equal-mass"),
       MarkdownDetails(
           "Bins (gap = mean confidence - accuracy; positive: over-confident)",
           table.Render())});
}

std::string ConfidenceSummaryMarkdown(const ConfidenceSummarySection& s) {
  MarkdownTable table({{"coverage", Align::kRight},
                       {"threshold", Align::kRight},
                       {"rows", Align::kRight},
                       {"accuracy", Align::kRight}});
  for (const CoveragePoint& p : s.coverage) {
    table.AddRow({Percent(p.coverage), Fixed(p.threshold), Thousands(p.rows),
                  Percent(p.accuracy)});
  }
  return Section(
      "Confidence summary",
      {fmt::format(
           "{} at confidence ≥ {:g} ({} of errors); {} below {:g} ({} "
           "of correct).\n",
           Plural(static_cast<size_t>(s.high_confidence_errors), "error"),
           s.high_confidence, Percent(s.high_confidence_error_share),
           Plural(static_cast<size_t>(s.low_confidence_correct),
                  "correct prediction"),
           s.low_confidence, Percent(s.low_confidence_correct_share)),
       MarkdownDetails("Accuracy when only the most confident rows are kept",
                       table.Render())});
}

std::string TopErrorsMarkdown(const std::vector<ErrorRow>& rows) {
  const bool ranked =
      rows.empty() ||
      std::any_of(rows.begin(), rows.end(),
                  [](const ErrorRow& e) { return e.confidence.has_value(); });
  const std::string title =
      ranked ? fmt::format("Most confident errors (top {})", rows.size())
             : fmt::format("First {} errors (no confidence to rank them by)",
                           rows.size());
  if (rows.empty())
    return Section(title, {"None: every prediction is right.\n"});
  MarkdownTable table({{"row", Align::kRight},
                       {"id"},
                       {"true label"},
                       {"predicted"},
                       {"confidence", Align::kRight}});
  for (const ErrorRow& e : rows) {
    table.AddRow({std::to_string(e.row), e.id.value_or("-"), e.label, e.pred,
                  e.confidence ? Fixed(*e.confidence) : "n/a"});
  }
  return Section(title, {Collapsible(Plural(rows.size(), "error"), table)});
}

}  // namespace

std::string WriteMarkdownReport(const Report& report) {
  std::vector<std::string> blocks = {InputMarkdown(report.input)};
  if (report.summary)
    blocks.push_back(SummaryMarkdown(*report.summary, report.confusion));
  if (!report.input.warnings.empty()) {
    blocks.push_back(WarningsMarkdown(report.input.warnings));
  }
  if (report.confusion) {
    blocks.push_back(MetricsMarkdown(*report.confusion));
    blocks.push_back(PerClassMarkdown(*report.confusion));
    blocks.push_back(TopConfusionsMarkdown(*report.confusion));
    blocks.push_back(MatrixMarkdown(*report.confusion));
  }
  if (report.slices) blocks.push_back(SlicesMarkdown(*report.slices));
  if (report.calibration)
    blocks.push_back(CalibrationMarkdown(*report.calibration));
  if (report.confidence_summary) {
    blocks.push_back(ConfidenceSummaryMarkdown(*report.confidence_summary));
  }
  if (report.top_errors)
    blocks.push_back(TopErrorsMarkdown(*report.top_errors));
  blocks.push_back(fmt::format("<sub>errscope {}</sub>\n", kVersion));
  // Every block ends with a newline; one blank line between blocks.
  return fmt::format("{}", fmt::join(blocks, "\n"));
}

}  // namespace errscope
