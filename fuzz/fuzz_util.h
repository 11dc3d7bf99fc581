#pragma once
// What the fuzz targets share: reading a whole input the way the pipeline
// does, and the invariants every successful read must keep.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "errscope/record_reader.h"

namespace errscope::fuzz {

/// Aborts (a finding for libFuzzer) when `condition` is false.
inline void Expect(bool condition) {
  if (!condition) std::abort();
}

/// Reads every chunk of `data` as `format` with chunks of about
/// `chunk_bytes`, checking that each parsed record has one cell per column
/// and that an error, when there is one, has a message. Returns whether the
/// input was read to the end.
inline bool ReadAll(std::string data, InputFormat format, size_t chunk_bytes) {
  SourceInfo info;
  info.name = "fuzz";
  ReaderOptions options;
  options.format = format;
  options.chunk_bytes = chunk_bytes;
  Status status;
  auto reader = OpenRecordReader(OpenString(std::move(data), &info), info,
                                 options, &status);
  if (!reader) {
    Expect(!status.ok() && !status.message().empty());
    return false;
  }
  const size_t columns = reader->column_names().size();
  Expect(columns > 0);
  Chunk chunk;
  RawBatch batch;
  while (reader->NextChunk(&chunk, &status)) {
    if (!reader->ParseChunk(chunk, &batch, &status)) {
      Expect(!status.message().empty());
      return false;
    }
    Expect(batch.num_columns == columns);
    Expect(batch.cells.size() == batch.rows() * columns);
    Expect(batch.rows() == chunk.records.size());
  }
  if (!status.ok()) {
    Expect(!status.message().empty());
    return false;
  }
  return true;
}

}  // namespace errscope::fuzz
