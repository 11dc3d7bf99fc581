#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "errscope/analyzer.h"
#include "errscope/byte_source.h"
#include "errscope/columns.h"
#include "errscope/prediction_batch.h"
#include "errscope/record_reader.h"
#include "errscope/report.h"
#include "errscope/status.h"

namespace errscope {

/// Everything `errscope analyze` needs to know, independent of the CLI.
struct AnalyzeRequest {
  std::string path;  ///< "-" reads stdin.
  ReaderOptions reader;
  ColumnOptions columns;
  DecodeOptions decode;
  AnalysisOptions analysis;
  /// Worker threads; 0 means one per available core. The report is the
  /// same for any value: chunks are cut independently of it and partials
  /// are merged in chunk order.
  unsigned threads = 0;
  /// When the input cannot be read to the end (a truncated gzip, a read
  /// error, an unterminated quote at the end), report on the rows read
  /// before instead of failing; the report says so (input.partial).
  bool allow_partial = false;
  /// Called after each chunk is merged (by one thread at a time, not always
  /// the same one) with the raw bytes read so far and the file size (0 when
  /// unknown).
  std::function<void(uint64_t, uint64_t)> progress;
};

/// An input opened for reading predictions: its reader and the role of
/// each column.
struct PredictionInput {
  SourceInfo info;
  std::unique_ptr<RecordReader> reader;
  ColumnMapping mapping;
};

/// Opens `request.path`, reads its header and decides the column roles
/// (for a JSON probability array without --classes, after a first pass over
/// the labels).
Status OpenPredictions(const AnalyzeRequest& request, PredictionInput* input);

/// Parses and decodes the records of `chunk` into `out`, `records_per_step`
/// at a time through `scratch` (cells of a few records stay in the nearest
/// caches between parsing and decoding; SIZE_MAX leaves every cell of the
/// chunk in `scratch`, for a caller that reads them after). Errors come in
/// input order: a record that does not parse is reported only once the
/// records before it decoded without an error, so the error reported does
/// not depend on where chunks or steps end.
bool DecodeChunk(const RecordReader& reader, const Chunk& chunk,
                 const ColumnMapping& mapping, const DecodeOptions& options,
                 size_t records_per_step, RawBatch* scratch,
                 PredictionBatch* out, Status* status);

/// Reads the input in chunks, decodes and analyzes them on worker threads,
/// merges the partials in order and writes every analyzer's section.
Status RunAnalysis(const AnalyzeRequest& request, Report* report);

/// Makes analyzers that run alongside the report's own, once the input's
/// columns are known.
using ExtraAnalyzers = std::function<std::vector<std::unique_ptr<Analyzer>>(
    const AnalyzerSettings&)>;

/// RunAnalysis, with the analyzers `make_extra` returns run in the same
/// pass over the input; their merged partials are moved to `extra_totals`
/// (in the same order) together with the analyzers, and not finished: the
/// caller reads them.
Status RunAnalysisWith(const AnalyzeRequest& request,
                       const ExtraAnalyzers& make_extra, Report* report,
                       std::vector<std::unique_ptr<Analyzer>>* extra,
                       std::vector<std::unique_ptr<Partial>>* extra_totals);

}  // namespace errscope
