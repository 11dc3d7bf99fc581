#include "test_util.h"

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/cli.h"
#include "errscope/byte_source.h"
#include "errscope/classification_metrics.h"

namespace errscope::test {

std::string SourcePath(const std::string& relative) {
  return std::string(ERRSCOPE_SOURCE_DIR) + "/" + relative;
}

CliResult RunCli(const std::vector<std::string>& args) {
  std::vector<const char*> argv = {"errscope"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  cli::Streams streams{out, err, false, false};
  CliResult result;
  result.exit_code =
      cli::Main(static_cast<int>(argv.size()), argv.data(), streams);
  result.out = out.str();
  result.err = err.str();
  return result;
}

CliResult RunBinary(const std::string& command) {
  return RunShell("\"$ERRSCOPE\" " + command);
}

CliResult RunShell(const std::string& script) {
  TempDir dir;
  std::string err_path = dir.path() + "/stderr";
  std::string script_path = dir.Write("script.sh", script + "\n");
  std::string full = std::string("ERRSCOPE='") + ERRSCOPE_BINARY +
                     "' /bin/sh " + script_path + " 2>" + err_path;
  CliResult result;
  FILE* pipe = ::popen(full.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    result.out.append(buffer, n);
  }
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.err = ReadFile(err_path);
  return result;
}

TempDir::TempDir() {
  std::string pattern = "/tmp/errscope-test-XXXXXX";
  REQUIRE(::mkdtemp(pattern.data()) != nullptr);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::Write(const std::string& name,
                           const std::string& contents) const {
  std::string path = path_ + "/" + name;
  std::ofstream(path, std::ios::binary) << contents;
  return path;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

namespace {
/// Hands out at most `step` bytes per Read.
class TrickleSource : public ByteSource {
 public:
  TrickleSource(std::string data, size_t step)
      : data_(std::move(data)), step_(step) {}
  bool Read(char* buffer, size_t capacity, size_t* got, Status*) override {
    *got = std::min({capacity, step_, data_.size() - offset_});
    std::memcpy(buffer, data_.data() + offset_, *got);
    offset_ += *got;
    return true;
  }
  uint64_t raw_bytes_read() const override { return offset_; }

 private:
  std::string data_;
  size_t step_;
  size_t offset_ = 0;
};
}  // namespace

bool ParseAll(const std::string& data, const std::string& name,
              const ReaderOptions& options, ParsedInput* parsed,
              std::string* error, size_t read_step) {
  SourceInfo info;
  info.name = name;
  Status status;
  std::unique_ptr<ByteSource> source =
      read_step > 0 ? std::make_unique<TrickleSource>(data, read_step)
                    : OpenString(data, &info);
  auto reader = OpenRecordReader(std::move(source), info, options, &status);
  if (!reader) {
    *error = status.message();
    return false;
  }
  parsed->columns = reader->column_names();
  parsed->format = FormatName(reader->format());
  Chunk chunk;
  RawBatch batch;
  int64_t expected_row = 0;
  while (reader->NextChunk(&chunk, &status)) {
    REQUIRE(chunk.first_row == expected_row);
    if (!reader->ParseChunk(chunk, &batch, &status)) break;
    for (size_t r = 0; r < batch.rows(); ++r) {
      std::vector<std::string> row;
      for (size_t c = 0; c < batch.num_columns; ++c) {
        row.emplace_back(batch.cell(r, c));
      }
      parsed->rows.push_back(std::move(row));
      parsed->lines.push_back(batch.lines[r]);
    }
    expected_row += static_cast<int64_t>(batch.rows());
  }
  if (!status.ok()) {
    *error = status.message();
    return false;
  }
  return true;
}

ParsedInput ParseOk(const std::string& data, const std::string& name,
                    const ReaderOptions& options, size_t read_step) {
  ParsedInput parsed;
  std::string error;
  bool ok = ParseAll(data, name, options, &parsed, &error, read_step);
  INFO("error: " << error);
  REQUIRE(ok);
  return parsed;
}

std::string ParseFails(const std::string& data, const std::string& name,
                       const ReaderOptions& options) {
  ParsedInput parsed;
  std::string error;
  REQUIRE_FALSE(ParseAll(data, name, options, &parsed, &error));
  return error;
}

Report ConfusionOnlyReport(std::vector<std::string> classes) {
  Report report;
  report.input.source = "preds.csv";
  report.input.format = "csv";
  report.input.compression = "none";
  report.input.pred_source = "column";
  report.input.columns.label = "label";
  report.input.columns.pred = "pred";
  ConfusionSection c;
  const size_t k = classes.size();
  c.classes = std::move(classes);
  c.counts = CountMatrix::Zero(k, k);
  for (size_t i = 0; i < k; ++i) {
    c.counts(i, i) = 3;
    c.counts(i, (i + 1) % k) += 1;
  }
  c.cells = NonZeroCells(c.counts);
  ComputeClassificationMetrics(&c);
  c.top_confusions = TopConfusions(c, 10);
  SummarySection s;
  s.rows = c.counts.sum();
  s.errors = static_cast<int64_t>(k);
  s.correct = s.rows - s.errors;
  report.summary = s;
  report.confusion = c;
  report.input.rows_read = report.input.rows_used = s.rows;
  return report;
}

Report ConfusionOnlyReport(size_t classes) {
  std::vector<std::string> names;
  for (size_t i = 0; i < classes; ++i) {
    names.push_back("class_" + std::to_string(i));
  }
  return ConfusionOnlyReport(std::move(names));
}

std::string Gzip(const std::string& data) {
  z_stream s{};
  REQUIRE(deflateInit2(&s, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) ==
          Z_OK);
  std::string out(deflateBound(&s, data.size()) + 64, '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  s.avail_in = static_cast<uInt>(data.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&s, Z_FINISH) == Z_STREAM_END);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

void ExpectSubset(const nlohmann::json& expected, const nlohmann::json& actual,
                  const std::string& path) {
  INFO("at " << path);
  if (expected.is_object()) {
    REQUIRE(actual.is_object());
    for (const auto& [key, value] : expected.items()) {
      if (!actual.contains(key))
        FAIL("missing key '" << key << "' at " << path);
      ExpectSubset(value, actual.at(key), path + "." + key);
    }
  } else if (expected.is_array()) {
    REQUIRE(actual.is_array());
    REQUIRE(actual.size() == expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      ExpectSubset(expected[i], actual[i],
                   path + "[" + std::to_string(i) + "]");
    }
  } else if (expected.is_number_float()) {
    REQUIRE(actual.is_number());
    double e = expected.get<double>(), a = actual.get<double>();
    CHECK_THAT(a, Catch::Matchers::WithinAbs(e, 1e-9) ||
                      Catch::Matchers::WithinRel(e, 1e-9));
  } else {
    CHECK(actual == expected);
  }
}

std::unique_ptr<DecodedCsv> DecodeCsv(const std::string& csv,
                                      size_t chunk_bytes,
                                      const ColumnOptions& columns,
                                      const AnalysisOptions& options) {
  auto input = std::make_unique<DecodedCsv>();
  SourceInfo info;
  info.name = "test.csv";
  Status status;
  ReaderOptions reader_options;
  reader_options.chunk_bytes = chunk_bytes;
  auto reader =
      OpenRecordReader(OpenString(csv, &info), info, reader_options, &status);
  INFO(status.message());
  REQUIRE(reader);
  AnalyzerSettings& settings = input->settings;
  settings.column_names = reader->column_names();
  settings.options = options;
  status = ResolveColumns(settings.column_names, columns, &settings.mapping);
  INFO(status.message());
  REQUIRE(status.ok());
  while (reader->NextChunk(&input->chunks.emplace_back(), &status)) {
    RawBatch& raw = input->raws.emplace_back();
    REQUIRE(reader->ParseChunk(input->chunks.back(), &raw, &status));
    REQUIRE(DecodeBatch(raw, settings.mapping, settings.column_names, info.name,
                        DecodeOptions(), &input->batches.emplace_back(),
                        &status));
  }
  INFO(status.message());
  REQUIRE(status.ok());
  return input;
}

std::vector<std::unique_ptr<Partial>> PartialPerBatch(const Analyzer& analyzer,
                                                      const DecodedCsv& input) {
  std::vector<std::unique_ptr<Partial>> parts;
  for (const PredictionBatch& batch : input.batches) {
    parts.push_back(analyzer.NewPartial());
    analyzer.Add(batch, parts.back().get());
  }
  return parts;
}

Report AnalyzeInOrder(const Analyzer& analyzer, const DecodedCsv& input) {
  std::unique_ptr<Partial> total = analyzer.NewPartial();
  for (const auto& part : PartialPerBatch(analyzer, input)) {
    analyzer.Merge(*part, total.get());
  }
  Report report;
  REQUIRE(analyzer.Finish(*total, &report).ok());
  return report;
}

std::vector<std::string> FixtureNames(const std::string& dir) {
  std::vector<std::string> names;
  const std::string suffix = ".expected.json";
  for (const auto& entry :
       std::filesystem::directory_iterator(SourcePath(dir))) {
    const std::string file = entry.path().filename().string();
    if (file.size() > suffix.size() &&
        file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0) {
      names.push_back(file.substr(0, file.size() - suffix.size()));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace errscope::test
