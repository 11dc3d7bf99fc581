// errscope analyze: read predictions, print where the model is wrong.
#include <chrono>
#include <fmt/format.h>
#include <memory>

#include "cli/cli.h"
#include "errscope/pipeline.h"
#include "errscope/writers.h"

namespace errscope::cli {
namespace {

struct AnalyzeOptions {
  std::string input;
  std::string output;
  std::string format = "text";
  std::string input_format = "auto";
  std::string delimiter;
  std::string normalize = "none";
  std::string color = "auto";
  AnalyzeRequest request;
};

/// "\t", "tab", "," ... → the delimiter byte.
char ParseDelimiter(const std::string& text) {
  if (text == "\\t" || text == "tab") return '\t';
  if (text.size() != 1 || text == "\"" || text == "\n" || text == "\r") {
    throw CommandError(kExitUsageOrInput,
                       fmt::format("--delimiter '{}': expected one character "
                                   "(or 'tab'), not a quote or newline",
                                   text));
  }
  return text[0];
}

/// Shows "reading 120.5 MB (42%)" on a terminal for runs longer than a
/// second, at most five times a second.
class Progress {
 public:
  explicit Progress(std::ostream& err) : err_(err) {}
  ~Progress() {
    if (shown_) err_ << "\r\x1b[K" << std::flush;
  }
  void Update(uint64_t bytes, uint64_t total) {
    auto now = Clock::now();
    if (now - start_ < std::chrono::seconds(1) ||
        now - last_ < std::chrono::milliseconds(200)) {
      return;
    }
    last_ = now;
    shown_ = true;
    err_ << fmt::format("\rreading {:.1f} MB", bytes / 1e6);
    if (total > 0) err_ << fmt::format(" ({:.0f}%)", 100.0 * bytes / total);
    err_ << std::flush;
  }

 private:
  using Clock = std::chrono::steady_clock;
  std::ostream& err_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_{};
  bool shown_ = false;
};

void RunAnalyze(AnalyzeOptions& o, Streams& streams) {
  AnalyzeRequest& request = o.request;
  request.path = o.input;
  if (!ParseFormatName(o.input_format, &request.reader.format)) {
    throw CommandError(kExitUsageOrInput,
                       fmt::format("--input-format '{}': expected csv, tsv, "
                                   "json, jsonl or auto",
                                   o.input_format));
  }
  if (!o.delimiter.empty()) request.reader.delimiter = ParseDelimiter(o.delimiter);

  std::unique_ptr<Progress> progress;
  if (streams.err_is_tty) {
    progress = std::make_unique<Progress>(streams.err);
    request.progress = [&](uint64_t bytes, uint64_t total) {
      progress->Update(bytes, total);
    };
  }
  Report report;
  Status status = RunAnalysis(request, &report);
  progress.reset();
  Check(status);
  for (const std::string& warning : report.input.warnings) {
    streams.err << "errscope: warning: " << warning << "\n";
  }

  std::string text;
  if (o.format == "json") {
    text = WriteJsonReport(report);
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
  ColumnOptions& c = o.request.columns;
  CLI::App* cmd = app.add_subcommand(
      "analyze",
      "Report where a classifier is wrong: confusion matrix, per-class "
      "metrics, most confused pairs");
  cmd->add_option("FILE", o.input,
                  "Predictions: .csv .tsv .json .jsonl/.ndjson, optionally "
                  ".gz; '-' reads stdin")
      ->required();

  cmd->add_option("-o,--output", o.output,
                  "Write the report to this file (atomically) instead of "
                  "stdout")
      ->option_text("FILE");
  cmd->add_option("-f,--format", o.format, "Report format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->add_option("--normalize", o.normalize,
                  "Confusion matrix in the text report: counts (none) or "
                  "shares of each true label, prediction or all rows")
      ->check(CLI::IsMember({"none", "true", "pred", "all"}))
      ->capture_default_str();
  cmd->add_option("--top-confusions", o.request.top_confusions,
                  "How many of the most confused (label, pred) pairs to list")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--color", o.color,
                  "Colour in the text report (auto: only on a terminal and "
                  "without NO_COLOR)")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();

  const char* input = "Input";
  cmd->add_option("--input-format", o.input_format,
                  "csv, tsv, json or jsonl (default: from the extension, "
                  "then the content)")
      ->group(input);
  cmd->add_option("--delimiter", o.delimiter,
                  "Field delimiter for CSV (one character, or 'tab'; "
                  "default: sniffed from the header)")
      ->group(input);
  cmd->add_flag("--strict", o.request.decode.strict,
                "Make a row with an empty label or prediction an error "
                "instead of skipping it")
      ->group(input);
  cmd->add_option("--threads", o.request.threads,
                  "Worker threads (default: one per core); the report is "
                  "identical for any value")
      ->check(CLI::NonNegativeNumber)
      ->group(input);

  // Hidden: small chunks make tests exercise splitting and merging.
  cmd->add_option("--chunk-bytes", o.request.reader.chunk_bytes)
      ->check(CLI::PositiveNumber)
      ->group("");

  const char* columns = "Columns (detected by name when omitted)";
  cmd->add_option("--label", c.label,
                  "True label column (label, y_true, target, truth, ...)")
      ->group(columns);
  cmd->add_option("--pred", c.pred,
                  "Predicted label column (pred, prediction, y_pred, ...)")
      ->group(columns);
  cmd->add_option("--confidence", c.confidence,
                  "Confidence of the prediction, or the positive score in "
                  "threshold mode (confidence, score, prob, ...)")
      ->group(columns);
  cmd->add_option("--proba-prefix", c.proba_prefix,
                  "One probability column per class, named PREFIX<class> "
                  "(p_, prob_, proba_ detected)")
      ->option_text("PREFIX")
      ->group(columns);
  cmd->add_option("--proba-field", c.proba_field,
                  "JSON field holding an array of class probabilities")
      ->group(columns);
  cmd->add_option("--classes", c.classes,
                  "Class of each --proba-field position, comma-separated "
                  "(default: the labels' sorted order)")
      ->delimiter(',')
      ->group(columns);
  cmd->add_option("--id", c.id, "Row id column (id, row_id, ...)")
      ->group(columns);
  cmd->add_option("--features", c.features,
                  "Feature columns, comma-separated (default: every other "
                  "column)")
      ->delimiter(',')
      ->group(columns);
  cmd->add_option("--ignore", c.ignore,
                  "Columns that are not features, comma-separated")
      ->delimiter(',')
      ->group(columns);

  const char* binary = "Binary problem with only a score column";
  cmd->add_option("--threshold", c.threshold,
                  "Predict --positive when score >= T (default 0.5)")
      ->check(CLI::Range(0.0, 1.0))
      ->option_text("T")
      ->group(binary);
  cmd->add_option("--positive", c.positive,
                  "The positive class (default: 1)")
      ->option_text("LABEL")
      ->group(binary);
  cmd->add_option("--negative", c.negative,
                  "The negative class (default: the other label seen)")
      ->option_text("LABEL")
      ->group(binary);

  cmd->footer(
      "Reports the confusion matrix (rows: true labels), per-class\n"
      "precision/recall/F1 and support, macro/weighted/micro averages,\n"
      "balanced accuracy, Cohen's kappa, MCC and the most confused pairs,\n"
      "with scikit-learn's definitions (docs/metrics.md). Columns are\n"
      "detected by name when not given; the report says which were used.\n"
      "Rows with an empty label or prediction are skipped with a warning.\n"
      "\n"
      "Examples:\n"
      "  errscope analyze examples/adult_predictions.csv.gz\n"
      "  errscope analyze examples/animals.csv --normalize true\n"
      "  errscope analyze examples/spam_scores.csv --threshold 0.5 "
      "--positive spam\n"
      "  errscope analyze examples/tickets.jsonl --proba-field probs "
      "--classes account,billing,bug\n"
      "  zcat preds.csv.gz | errscope analyze - --format json -o report.json");
  cmd->callback([options, &streams] { RunAnalyze(*options, streams); });
}

}  // namespace errscope::cli
