// Errors by feature, by confidence, and the most confident errors, as text.
#include "report/text_sections.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/text_table.h"

namespace errscope {
namespace {

using Align = TextTable::Align;

constexpr size_t kBarWidth = 12;

/// A bar whose length shows `value` against `max`: patterns stand out.
std::string Bar(double value, double max) {
  if (!(max > 0)) return "";
  auto filled = static_cast<size_t>(std::lround(value / max * kBarWidth));
  std::string bar;
  for (size_t i = 0; i < filled; ++i) bar += "\u2588";
  return bar;
}

std::string Excess(double excess) { return fmt::format("{:+.1f}", excess); }

/// Bad when significantly worse than the rest, dim when too small to say.
Style GroupStyle(const SliceGroup& g, int64_t min_rows) {
  if (g.significant && g.excess_errors > 0) return Style::kBad;
  if (g.rows < min_rows) return Style::kDim;
  return Style::kPlain;
}

std::string WorstGroups(const SlicesSection& s, bool color) {
  struct Ranked {
    const FeatureSlices* feature;
    const SliceGroup* group;
  };
  std::vector<Ranked> ranked;
  double max_rate = 0;
  for (const FeatureSlices& f : s.features) {
    for (const SliceGroup& g : f.groups) {
      if (g.excess_errors > 0) ranked.push_back({&f, &g});
    }
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const Ranked& a, const Ranked& b) {
                     return a.group->excess_errors > b.group->excess_errors;
                   });
  if (ranked.size() > kWorstGroupsShown) ranked.resize(kWorstGroupsShown);
  for (const Ranked& r : ranked)
    max_rate = std::max(max_rate, r.group->error_rate);
  std::string out = Heading(
      fmt::format("Worst groups by excess errors (overall error rate {}; * = "
                  "significant at q <= 0.05)",
                  Percent(s.overall_error_rate)),
      color);
  if (ranked.empty())
    return out + "  none: no group has more errors than average\n";
  TextTable table({Align::kLeft, Align::kLeft, Align::kRight, Align::kRight,
                   Align::kRight, Align::kLeft, Align::kRight, Align::kRight,
                   Align::kLeft});
  table.AddRow({{"feature", Style::kDim},
                {"group", Style::kDim},
                {"rows", Style::kDim},
                {"errors", Style::kDim},
                {"error rate", Style::kDim},
                {"", Style::kDim},
                {"lift", Style::kDim},
                {"excess", Style::kDim},
                {""}});
  for (const Ranked& r : ranked) {
    const SliceGroup& g = *r.group;
    const Style style = GroupStyle(g, s.min_rows);
    table.AddRow({{Truncate(r.feature->feature, 24)},
                  {Truncate(SliceGroupName(g), 28), style},
                  {Thousands(g.rows)},
                  {Thousands(g.errors)},
                  {Percent(g.error_rate), style},
                  {Bar(g.error_rate, max_rate), style},
                  {LiftText(g)},
                  {Excess(g.excess_errors)},
                  {g.significant ? "*" : "", style}});
  }
  return out + table.Render(color);
}

std::string FeatureTable(const FeatureSlices& f, const SlicesSection& s,
                         bool color) {
  std::string out = fmt::format(
      "  {} {}\n", Styled(f.feature, Style::kBold, color),
      Styled(f.kind == "numeric" ? fmt::format("(numeric, {} bins)", s.binning)
                                 : std::string("(categorical)"),
             Style::kDim, color));
  double max_rate = 0;
  for (const SliceGroup& g : f.groups)
    max_rate = std::max(max_rate, g.error_rate);
  TextTable table({Align::kLeft, Align::kRight, Align::kRight, Align::kRight,
                   Align::kLeft, Align::kRight, Align::kLeft});
  const size_t shown = std::min(f.groups.size(), kGroupsShownPerFeature);
  for (size_t i = 0; i < shown; ++i) {
    const SliceGroup& g = f.groups[i];
    const Style style = GroupStyle(g, s.min_rows);
    table.AddRow({{Truncate(SliceGroupName(g), 28), style},
                  {Thousands(g.rows)},
                  {Thousands(g.errors)},
                  {Percent(g.error_rate), style},
                  {Bar(g.error_rate, max_rate), style},
                  {LiftText(g)},
                  {g.significant ? "*" : "", style}});
  }
  out += table.Render(color, 4, 3);
  if (f.groups.size() > shown) {
    const size_t more = f.groups.size() - shown;
    out += Styled(fmt::format("    ... {} more group{} (--format json lists "
                              "them all)\n",
                              more, more == 1 ? "" : "s"),
                  Style::kDim, color);
  }
  return out;
}

}  // namespace

std::string SlicesText(const SlicesSection& s, bool color) {
  std::string out = WorstGroups(s, color);
  out += Heading("Errors by feature (rows, errors, error rate, lift)", color);
  for (const FeatureSlices& f : s.features) out += FeatureTable(f, s, color);
  return out;
}

std::string CalibrationText(const CalibrationSection& c, bool color) {
  std::string title = fmt::format(
      "Errors by confidence ({} {} bins): ECE {}, MCE {}", c.bins.size(),
      c.binning == "uniform" ? "equal-width" : "equal-mass", Fixed(c.ece),
      Fixed(c.mce));
  if (c.brier) title += fmt::format(", Brier {}", Fixed(*c.brier));
  if (c.log_loss) title += fmt::format(", log loss {}", Fixed(*c.log_loss));
  std::string out = Heading(title, color);
  TextTable table({Align::kLeft, Align::kRight, Align::kRight, Align::kRight,
                   Align::kRight, Align::kLeft});
  table.AddRow({{"confidence", Style::kDim},
                {"rows", Style::kDim},
                {"accuracy", Style::kDim},
                {"mean conf.", Style::kDim},
                {"gap", Style::kDim},
                {""}});
  double max_gap = 0;
  for (const CalibrationBin& b : c.bins) {
    if (b.gap) max_gap = std::max(max_gap, std::fabs(*b.gap));
  }
  for (size_t i = 0; i < c.bins.size(); ++i) {
    const CalibrationBin& b = c.bins[i];
    const bool last = i + 1 == c.bins.size();
    std::string range =
        fmt::format("[{:.2f}, {:.2f}{}", b.lo, b.hi, last ? "]" : ")");
    if (b.rows == 0) {
      table.AddRow({{range, Style::kDim},
                    {"0", Style::kDim},
                    {"-", Style::kDim},
                    {"-", Style::kDim},
                    {"-", Style::kDim},
                    {""}});
      continue;
    }
    // Over-confident bins (confidence above accuracy) are the dangerous ones.
    const Style style = *b.gap > 0.05 ? Style::kBad : Style::kPlain;
    table.AddRow({{range},
                  {Thousands(b.rows)},
                  {Percent(*b.accuracy)},
                  {Percent(*b.mean_confidence)},
                  {fmt::format("{:+.4f}", *b.gap), style},
                  {Bar(std::fabs(*b.gap), max_gap), style}});
  }
  return out + table.Render(color) +
         Styled(
             "  gap = mean confidence - accuracy (positive: over-confident)\n",
             Style::kDim, color);
}

std::string ConfidenceSummaryText(const ConfidenceSummarySection& s,
                                  bool color) {
  std::string out = fmt::format(
      "\n  {} errors at confidence >= {:g} ({} of errors); {} correct "
      "predictions below {:g} ({} of correct)\n",
      Styled(Thousands(s.high_confidence_errors), Style::kBold, color),
      s.high_confidence, Percent(s.high_confidence_error_share),
      Thousands(s.low_confidence_correct), s.low_confidence,
      Percent(s.low_confidence_correct_share));
  out += "  Accuracy when only the most confident rows are kept:\n";
  std::vector<Align> aligns(s.coverage.size() + 1, Align::kRight);
  aligns[0] = Align::kLeft;
  TextTable table(aligns);
  std::vector<TextTable::Cell> coverage = {{"coverage", Style::kDim}};
  std::vector<TextTable::Cell> accuracy = {{"accuracy", Style::kDim}};
  for (const CoveragePoint& p : s.coverage) {
    coverage.push_back({fmt::format("{:.0f}%", 100 * p.coverage)});
    accuracy.push_back({fmt::format("{:.1f}%", 100 * p.accuracy)});
  }
  table.AddRow(std::move(coverage));
  table.AddRow(std::move(accuracy));
  return out + table.Render(color, 4, 2);
}

std::string TopErrorsText(const std::vector<ErrorRow>& rows, bool color) {
  const bool ranked =
      rows.empty() ||
      std::any_of(rows.begin(), rows.end(),
                  [](const ErrorRow& e) { return e.confidence.has_value(); });
  std::string out = Heading(
      ranked ? fmt::format("Most confident errors (top {})", rows.size())
             : fmt::format("First {} errors (no confidence to rank them by)",
                           rows.size()),
      color);
  if (rows.empty()) return out + "  none: every prediction is right\n";
  TextTable table({Align::kRight, Align::kLeft, Align::kLeft, Align::kLeft,
                   Align::kRight, Align::kLeft});
  table.AddRow({{"row", Style::kDim},
                {"id", Style::kDim},
                {"true label", Style::kDim},
                {"predicted", Style::kDim},
                {"confidence", Style::kDim},
                {"features", Style::kDim}});
  for (const ErrorRow& e : rows) {
    std::string features;
    for (const auto& [name, value] : e.features) {
      if (!features.empty()) features += ' ';
      features += fmt::format("{}={}", name, value.value_or(""));
    }
    table.AddRow({{std::to_string(e.row)},
                  {Truncate(e.id.value_or("-"), 16)},
                  {Truncate(e.label, 20)},
                  {Truncate(e.pred, 20)},
                  {e.confidence ? Fixed(*e.confidence) : std::string("n/a")},
                  {Truncate(features, 60), Style::kDim}});
  }
  return out + table.Render(color);
}

}  // namespace errscope
