// errscope errors: write the misclassified rows themselves, as CSV or JSON
// Lines, for review or for the next tool in a pipe.
#include <errno.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "cli/cli.h"
#include "cli/input_options.h"
#include "errscope/atomic_file.h"
#include "errscope/pipeline.h"
#include "errscope/row_filter.h"

namespace errscope::cli {
namespace {

struct ErrorsOptions {
  InputOptions input;
  AnalyzeRequest request;
  std::vector<std::string> where;
  bool all = false;
  std::string format = "csv";
  std::string output;
};

/// -o FILE: the rows go to a temporary file next to FILE, renamed over it
/// once everything is written, so readers never see half an output (as
/// WriteFileAtomically does for texts that fit in memory). Destroyed before
/// Commit, it removes the temporary and leaves FILE alone.
class StreamingFile {
 public:
  explicit StreamingFile(std::string path)
      : path_(std::move(path)), temp_(path_ + ".errscope-XXXXXX") {
    fd_ = ::mkstemp(temp_.data());
    if (fd_ < 0) Fail("cannot create the output file");
    guard_ = std::make_unique<TempFileGuard>(temp_);
  }
  ~StreamingFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(temp_.c_str());
  }
  StreamingFile(const StreamingFile&) = delete;
  StreamingFile& operator=(const StreamingFile&) = delete;

  void Write(std::string_view text) {
    while (!text.empty()) {
      ssize_t n = ::write(fd_, text.data(), text.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) Fail("cannot write the output file");
      text.remove_prefix(static_cast<size_t>(n));
    }
  }

  void Commit() {
    // mkstemp creates 0600; give the output the usual permissions.
    mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd_, 0666 & ~mask);
    if (::fsync(fd_) != 0) Fail("cannot flush the output file");
    int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0) Fail("cannot close the output file");
    if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
      Fail("cannot write the output file");
    }
    committed_ = true;
  }

 private:
  [[noreturn]] void Fail(const char* what) const {
    throw CommandError(kExitUsageOrInput, fmt::format("{}: {}: {}", path_, what,
                                                      std::strerror(errno)));
  }

  std::string path_;
  std::string temp_;
  int fd_ = -1;
  bool committed_ = false;
  std::unique_ptr<TempFileGuard> guard_;  ///< Removes temp_ on Ctrl-C.
};

/// The output columns: `row`, the derived prediction and confidence when
/// the input has no such column, then every input column.
struct Layout {
  std::vector<std::string> names;
  bool pred = false;        ///< A derived prediction column follows `row`.
  bool confidence = false;  ///< A derived confidence column follows.
};

/// `name`, or `errscope_name` (repeated) when the input already has it.
std::string FreeName(std::string name, const std::vector<std::string>& taken) {
  while (std::find(taken.begin(), taken.end(), name) != taken.end()) {
    name = fmt::format("errscope_{}", name);
  }
  return name;
}

Layout MakeLayout(const ColumnMapping& m,
                  const std::vector<std::string>& columns) {
  Layout layout;
  layout.pred = m.pred < 0;
  layout.confidence = m.confidence < 0
                          ? m.has_probabilities()
                          : m.pred_source == PredSource::kThreshold;
  std::vector<std::string> taken = columns;
  auto add = [&](const char* name) {
    taken.push_back(FreeName(name, taken));
    layout.names.push_back(taken.back());
  };
  add("row");
  if (layout.pred) add("pred");
  if (layout.confidence) add("confidence");
  layout.names.insert(layout.names.end(), columns.begin(), columns.end());
  return layout;
}

/// RFC 4180: quoted only when it holds a comma, a quote, CR or LF.
void AppendCsvField(std::string_view cell, std::string* out) {
  if (cell.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(cell);
    return;
  }
  out->push_back('"');
  for (char c : cell) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

/// A JSON string; invalid UTF-8 becomes U+FFFD.
void AppendJsonString(std::string_view text, std::string* out) {
  bool plain = std::all_of(text.begin(), text.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x80 && c != '"' && c != '\\';
  });
  if (plain) {
    out->push_back('"');
    out->append(text);
    out->push_back('"');
    return;
  }
  out->append(
      nlohmann::json(std::string(text))
          .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

/// Writes the rows in CSV or JSON Lines; the header of CSV comes first,
/// but only once there is something to write (a failed run writes nothing).
class RowFormatter {
 public:
  RowFormatter(const Layout& layout, bool jsonl)
      : layout_(layout), jsonl_(jsonl) {}

  void Header(std::string* out) const {
    if (jsonl_) return;
    for (size_t i = 0; i < layout_.names.size(); ++i) {
      if (i > 0) out->push_back(',');
      AppendCsvField(layout_.names[i], out);
    }
    out->push_back('\n');
  }

  /// One output row: the data row number, the derived cells, then the
  /// input cells of `raw` row `r`.
  void Row(int64_t row, std::string_view pred, std::string_view confidence,
           const RawBatch& raw, size_t r, std::string* out) const {
    size_t column = 0;
    Begin(out);
    Field(column++, fmt::format("{}", row), true, out);
    if (layout_.pred) Field(column++, pred, false, out);
    if (layout_.confidence) Field(column++, confidence, false, out);
    for (size_t c = 0; c < raw.num_columns; ++c) {
      Field(column++, raw.cell(r, c), false, out);
    }
    out->append(jsonl_ ? "}\n" : "\n");
  }

 private:
  void Begin(std::string* out) const {
    if (jsonl_) out->push_back('{');
  }
  void Field(size_t column, std::string_view cell, bool number,
             std::string* out) const {
    if (!jsonl_) {
      if (column > 0) out->push_back(',');
      AppendCsvField(cell, out);
      return;
    }
    if (column > 0) out->push_back(',');
    AppendJsonString(layout_.names[column], out);
    out->push_back(':');
    if (number) {
      out->append(cell);
    } else if (cell.empty()) {
      out->append("null");
    } else {
      AppendJsonString(cell, out);
    }
  }

  const Layout& layout_;
  bool jsonl_;
};

/// The predicted class of threshold mode as text and identity. Without
/// --negative, "not positive" is the one other label (as in the report),
/// known only once a row has it: until then, output waits.
class ThresholdClasses {
 public:
  explicit ThresholdClasses(const ColumnMapping& m) : positive_(m.positive) {
    positive_key_ = KeyOf(positive_);
    if (m.negative) SetNegative(*m.negative);
    given_ = m.negative.has_value();
  }

  /// Learns the negative class from the labels of `batch`; fails when the
  /// labels are not binary (the report fails the same way).
  Status Learn(const PredictionBatch& batch) {
    if (given_) return Status::Ok();
    for (int32_t id : batch.label) {
      const ClassInfo& label = batch.classes[id];
      if (label.key == positive_key_ || label.key == negative_key_) continue;
      if (!negative_) {
        SetNegative(label.spelling);
        continue;
      }
      return Status::Error(fmt::format(
          "--threshold needs a binary problem, but the labels have classes "
          "'{}' and '{}' besides the positive class '{}'; name the classes "
          "with --positive and --negative, or give a pred column",
          *negative_, label.spelling, positive_));
    }
    return Status::Ok();
  }
  bool known() const { return negative_.has_value(); }
  /// At the end of the input: no other label was seen.
  void Finish() {
    if (!negative_) SetNegative(fmt::format("not {}", positive_));
  }

  bool IsPositive(const PredictionBatch& batch, size_t r) const {
    return batch.classes[batch.pred[r]].key == positive_key_;
  }
  const std::string& Text(bool positive) const {
    return positive ? positive_ : *negative_;
  }
  const std::string& Key(bool positive) const {
    return positive ? positive_key_ : negative_key_;
  }

 private:
  static std::string KeyOf(const std::string& spelling) {
    bool numeric = false;
    double value = 0;
    return ClassKey(spelling, &numeric, &value);
  }
  void SetNegative(const std::string& spelling) {
    negative_ = spelling;
    negative_key_ = KeyOf(spelling);
  }

  std::string positive_;
  std::string positive_key_;
  std::optional<std::string> negative_;
  std::string negative_key_;
  bool given_ = false;
};

/// One chunk, kept together: the batches hold views into the chunk.
struct Work {
  Chunk chunk;
  RawBatch raw;
  PredictionBatch batch;
};

class ErrorsCommand {
 public:
  ErrorsCommand(const ErrorsOptions& o, const PredictionInput& input,
                const RowFilter& filter, Streams& streams)
      : o_(o),
        input_(input),
        m_(input.mapping),
        filter_(filter),
        streams_(streams),
        layout_(MakeLayout(m_, input.reader->column_names())),
        formatter_(layout_, o.format == "jsonl"),
        threshold_(m_) {
    if (!o.output.empty() && o.output != "-") {
      file_ = std::make_unique<StreamingFile>(o.output);
    }
  }

  /// Reads the whole input and writes the rows; throws CommandError.
  void Run();
  /// Skipped rows and ignored JSON keys, once the output is complete.
  void PrintWarnings() const;

 private:
  void Emit(const Work& work);
  void Write(std::string_view text) {
    if (file_) {
      file_->Write(text);
    } else {
      WriteOutput("", text, streams_);
    }
  }

  const ErrorsOptions& o_;
  const PredictionInput& input_;
  const ColumnMapping& m_;
  const RowFilter& filter_;
  Streams& streams_;
  Layout layout_;
  RowFormatter formatter_;
  ThresholdClasses threshold_;
  std::unique_ptr<StreamingFile> file_;
  bool header_written_ = false;
  int64_t rows_read_ = 0;
  std::string partial_error_;  ///< With --allow-partial: what stopped it.
  LineTally skipped_;
  std::string unknown_key_;
  int64_t unknown_key_line_ = 0;
};

void ErrorsCommand::Emit(const Work& work) {
  const PredictionBatch& b = work.batch;
  const bool threshold = m_.pred_source == PredSource::kThreshold;
  std::string text;
  if (!header_written_ && b.rows() > 0) {
    formatter_.Header(&text);
    header_written_ = true;
  }
  std::string confidence;
  for (size_t r = 0; r < b.rows(); ++r) {
    if (!o_.all && b.correct(r)) continue;
    const bool positive = threshold && threshold_.IsPositive(b, r);
    const ClassInfo& pred = b.classes[b.pred[r]];
    FilterRow row{b.classes[b.label[r]].key,
                  threshold ? threshold_.Key(positive) : pred.key,
                  b.confidence[r]};
    if (!filter_.Matches(row)) continue;
    confidence.clear();
    if (!std::isnan(b.confidence[r])) {
      // 15 digits: 1 - 0.44 is written 0.56, not 0.5599999999999999.
      confidence = fmt::format("{:.15g}", b.confidence[r]);
    }
    formatter_.Row(
        b.row_number[r], threshold ? threshold_.Text(positive) : pred.spelling,
        confidence, work.raw,
        static_cast<size_t>(b.row_number[r] - work.raw.first_row - 1), &text);
  }
  if (!text.empty()) Write(text);
}

void ErrorsCommand::Run() {
  RecordReader& reader = *input_.reader;
  // Chunks decoded but not written: only while threshold mode still waits
  // for the negative class.
  std::deque<std::unique_ptr<Work>> pending;
  Status status;
  for (;;) {
    auto work = std::make_unique<Work>();
    if (!reader.NextChunk(&work->chunk, &status)) break;
    // One step: the listing reads every cell of the chunk after decoding.
    if (!DecodeChunk(reader, work->chunk, m_, o_.request.decode, SIZE_MAX,
                     &work->raw, &work->batch, &status)) {
      Check(status);
    }
    rows_read_ += work->batch.rows_read;
    skipped_.Merge(work->batch.skipped);
    if (unknown_key_.empty() && !work->raw.unknown_key.empty()) {
      unknown_key_ = work->raw.unknown_key;
      unknown_key_line_ = work->raw.unknown_key_line;
    }
    if (m_.pred_source == PredSource::kThreshold) {
      Check(threshold_.Learn(work->batch));
    }
    pending.push_back(std::move(work));
    if (m_.pred_source != PredSource::kThreshold || threshold_.known()) {
      for (const auto& w : pending) Emit(*w);
      pending.clear();
    }
    if (o_.request.progress) {
      o_.request.progress(reader.raw_bytes_read(), input_.info.file_size);
    }
  }
  if (!status.ok() && o_.request.allow_partial) {
    // As analyze --allow-partial: the rows before the read error, said so.
    partial_error_ = status.message();
    status = Status::Ok();
  }
  Check(status);
  // Same input errors as analyze.
  if (rows_read_ == 0) {
    throw CommandError(kExitUsageOrInput,
                       fmt::format("{}: no data rows: the input has a header "
                                   "but nothing after it",
                                   input_.info.name));
  }
  if (rows_read_ == skipped_.count) {
    throw CommandError(kExitUsageOrInput,
                       fmt::format("{}: no rows to analyze: all {} rows were "
                                   "skipped (empty label or prediction)",
                                   input_.info.name, rows_read_));
  }
  threshold_.Finish();
  for (const auto& w : pending) Emit(*w);
  if (!header_written_) {
    std::string header;
    formatter_.Header(&header);
    if (!header.empty()) Write(header);
  }
  if (file_) file_->Commit();
}

void ErrorsCommand::PrintWarnings() const {
  if (!partial_error_.empty()) {
    streams_.err << fmt::format(
        "errscope: warning: the input could not be read to the end ({}); "
        "only the {} rows read before were written (--allow-partial)\n",
        partial_error_, rows_read_);
  }
  if (skipped_.count > 0) {
    streams_.err << fmt::format(
        "errscope: warning: skipped {} row{} with an empty label, prediction, "
        "confidence or probability\n",
        skipped_.count, skipped_.count == 1 ? "" : "s");
  }
  if (!unknown_key_.empty()) {
    streams_.err << fmt::format(
        "errscope: warning: line {}: key '{}' is not in the first record; "
        "keys that the first record lacks are not written\n",
        unknown_key_line_, unknown_key_);
  }
}

void RunErrors(ErrorsOptions& o, Streams& streams) {
  RowFilter filter;
  Check(RowFilter::Parse(o.where, &filter));
  auto progress = ApplyInputOptions(o.input, streams, &o.request);
  PredictionInput input;
  Check(OpenPredictions(o.request, &input));
  ErrorsCommand command(o, input, filter, streams);
  command.Run();
  progress.reset();
  command.PrintWarnings();
}

}  // namespace

void SetupErrorsCommand(CLI::App& app, Streams& streams) {
  auto options = std::make_shared<ErrorsOptions>();
  ErrorsOptions& o = *options;
  CLI::App* cmd = app.add_subcommand(
      "errors",
      "Write the misclassified rows (label != pred) as CSV or JSON Lines");
  AddInputOptions(cmd, &o.request, &o.input);

  cmd->add_option("--where", o.where,
                  "Keep rows where EXPR holds: confidence OP NUMBER "
                  "(< <= > >= == !=), label==CLASS, pred!=CLASS, ...; "
                  "repeat to AND")
      ->option_text("EXPR")
      ->take_all()
      ->allow_extra_args(false);
  cmd->add_flag("--all", o.all,
                "Write every used row, not only the errors (--where still "
                "applies)");
  cmd->add_option("-f,--format", o.format, "Output format")
      ->check(CLI::IsMember({"csv", "jsonl"}))
      ->capture_default_str();
  cmd->add_option("-o,--output", o.output,
                  "Write to this file (atomically, when complete) instead of "
                  "stdout")
      ->option_text("FILE");

  cmd->footer(
      "Writes the rows whose prediction differs from the label, in input\n"
      "order: `row` (the 1-based data row), the prediction and confidence\n"
      "when they are derived (argmax or --threshold; named errscope_pred,\n"
      "errscope_confidence if the input has such columns), then every input\n"
      "column with its original text. Classes compare as in the report\n"
      "(label==1 matches 1.0); a row without a confidence never passes a\n"
      "confidence condition. Skipped rows are never written. See\n"
      "docs/errors.md.\n"
      "\n"
      "Examples:\n"
      "  errscope errors examples/animals.csv\n"
      "  errscope errors examples/adult_predictions.csv.gz "
      "--where 'confidence>=0.9' | head\n"
      "  errscope errors examples/spam_scores.csv --threshold 0.5 "
      "--positive spam --where label==spam\n"
      "  errscope errors examples/tickets.jsonl --format jsonl "
      "--where pred==billing\n"
      "  errscope errors examples/animals.csv --all --where 'confidence<0.6' "
      "-o unsure.csv\n"
      "  errscope errors examples/adult_predictions.csv.gz --all "
      "--where 'confidence<0.7' \\\n"
      "    | errscope analyze - --ignore row");
  cmd->callback([options, &streams] { RunErrors(*options, streams); });
}

}  // namespace errscope::cli
