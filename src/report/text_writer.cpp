// The report for a terminal: what a person reads first is on top.
#include <cmath>
#include <fmt/format.h>

#include "errscope/version.h"
#include "errscope/writers.h"
#include "report/text_sections.h"
#include "report/text_table.h"

namespace errscope {
namespace {

using Align = TextTable::Align;
using Cell = TextTable::Cell;

std::string InputLines(const InputSection& in, bool color) {
  std::string out = fmt::format(
      "{} {}: {} ({}{}), {} rows", Styled("errscope", Style::kBold, color),
      kVersion, in.source, in.format,
      in.compression == "none" ? "" : ", " + in.compression,
      Thousands(in.rows_used));
  if (in.rows_skipped > 0) {
    out += fmt::format(" ({} of {} skipped)", Thousands(in.rows_skipped),
                       Thousands(in.rows_read));
  }
  const ColumnsUsed& c = in.columns;
  std::string columns = fmt::format("label={}", c.label);
  if (c.pred) columns += fmt::format(" pred={}", *c.pred);
  if (in.pred_source == "argmax") columns += " pred=argmax(probabilities)";
  if (in.pred_source == "threshold") {
    columns += fmt::format(" pred={} if {} >= {}", *in.positive,
                           c.confidence.value_or("score"), *in.threshold);
  } else if (c.confidence) {
    columns += fmt::format(" confidence={}", *c.confidence);
  }
  if (!c.probability_columns.empty()) {
    columns += fmt::format(" probabilities={}", c.probability_columns.size());
  }
  if (c.id) columns += fmt::format(" id={}", *c.id);
  columns += fmt::format(" features={}", c.features.size());
  out += fmt::format("\n{}\n", Styled(fmt::format("columns: {}", columns),
                                      Style::kDim, color));
  return out;
}

std::string SummaryLine(const SummarySection& s, bool color) {
  return fmt::format(
      "\n{} errors in {} rows: error rate {} (95% CI {} to {}), accuracy {}\n",
      Styled(Thousands(s.errors), Style::kBold, color), Thousands(s.rows),
      Styled(Percent(s.error_rate), Style::kBold, color),
      Percent(s.error_rate_ci95_lo), Percent(s.error_rate_ci95_hi),
      Percent(s.accuracy));
}

std::string ClassificationReport(const ConfusionSection& c, bool color) {
  TextTable table({Align::kRight, Align::kRight, Align::kRight, Align::kRight,
                   Align::kRight, Align::kRight});
  table.AddRow({{""}, {"precision"}, {"recall"}, {"f1-score"}, {"support"},
                {"predicted"}});
  for (const ClassMetrics* listed : ListedClasses(c.per_class)) {
    const ClassMetrics& m = *listed;
    Style f1_style = m.support == 0      ? Style::kDim
                     : m.scores.f1 < 0.5 ? Style::kBad
                                         : Style::kPlain;
    table.AddRow({{Truncate(m.label, 40)},
                  {Fixed(m.scores.precision)},
                  {Fixed(m.scores.recall)},
                  {Fixed(m.scores.f1), f1_style},
                  {std::to_string(m.support)},
                  {std::to_string(m.predicted)}});
  }
  int64_t rows = 0;
  for (const ClassMetrics& m : c.per_class) rows += m.support;
  const std::string n = std::to_string(rows);
  table.AddSeparator();
  table.AddRow({{"accuracy"}, {""}, {""}, {Fixed(c.accuracy)}, {n}});
  table.AddRow({{"macro avg"}, {Fixed(c.macro.precision)},
                {Fixed(c.macro.recall)}, {Fixed(c.macro.f1)}, {n}});
  table.AddRow({{"weighted avg"}, {Fixed(c.weighted.precision)},
                {Fixed(c.weighted.recall)}, {Fixed(c.weighted.f1)}, {n}});
  std::string out = Heading("Classification report", color);
  out += table.Render(color);
  if (c.per_class.size() > kClassesListed) {
    out += fmt::format(
        "  the {} classes with the most rows of {} (--format json lists them "
        "all)\n",
        kClassesListed, Thousands(static_cast<int64_t>(c.per_class.size())));
  }
  out += fmt::format(
      "\n  balanced accuracy {}   Cohen's kappa {}   MCC {}\n",
      Fixed(c.balanced_accuracy),
      c.cohen_kappa ? Fixed(*c.cohen_kappa) : std::string("n/a"),
      Fixed(c.mcc));
  return out;
}

std::string MatrixCell(const ConfusionSection& c, Eigen::Index i,
                       Eigen::Index j, const std::string& normalize) {
  const int64_t count = c.counts(i, j);
  double denominator = 0;
  if (normalize == "true") denominator = static_cast<double>(c.counts.row(i).sum());
  if (normalize == "pred") denominator = static_cast<double>(c.counts.col(j).sum());
  if (normalize == "all") denominator = static_cast<double>(c.counts.sum());
  if (normalize == "none") return std::to_string(count);
  return Fixed(denominator == 0 ? 0.0 : count / denominator, 3);
}

std::string ConfusionMatrix(const ConfusionSection& c,
                            const TextOptions& options, bool color) {
  const size_t k = c.classes.size();
  std::string title = "Confusion matrix (rows: true label, columns: predicted";
  if (options.normalize != "none") {
    title += fmt::format(", normalized over {}", options.normalize == "true"
                                                     ? "each true label"
                                                 : options.normalize == "pred"
                                                     ? "each prediction"
                                                     : "all rows");
  }
  title += ")";
  std::string out = Heading(title, color);
  if (k > options.max_matrix_classes) {
    return out + fmt::format(
                     "  {} classes: too many to show as a grid (see the top "
                     "confusions below, or --format json for every count)\n",
                     k);
  }
  std::vector<Align> aligns(k + 1, Align::kRight);
  aligns[0] = Align::kLeft;
  TextTable table(aligns);
  std::vector<Cell> header = {{"true \\ pred", Style::kDim}};
  for (const std::string& name : c.classes) header.push_back({Truncate(name, 12)});
  table.AddRow(std::move(header));
  for (size_t i = 0; i < k; ++i) {
    std::vector<Cell> row = {{Truncate(c.classes[i], 24)}};
    for (size_t j = 0; j < k; ++j) {
      auto ii = static_cast<Eigen::Index>(i), jj = static_cast<Eigen::Index>(j);
      Style style = c.counts(ii, jj) == 0 ? Style::kDim
                    : i == j              ? Style::kGood
                                          : Style::kWarn;
      row.push_back({MatrixCell(c, ii, jj, options.normalize), style});
    }
    table.AddRow(std::move(row));
  }
  return out + table.Render(color, 2, 2);
}

std::string TopConfusionsText(const ConfusionSection& c, bool color) {
  std::string out = Heading("Most confused pairs", color);
  if (c.top_confusions.empty()) return out + "  none: every prediction is right\n";
  TextTable table({Align::kLeft, Align::kLeft, Align::kRight, Align::kRight});
  table.AddRow({{"true label", Style::kDim}, {"predicted", Style::kDim},
                {"count", Style::kDim}, {"share of errors", Style::kDim}});
  for (const Confusion& t : c.top_confusions) {
    table.AddRow({{Truncate(t.label, 40)}, {Truncate(t.pred, 40)},
                  {Thousands(t.count)}, {Percent(t.share_of_errors)}});
  }
  return out + table.Render(color);
}

}  // namespace

std::string WriteTextReport(const Report& report, const TextOptions& options) {
  const bool color = options.color;
  // Warnings go to stderr (and the JSON report), not into the text report.
  std::string out = InputLines(report.input, color);
  if (report.summary) out += SummaryLine(*report.summary, color);
  if (report.confusion) {
    out += ClassificationReport(*report.confusion, color);
    out += ConfusionMatrix(*report.confusion, options, color);
    out += TopConfusionsText(*report.confusion, color);
  }
  if (report.slices) out += SlicesText(*report.slices, color);
  if (report.calibration) out += CalibrationText(*report.calibration, color);
  if (report.confidence_summary) {
    out += ConfidenceSummaryText(*report.confidence_summary, color);
  }
  if (report.top_errors) out += TopErrorsText(*report.top_errors, color);
  return out;
}

}  // namespace errscope
