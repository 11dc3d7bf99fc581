#pragma once

#include <memory>
#include <string>
#include <vector>

#include "errscope/record_reader.h"

namespace errscope {

/// The part every format shares: read blocks from the source, let the
/// format's scanner find record boundaries, and cut chunks at the last whole
/// record. Subclasses implement Scan (a state machine over new bytes) and
/// ParseRecords.
class ChunkingReader : public RecordReader {
 public:
  ChunkingReader(std::unique_ptr<ByteSource> source, const SourceInfo& info,
                 const ReaderOptions& options);

  bool NextChunk(Chunk* chunk, Status* status) override;
  uint64_t raw_bytes_read() const override { return source_->raw_bytes_read(); }

 protected:
  /// Scans pending_[scan_pos_, pending_.size()), appending each complete
  /// record to records_ and advancing scan_pos_. At end of input
  /// (`at_eof`), also emits a last record without a newline, or fails if one
  /// is incomplete.
  virtual bool Scan(bool at_eof, Status* status) = 0;

  /// Reads until at least one record is scanned (or the input ends) and
  /// removes it from the queue, for the CSV header. Returns false at end of
  /// input with status ok.
  bool TakeFirstRecord(std::string* text, RecordSpan* span, Status* status);

  /// Reads one more block into pending_. Returns false on a read error.
  bool ReadBlock(Status* status);
  /// Drops a UTF-8 byte order mark at the start of the input.
  void SkipByteOrderMark();
  /// Shifts every stored offset after `count` bytes were removed from the
  /// front of pending_.
  virtual void ShiftOffsets(size_t count) = 0;

  std::string Where(int64_t line, int64_t column = 0) const;

  std::unique_ptr<ByteSource> source_;
  ReaderOptions options_;
  std::string pending_;              ///< Bytes read but not yet in a chunk.
  size_t scan_pos_ = 0;              ///< Next byte of pending_ to scan.
  std::vector<RecordSpan> records_;  ///< Scanned records not yet in a chunk.
  bool eof_ = false;
  bool finished_scan_ = false;
  size_t last_read_ = size_t{1} << 20;  ///< Bytes the last read gave.
  /// A read error met after some whole records: they are returned as a
  /// chunk first (what --allow-partial reports on), the error next.
  Status deferred_error_;
  int64_t rows_emitted_ = 0;
};

/// Counts the newlines in text[begin, end) and the column after the last one,
/// to turn an offset inside a multi-line record into a line and column.
void AdvanceLineColumn(std::string_view text, size_t begin, size_t end,
                       int64_t* line, int64_t* column);

std::unique_ptr<RecordReader> MakeCsvReader(std::unique_ptr<ByteSource> source,
                                            const SourceInfo& info,
                                            const ReaderOptions& options,
                                            Status* status);
std::unique_ptr<RecordReader> MakeJsonReader(std::unique_ptr<ByteSource> source,
                                             const SourceInfo& info,
                                             const ReaderOptions& options,
                                             bool lines, Status* status);

}  // namespace errscope
