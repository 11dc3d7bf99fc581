#pragma once

#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "errscope/analyzer.h"
#include "errscope/prediction_batch.h"
#include "errscope/record_reader.h"
#include "errscope/report.h"

namespace errscope::test {

/// Absolute path of a file in the source tree ("examples/animals.csv").
std::string SourcePath(const std::string& relative);

/// What a CLI run printed and returned.
struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs errscope in-process with `args` (without the program name).
CliResult RunCli(const std::vector<std::string>& args);

/// Runs the real binary through the shell: `command` is appended to the
/// binary's path (so it may contain redirections and pipes).
CliResult RunBinary(const std::string& command);

/// Runs a /bin/sh script in which "$ERRSCOPE" is the real binary.
CliResult RunShell(const std::string& script);

/// A fresh directory under /tmp, removed with its files at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  /// Writes `contents` to path()/name and returns the full path.
  std::string Write(const std::string& name, const std::string& contents) const;

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path);

/// Every record of an input given as a string, parsed into cells
/// (`chunk_bytes` small to exercise chunking). Fails the test on error.
struct ParsedInput {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  std::vector<int64_t> lines;
  std::string format;
};
/// Returns false and sets `error` instead when the input is malformed.
/// With `read_step` > 0 the reader gets at most that many bytes per read, as
/// from a pipe, so that every scanner state meets a block boundary.
bool ParseAll(const std::string& data, const std::string& name,
              const ReaderOptions& options, ParsedInput* parsed,
              std::string* error, size_t read_step = 0);

/// ParseAll that fails the test on a parse error.
ParsedInput ParseOk(const std::string& data, const std::string& name,
                    const ReaderOptions& options = {}, size_t read_step = 0);
/// ParseAll that fails the test unless the input is rejected; returns the
/// error message.
std::string ParseFails(const std::string& data, const std::string& name,
                       const ReaderOptions& options = {});

/// A CSV text read and decoded as the pipeline does, in chunks of about
/// `chunk_bytes`: the settings the pipeline would make for it, and its
/// batches with the chunks and raw batches their cells point into (kept at
/// fixed addresses).
struct DecodedCsv {
  AnalyzerSettings settings;
  std::deque<Chunk> chunks;
  std::deque<RawBatch> raws;
  std::deque<PredictionBatch> batches;
};
/// Fails the test on a reading, column or decoding error.
std::unique_ptr<DecodedCsv> DecodeCsv(const std::string& csv,
                                      size_t chunk_bytes,
                                      const ColumnOptions& columns = {},
                                      const AnalysisOptions& options = {});

/// One partial per batch of `input`, as the pipeline's workers make them.
std::vector<std::unique_ptr<Partial>> PartialPerBatch(const Analyzer& analyzer,
                                                      const DecodedCsv& input);

/// The report section(s) `analyzer` writes for `input` when its per-batch
/// partials are merged in batch order, as the pipeline does.
Report AnalyzeInOrder(const Analyzer& analyzer, const DecodedCsv& input);

/// The names NAME of the files DIR/NAME.expected.json (DIR relative to the
/// source tree), sorted.
std::vector<std::string> FixtureNames(const std::string& dir);

/// A report with only a confusion section: the classes, each row 3 right
/// and 1 wrong (predicted as the next class), metrics computed.
Report ConfusionOnlyReport(std::vector<std::string> classes);
/// ConfusionOnlyReport with classes class_0, class_1, ...
Report ConfusionOnlyReport(size_t classes);

/// gzip-compresses `data` (one member).
std::string Gzip(const std::string& data);

/// Checks that every value in `expected` is in `actual` (extra keys in
/// `actual` are fine; arrays must have the same length); floats to 1e-9
/// relative or absolute. `path` names the place in failure messages.
void ExpectSubset(const nlohmann::json& expected, const nlohmann::json& actual,
                  const std::string& path);

}  // namespace errscope::test
