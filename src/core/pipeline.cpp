// Batches → per-chunk partials on worker threads → merge in chunk order.
#include "errscope/pipeline.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <mutex>
#include <thread>

#include "errscope/analyzer.h"
#include "errscope/byte_source.h"

namespace errscope {
namespace {

/// One chunk on its way through the pipeline.
struct Work {
  Chunk chunk;
  RawBatch raw;
  PredictionBatch batch;
  std::vector<std::unique_ptr<Partial>> partials;
  Status status;
  bool done = false;
  uint64_t bytes_read = 0;  ///< Of the input, once this chunk was cut.
  /// The worker that read and processed the chunk: its buffers are in
  /// that worker's core's caches.
  size_t worker = 0;

  /// Ready for the next chunk. The chunk, cells and batch are replaced by
  /// reading and decoding it; their buffers stay allocated.
  void Recycle() {
    partials.clear();
    status = Status::Ok();
    done = false;
    bytes_read = 0;
  }
};

/// Input counts and warnings, merged like an analyzer's partial.
struct InputTally {
  int64_t rows_read = 0;
  LineTally skipped;
  LineTally proba_sum_off;
  LineTally pred_not_in_probabilities;
  std::string unknown_key;
  int64_t unknown_key_line = 0;

  void Merge(const Work& w) {
    rows_read += w.batch.rows_read;
    skipped.Merge(w.batch.skipped);
    proba_sum_off.Merge(w.batch.proba_sum_off);
    pred_not_in_probabilities.Merge(w.batch.pred_not_in_probabilities);
    if (unknown_key.empty() && !w.raw.unknown_key.empty()) {
      unknown_key = w.raw.unknown_key;
      unknown_key_line = w.raw.unknown_key_line;
    }
  }
};

class Pipeline {
 public:
  Pipeline(const AnalyzeRequest& request, RecordReader* reader,
           uint64_t file_size, const ColumnMapping& mapping,
           const std::vector<std::unique_ptr<Analyzer>>& analyzers)
      : request_(request),
        file_size_(file_size),
        reader_(*reader),
        mapping_(mapping),
        analyzers_(analyzers) {
    for (const auto& a : analyzers_) totals_.push_back(a->NewPartial());
  }

  /// Runs every chunk through the analyzers; the results are in totals().
  Status Run(unsigned threads);

  const std::vector<std::unique_ptr<Partial>>& totals() const {
    return totals_;
  }
  std::unique_ptr<Partial> TakeTotal(size_t i) { return std::move(totals_[i]); }
  const InputTally& tally() const { return tally_; }
  /// With allow_partial: the read error that ended the input early.
  const std::string& partial_error() const { return partial_error_; }

 private:
  void Process(Work* work) const;
  /// A read error ends the run, or with allow_partial only the input.
  Status ReadFailed(const Status& status);
  void MergeResult(const Work& work);
  Status RunInline();
  Status RunThreaded(unsigned threads);
  /// Reads a chunk (one worker at a time, in input order, while fewer than
  /// `window` are in flight) and processes it, until the input ends or a
  /// chunk fails; worker 0 also merges what is finished, to the end.
  void WorkerLoop(size_t worker, size_t window);
  /// A merged chunk's Work for `worker` to read into (null: none spare),
  /// one that worker had before if there is one. mutex_ held.
  std::unique_ptr<Work> TakeSpareWork(size_t worker);
  /// Merges the finished chunks at the front of in_flight_; `lock` holds
  /// mutex_ on entry and on return.
  void MergeFinished(std::unique_lock<std::mutex>& lock);

  const AnalyzeRequest& request_;
  uint64_t file_size_;
  RecordReader& reader_;
  const ColumnMapping& mapping_;
  const std::vector<std::unique_ptr<Analyzer>>& analyzers_;
  std::vector<std::unique_ptr<Partial>> totals_;
  InputTally tally_;

  // Threaded mode. Each worker reads the chunk it processes: the bytes
  // read(2) copies are then in that core's cache when it parses them
  // (profiled: with a reading thread handing chunks to workers, parsing
  // and decoding took 15% more CPU than with one thread).
  std::mutex mutex_;
  bool reading_ = false;     ///< A worker is reading a chunk.
  bool input_done_ = false;  ///< The input ended, or a read failed.
  Status read_status_;       ///< Written by the reading worker only.
  /// Chunks read and not yet merged, oldest first.
  std::deque<std::unique_ptr<Work>> in_flight_;
  /// in_flight_ shrank, a read ended, or a chunk failed.
  std::condition_variable room_;
  bool merging_ = false;
  bool failed_ = false;
  Status status_;  ///< The first failed chunk's, in chunk order.
  std::string partial_error_;
  /// Merged chunks' Work, for the next chunks read: their buffers keep
  /// their capacity, where a fresh Work per chunk was megabytes of fresh
  /// pages for the kernel to fault in. At most `window` exist.
  std::vector<std::unique_ptr<Work>> spare_work_;
};

Status Pipeline::ReadFailed(const Status& status) {
  if (status.ok() || !request_.allow_partial) return status;
  partial_error_ = status.message();
  return Status::Ok();
}

void Pipeline::Process(Work* work) const {
  // 256 records: their cells (16 bytes each, 70 KB for 17 columns) stay
  // in the second-level cache between parsing and decoding (1,024 measured
  // the same, 64 slower).
  constexpr size_t kRecordsPerStep = 256;
  if (!DecodeChunk(reader_, work->chunk, mapping_, request_.decode,
                   kRecordsPerStep, &work->raw, &work->batch, &work->status)) {
    return;
  }
  for (size_t i = 0; i < analyzers_.size(); ++i) {
    work->partials.push_back(analyzers_[i]->NewPartialFor(*totals_[i]));
    analyzers_[i]->Add(work->batch, work->partials.back().get());
  }
}

void Pipeline::MergeResult(const Work& work) {
  tally_.Merge(work);
  for (size_t i = 0; i < analyzers_.size(); ++i) {
    analyzers_[i]->Merge(*work.partials[i], totals_[i].get());
  }
  if (request_.progress) {
    request_.progress(work.bytes_read, file_size_);
  }
}

Status Pipeline::RunInline() {
  Work work;  // reused: its buffers keep their capacity
  for (;;) {
    if (!reader_.NextChunk(&work.chunk, &work.status)) {
      return ReadFailed(work.status);
    }
    work.bytes_read = reader_.raw_bytes_read();
    Process(&work);
    if (!work.status.ok()) return work.status;
    MergeResult(work);
    work.Recycle();
  }
}

void Pipeline::WorkerLoop(size_t worker, size_t window) {
  // Worker 0 (the calling thread) does all the merging, so that the
  // running totals (megabytes for a column of many values) stay in its
  // core's caches; when workers took turns, each merge first moved them
  // from the other core (profiled on a 2-core AMD machine: merges took 3
  // times the CPU with two threads as with one, in some runs).
  const bool merges = worker == 0;
  auto front_done = [&] {
    return !in_flight_.empty() && in_flight_.front()->done;
  };
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    room_.wait(lock, [&] {
      return input_done_ || failed_ ||
             (!reading_ && in_flight_.size() < window) ||
             (merges && front_done());
    });
    if (merges && front_done() && !failed_) {
      MergeFinished(lock);  // first: it makes room
      continue;
    }
    if (input_done_ || failed_) break;
    reading_ = true;
    std::unique_ptr<Work> work = TakeSpareWork(worker);
    lock.unlock();
    if (!work) work = std::make_unique<Work>();
    work->worker = worker;
    const bool read = reader_.NextChunk(&work->chunk, &read_status_);
    work->bytes_read = reader_.raw_bytes_read();
    lock.lock();
    reading_ = false;
    room_.notify_all();  // the next worker may read
    if (!read) {
      input_done_ = true;
      spare_work_.push_back(std::move(work));
      break;
    }
    Work* mine = work.get();
    in_flight_.push_back(std::move(work));
    lock.unlock();
    Process(mine);
    lock.lock();
    mine->done = true;
    if (merges) {
      MergeFinished(lock);
    } else {
      room_.notify_all();  // for worker 0 to merge it
    }
  }
  if (!merges) return;
  // The input is read: merge the chunks still in flight as they finish.
  for (;;) {
    room_.wait(lock,
               [&] { return failed_ || in_flight_.empty() || front_done(); });
    if (failed_ || in_flight_.empty()) return;
    MergeFinished(lock);
  }
}

std::unique_ptr<Work> Pipeline::TakeSpareWork(size_t worker) {
  if (spare_work_.empty()) return nullptr;
  // A worker's own Work first: its megabytes of buffers (the chunk's
  // bytes, cells, decoded rows) were last written in its core's caches,
  // and writing them from another core moved every line across. Profiled
  // on a 2-core AMD machine: with shared Work, two threads took 25-40%
  // more CPU than one (a zero-fill of the read buffer 5 times as long,
  // decoding 30% longer); two separate processes took 4% more.
  auto mine = std::find_if(spare_work_.rbegin(), spare_work_.rend(),
                           [&](const std::unique_ptr<Work>& w) {
                             return w->worker == worker;
                           });
  if (mine == spare_work_.rend()) mine = spare_work_.rbegin();
  std::unique_ptr<Work> work = std::move(*mine);
  spare_work_.erase(std::next(mine).base());
  return work;
}

void Pipeline::MergeFinished(std::unique_lock<std::mutex>& lock) {
  // Strictly in chunk order, by worker 0 only (see WorkerLoop), so that
  // merging overlaps with the other workers' reading and processing.
  if (merging_) return;  // that thread will also merge this chunk
  merging_ = true;
  while (!failed_ && !in_flight_.empty() && in_flight_.front()->done) {
    std::unique_ptr<Work> oldest = std::move(in_flight_.front());
    in_flight_.pop_front();
    lock.unlock();
    const bool ok = oldest->status.ok();
    if (ok) MergeResult(*oldest);
    lock.lock();
    if (!ok) {
      failed_ = true;
      status_ = oldest->status;
    }
    room_.notify_all();
    lock.unlock();
    oldest->Recycle();  // frees the partials: outside the lock
    lock.lock();
    spare_work_.push_back(std::move(oldest));
  }
  merging_ = false;
}

Status Pipeline::RunThreaded(unsigned threads) {
  // At most `window` chunks are read but not yet merged, so memory does not
  // grow with the input.
  const size_t window = 2 * static_cast<size_t>(threads) + 1;
  std::vector<std::thread> workers;
  for (unsigned i = 1; i < threads; ++i) {
    workers.emplace_back([this, i, window] { WorkerLoop(i, window); });
  }
  WorkerLoop(0, window);  // this thread is one of the workers
  for (std::thread& t : workers) t.join();
  // An error in a chunk comes before a read error further on: the chunks
  // read before it were all finished and merged, or one of them failed.
  in_flight_.clear();  // chunks after a failed one
  return failed_ ? status_ : ReadFailed(read_status_);
}

Status Pipeline::Run(unsigned threads) {
  return threads <= 1 ? RunInline() : RunThreaded(threads);
}

/// For a JSON probability array without --classes: the classes of the label
/// and pred columns in sorted order, from a first pass over the file.
Status ScanClassOrder(const AnalyzeRequest& request, ColumnMapping* mapping) {
  if (request.path == "-") {
    return Status::Error(
        "--proba-field on stdin needs --classes (the class of each array "
        "position), since the input cannot be read twice");
  }
  SourceInfo info;
  Status status;
  auto source = OpenInput(request.path, &info, &status);
  if (!source) return status;
  auto reader = OpenRecordReader(std::move(source), info, request.reader,
                                 &status);
  if (!reader) return status;
  ClassIndex classes;
  Chunk chunk;
  RawBatch raw;
  while (reader->NextChunk(&chunk, &status)) {
    if (!reader->ParseChunk(chunk, &raw, &status)) return status;
    for (size_t r = 0; r < raw.rows(); ++r) {
      for (int column : {mapping->label, mapping->pred}) {
        if (column >= 0 && !raw.cell(r, column).empty()) {
          classes.Intern(raw.cell(r, column), raw.first_row + r);
        }
      }
    }
  }
  if (!status.ok()) return status;
  for (int32_t id : classes.SortedIds()) {
    mapping->proba_classes.push_back(classes[id].spelling);
  }
  return Status::Ok();
}

std::string LinesText(const LineTally& tally) {
  std::string lines = fmt::format("{}", fmt::join(tally.first_lines, ", "));
  if (tally.count > static_cast<int64_t>(tally.first_lines.size())) {
    lines += ", ...";
  }
  return fmt::format("line{} {}", tally.count == 1 ? "" : "s", lines);
}

/// "1 row has" / "3 rows have".
std::string Rows(int64_t count, const char* one, const char* many) {
  return fmt::format("{} {}", count, count == 1 ? one : many);
}

void FillInputSection(const SourceInfo& info, const RecordReader& reader,
                      const ColumnMapping& m, const InputTally& tally,
                      InputSection* input) {
  const std::vector<std::string>& names = reader.column_names();
  input->source = info.name;
  input->format = FormatName(reader.format());
  input->compression = info.gzip ? "gzip" : "none";
  input->rows_read = tally.rows_read;
  input->rows_skipped = tally.skipped.count;
  input->rows_used = tally.rows_read - tally.skipped.count;
  auto name = [&](int column) -> std::optional<std::string> {
    if (column < 0) return std::nullopt;
    return names[column];
  };
  ColumnsUsed& c = input->columns;
  c.label = names[m.label];
  c.pred = name(m.pred);
  c.confidence = name(m.confidence);
  c.id = name(m.id);
  c.probability_classes = m.proba_classes;
  for (int column : m.proba_columns) c.probability_columns.push_back(names[column]);
  for (size_t i = 0; m.proba_field >= 0 && i < m.proba_classes.size(); ++i) {
    c.probability_columns.push_back(fmt::format("{}[{}]", names[m.proba_field], i));
  }
  for (int column : m.features) c.features.push_back(names[column]);
  switch (m.pred_source) {
    case PredSource::kColumn: input->pred_source = "column"; break;
    case PredSource::kArgmax: input->pred_source = "argmax"; break;
    case PredSource::kThreshold:
      input->pred_source = "threshold";
      input->threshold = m.threshold;
      input->positive = m.positive;
      break;
  }
  std::vector<std::string>& w = input->warnings;
  if (tally.skipped.count > 0) {
    w.push_back(fmt::format(
        "skipped {} row{} with an empty label, prediction, confidence or "
        "probability ({})",
        tally.skipped.count, tally.skipped.count == 1 ? "" : "s",
        LinesText(tally.skipped)));
  }
  if (tally.proba_sum_off.count > 0) {
    w.push_back(fmt::format(
        "{} probabilities that do not sum to 1 (off by more than "
        "0.01) ({}); they are used as given",
        Rows(tally.proba_sum_off.count, "row has", "rows have"),
        LinesText(tally.proba_sum_off)));
  }
  if (tally.pred_not_in_probabilities.count > 0) {
    w.push_back(fmt::format(
        "{} a class that has no probability column ({}); their "
        "confidence is unknown",
        Rows(tally.pred_not_in_probabilities.count, "row predicts",
             "rows predict"),
        LinesText(tally.pred_not_in_probabilities)));
  }
  if (!tally.unknown_key.empty()) {
    w.push_back(fmt::format(
        "line {}: key '{}' is not in the first record; keys that the first "
        "record lacks are ignored",
        tally.unknown_key_line, tally.unknown_key));
  }
}

}  // namespace

bool DecodeChunk(const RecordReader& reader, const Chunk& chunk,
                 const ColumnMapping& mapping, const DecodeOptions& options,
                 size_t records_per_step, RawBatch* scratch,
                 PredictionBatch* out, Status* status) {
  const size_t records = chunk.records.size();
  StartDecode(mapping, records, out);
  scratch->Clear();
  for (size_t first = 0; first < records; first += records_per_step) {
    const size_t count = std::min(records_per_step, records - first);
    Status parse_status;
    const bool parsed =
        reader.ParseRecords(chunk, first, count, scratch, &parse_status);
    // The records before a parse error are decoded first: an error in one
    // of them comes earlier in the input.
    if (!DecodeRows(*scratch, mapping, reader.column_names(),
                    reader.source_name(), options, out, status)) {
      return false;
    }
    if (!parsed) {
      *status = parse_status;
      return false;
    }
  }
  return true;
}

Status OpenPredictions(const AnalyzeRequest& request, PredictionInput* input) {
  Status status;
  auto source = OpenInput(request.path, &input->info, &status);
  if (!source) return status;
  input->reader = OpenRecordReader(std::move(source), input->info,
                                   request.reader, &status);
  if (!input->reader) return status;
  status = ResolveColumns(input->reader->column_names(), request.columns,
                          &input->mapping);
  if (!status.ok()) {
    return Status::Error(input->info.name + ": " + status.message());
  }
  if (input->mapping.proba_field >= 0 && input->mapping.proba_classes.empty()) {
    return ScanClassOrder(request, &input->mapping);
  }
  return Status::Ok();
}

Status RunAnalysis(const AnalyzeRequest& request, Report* report) {
  std::vector<std::unique_ptr<Analyzer>> none;
  std::vector<std::unique_ptr<Partial>> no_totals;
  return RunAnalysisWith(request, nullptr, report, &none, &no_totals);
}

Status RunAnalysisWith(const AnalyzeRequest& request,
                       const ExtraAnalyzers& make_extra, Report* report,
                       std::vector<std::unique_ptr<Analyzer>>* extra,
                       std::vector<std::unique_ptr<Partial>>* extra_totals) {
  PredictionInput opened;
  Status status = OpenPredictions(request, &opened);
  if (!status.ok()) return status;
  const SourceInfo& info = opened.info;
  RecordReader* reader = opened.reader.get();

  AnalyzerSettings settings;
  settings.mapping = opened.mapping;
  settings.column_names = reader->column_names();
  settings.options = request.analysis;

  std::vector<std::unique_ptr<Analyzer>> analyzers;
  for (const AnalyzerInfo& entry : AnalyzerTable()) {
    analyzers.push_back(entry.make(settings));
  }
  const size_t own = analyzers.size();
  if (make_extra) {
    for (auto& a : make_extra(settings)) analyzers.push_back(std::move(a));
  }
  unsigned threads = request.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());

  Pipeline pipeline(request, reader, info.file_size, settings.mapping,
                    analyzers);
  status = pipeline.Run(threads);
  if (!status.ok()) return status;

  *report = Report();
  FillInputSection(info, *reader, settings.mapping, pipeline.tally(),
                   &report->input);
  if (report->input.rows_read == 0) {
    // --allow-partial with nothing before the error: the error it is.
    if (!pipeline.partial_error().empty()) {
      return Status::Error(pipeline.partial_error());
    }
    return Status::Error(fmt::format(
        "{}: no data rows: the input has a header but nothing after it",
        info.name));
  }
  if (report->input.rows_used == 0) {
    return Status::Error(fmt::format(
        "{}: no rows to analyze: all {} rows were skipped; {}", info.name,
        report->input.rows_read, report->input.warnings.front()));
  }
  if (!pipeline.partial_error().empty()) {
    report->input.partial = true;
    report->input.partial_error = pipeline.partial_error();
    report->input.warnings.insert(
        report->input.warnings.begin(),
        fmt::format("the input could not be read to the end ({}); this "
                    "report covers only the {} rows read before "
                    "(--allow-partial)",
                    pipeline.partial_error(), report->input.rows_read));
  }
  for (size_t i = 0; i < own; ++i) {
    status = analyzers[i]->Finish(*pipeline.totals()[i], report);
    if (!status.ok()) return status;
  }
  extra->clear();
  extra_totals->clear();
  for (size_t i = own; i < analyzers.size(); ++i) {
    extra->push_back(std::move(analyzers[i]));
    extra_totals->push_back(pipeline.TakeTotal(i));
  }
  return Status::Ok();
}

}  // namespace errscope
