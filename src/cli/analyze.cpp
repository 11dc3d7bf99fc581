// errscope analyze: read predictions, print where the model is wrong.
#include <chrono>
#include <fmt/format.h>
#include <memory>

#include "cli/analysis_options.h"
#include "cli/cli.h"
#include "cli/input_options.h"
#include "errscope/pipeline.h"
#include "errscope/writers.h"

namespace errscope::cli {
namespace {

struct AnalyzeOptions {
  InputOptions input;
  std::string output;
  std::string format = "text";
  std::string normalize = "none";
  std::string color = "auto";
  AnalyzeRequest request;
  AnalysisChoices analysis;
};

void RunAnalyze(AnalyzeOptions& o, Streams& streams) {
  auto progress = ApplyInputOptions(o.input, streams, &o.request);
  ApplyAnalysisChoices(o.analysis, &o.request.analysis);
  Report report;
  Status status = RunAnalysis(o.request, &report);
  progress.reset();
  Check(status);
  PrintWarnings(report.input.warnings, streams);

  std::string text;
  if (o.format == "json") {
    text = WriteJsonReport(report);
  } else if (o.format == "markdown") {
    text = WriteMarkdownReport(report);
  } else {
    TextOptions options;
    bool to_terminal = (o.output.empty() || o.output == "-") && streams.out_is_tty;
    options.color = WantColor(o.color, to_terminal);
    options.normalize = o.normalize;
    text = WriteTextReport(report, options);
  }
  WriteOutput(o.output, text, streams);
}

}  // namespace

void SetupAnalyzeCommand(CLI::App& app, Streams& streams) {
  auto options = std::make_shared<AnalyzeOptions>();
  AnalyzeOptions& o = *options;
  CLI::App* cmd = app.add_subcommand(
      "analyze",
      "Report where a classifier is wrong: confusion matrix, per-class "
      "metrics, errors by feature and by confidence, the most confident "
      "errors");
  AddInputOptions(cmd, &o.request, &o.input);

  cmd->add_option("-o,--output", o.output,
                  "Write the report to this file (atomically) instead of "
                  "stdout")
      ->option_text("FILE");
  cmd->add_option("-f,--format", o.format,
                  "Report format (markdown: GitHub-flavoured, for a PR "
                  "comment or $GITHUB_STEP_SUMMARY)")
      ->check(CLI::IsMember({"text", "json", "markdown"}))
      ->capture_default_str();
  cmd->add_option("--normalize", o.normalize,
                  "Confusion matrix in the text report: counts (none) or "
                  "shares of each true label, prediction or all rows")
      ->check(CLI::IsMember({"none", "true", "pred", "all"}))
      ->capture_default_str();
  cmd->add_option("--color", o.color,
                  "Colour in the text report (auto: only on a terminal and "
                  "without NO_COLOR)")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  AddAnalysisOptions(cmd, &o.request.analysis, &o.analysis);

  cmd->footer(
      "Reports the confusion matrix (rows: true labels), per-class\n"
      "precision/recall/F1 and support, macro/weighted/micro averages,\n"
      "balanced accuracy, Cohen's kappa, MCC and the most confused pairs,\n"
      "with scikit-learn's definitions (docs/metrics.md); then the errors\n"
      "by input feature (every column that is not a label, prediction,\n"
      "confidence, probability or id: a group per value or numeric bin,\n"
      "ranked by excess errors, with Fisher tests corrected for multiple\n"
      "comparisons), by confidence (calibration bins, ECE, Brier score, log\n"
      "loss, accuracy vs coverage) and the most confident errors.\n"
      "Columns are detected by name when not given; the report says which\n"
      "were used. Rows with an empty label or prediction are skipped with a\n"
      "warning.\n"
      "\n"
      "Examples:\n"
      "  errscope analyze examples/adult_predictions.csv.gz\n"
      "  errscope analyze examples/animals.csv --normalize true\n"
      "  errscope analyze examples/adult_predictions.csv.gz --feature-bins 10 "
      "--top 5\n"
      "  errscope analyze examples/spam_scores.csv --threshold 0.5 "
      "--positive spam\n"
      "  errscope analyze examples/tickets.jsonl --proba-field probs "
      "--classes account,billing,bug\n"
      "  zcat preds.csv.gz | errscope analyze - --format json -o report.json");
  cmd->callback([options, &streams] { RunAnalyze(*options, streams); });
}

}  // namespace errscope::cli
