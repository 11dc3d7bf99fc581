#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "errscope/byte_source.h"
#include "errscope/input_format.h"
#include "errscope/status.h"

namespace errscope {

/// Where one record (a CSV row or a JSON object) lies inside a Chunk.
struct RecordSpan {
  uint32_t begin = 0;  ///< Offset of the first byte in Chunk::data.
  uint32_t end = 0;    ///< One past the last byte (the newline excluded).
  int64_t line = 0;    ///< 1-based file line where the record starts.
  int32_t column = 1;  ///< 1-based byte column where the record starts.
};

/// A run of whole records cut from the input. Chunks are cut by one thread
/// (cheap: it only finds record boundaries) and parsed by many.
struct Chunk {
  std::string data;
  std::vector<RecordSpan> records;
  int64_t first_row = 0;  ///< 0-based index of the first record's data row.
};

/// The cells of a chunk's records, row-major, one per column of the header.
/// Cells point into the chunk's bytes (the chunk must outlive the batch) or,
/// when unescaping was needed, into `owned`. An empty cell is a missing value.
struct RawBatch {
  size_t num_columns = 0;
  std::vector<std::string_view> cells;
  std::vector<int64_t> lines;  ///< Line where each record starts.
  int64_t first_row = 0;       ///< 0-based data-row index of record 0.
  std::deque<std::string> owned;
  /// First key of a JSON record that is not a column (with its line), for a
  /// warning; empty when there was none.
  std::string unknown_key;
  int64_t unknown_key_line = 0;

  size_t rows() const { return lines.size(); }
  std::string_view cell(size_t row, size_t column) const {
    return cells[row * num_columns + column];
  }
  void Clear() {
    cells.clear();
    lines.clear();
    owned.clear();
    unknown_key.clear();
    unknown_key_line = 0;
  }
};

/// Options of the readers.
struct ReaderOptions {
  InputFormat format = InputFormat::kAuto;  ///< kAuto: extension, then content.
  char delimiter = 0;                       ///< 0: sniffed from the header.
  size_t chunk_bytes = 2 << 20;             ///< Target size of a chunk.
};

/// Splits an input into chunks of records and parses chunks into cells.
/// NextChunk is called by one thread; ParseChunk and ParseRecords are const
/// and may be called concurrently for different chunks.
class RecordReader {
 public:
  virtual ~RecordReader() = default;

  /// Column names: the CSV header, or the keys of the first JSON object.
  const std::vector<std::string>& column_names() const { return columns_; }
  InputFormat format() const { return format_; }
  const std::string& source_name() const { return source_name_; }

  /// Fills `chunk` with the next records. Returns false at the end of the
  /// input (status ok) or on malformed input (status set). The buffer of
  /// chunk->data is reused whatever it holds: pass a chunk whose data is no
  /// longer needed, ideally one from an earlier call, whose capacity saves
  /// allocating (and faulting in) a new buffer per chunk.
  virtual bool NextChunk(Chunk* chunk, Status* status) = 0;

  /// Parses the records of `chunk` into `batch` (cleared first).
  bool ParseChunk(const Chunk& chunk, RawBatch* batch, Status* status) const {
    batch->Clear();
    return ParseRecords(chunk, 0, chunk.records.size(), batch, status);
  }

  /// Parses records [first, first + count) of `chunk` into `batch`: its
  /// cells and lines are replaced and first_row set, while `owned` and
  /// `unknown_key` carry on (cells of earlier calls may point into
  /// `owned`), so that a chunk can be parsed a few records at a time into
  /// cells that stay in the nearest caches. On an error, `batch` holds the
  /// records before the one that failed.
  virtual bool ParseRecords(const Chunk& chunk, size_t first, size_t count,
                            RawBatch* batch, Status* status) const = 0;

  /// Raw bytes consumed from the file so far.
  virtual uint64_t raw_bytes_read() const = 0;

 protected:
  std::vector<std::string> columns_;
  InputFormat format_ = InputFormat::kCsv;
  std::string source_name_;
};

/// Opens a reader over `source`: picks the format (options, then the path's
/// extension, then the first bytes) and reads the header. Fails on an empty
/// input or a malformed header.
std::unique_ptr<RecordReader> OpenRecordReader(
    std::unique_ptr<ByteSource> source, const SourceInfo& info,
    const ReaderOptions& options, Status* status);

}  // namespace errscope
