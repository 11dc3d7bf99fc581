#include <algorithm>
#include <cstring>
#include <fmt/format.h>
#include <limits>

#include "chunking_reader.h"

namespace errscope {

namespace {
constexpr size_t kBlockSize = 1 << 20;
constexpr size_t kMinRead = 64 << 10;

/// The first byte after a byte order mark and whitespace; '\0' while `head`
/// holds nothing else (or only part of the mark).
char FirstNonBlank(std::string_view head) {
  constexpr std::string_view kMark = "\xEF\xBB\xBF";
  if (head.size() < kMark.size() && kMark.starts_with(head)) return '\0';
  size_t i = head.starts_with(kMark) ? kMark.size() : 0;
  while (i < head.size() && std::strchr(" \t\r\n", head[i]) != nullptr) ++i;
  return i < head.size() ? head[i] : '\0';
}
}  // namespace

ChunkingReader::ChunkingReader(std::unique_ptr<ByteSource> source,
                               const SourceInfo& info,
                               const ReaderOptions& options)
    : source_(std::move(source)), options_(options) {
  source_name_ = info.name;
}

bool ChunkingReader::ReadBlock(Status* status) {
  size_t old_size = pending_.size();
  // Record offsets are 32-bit: one record (or a run of bytes without a
  // line end) cannot reach 4 GiB.
  if (old_size > std::numeric_limits<uint32_t>::max() - 2 * kBlockSize) {
    *status = Status::Error(fmt::format(
        "{}: no record ends within 4 GiB of input (one line longer than "
        "4 GiB, or not a text file)",
        source_name_));
    return false;
  }
  // The buffer is zero-filled before read() overwrites it: a pipe gives
  // 64 KiB or less per read, so ask for about twice what the last read
  // gave rather than a whole block (16 times the bytes read, zeroed, on
  // stdin). Not a loop until the block is full: that would wait on a slow
  // pipe with bytes already in hand.
  size_t ask = std::clamp(2 * last_read_, kMinRead, kBlockSize);
  // No more than the chunk being gathered needs, and a little to spare
  // for the record that crosses its target size: NextChunk copies the
  // bytes past the chunk's end into the next chunk's buffer (profiled:
  // whole blocks overshot the 2 MiB target by a megabyte, so that half of
  // the input was copied a second time, 2% of an analysis).
  if (old_size < options_.chunk_bytes) {
    ask = std::min(ask, options_.chunk_bytes - old_size + kMinRead);
  }
  pending_.resize(old_size + ask);
  size_t got = 0;
  bool ok = source_->Read(pending_.data() + old_size, ask, &got, status);
  pending_.resize(old_size + (ok ? got : 0));
  if (ok) last_read_ = got;
  if (ok && got == 0) eof_ = true;
  return ok;
}

void ChunkingReader::SkipByteOrderMark() {
  if (pending_.compare(0, 3, "\xEF\xBB\xBF") == 0) {
    pending_.erase(0, 3);
  }
}

bool ChunkingReader::TakeFirstRecord(std::string* text, RecordSpan* span,
                                     Status* status) {
  while (records_.empty()) {
    if (finished_scan_) return false;
    if (!Scan(eof_, status)) return false;
    if (eof_) finished_scan_ = true;
    if (!records_.empty()) break;
    if (!eof_ && !ReadBlock(status)) return false;
  }
  *span = records_.front();
  records_.erase(records_.begin());
  text->assign(pending_, span->begin, span->end - span->begin);
  return true;
}

bool ChunkingReader::NextChunk(Chunk* chunk, Status* status) {
  if (!deferred_error_.ok()) {
    *status = deferred_error_;
    return false;
  }
  // What the last chunk left (a part of a record, a few records) moves
  // into this chunk's own buffers, recycled by the thread reading now,
  // so that the reads and the scan below write in memory that thread's
  // core wrote last, not the core that read the chunk before (threads
  // take turns reading; on a 2-core AMD machine, two threads took 25-40%
  // more CPU than one in some runs, much of it writing those buffers).
  chunk->data.assign(pending_);
  pending_.swap(chunk->data);
  chunk->records.assign(records_.begin(), records_.end());
  records_.swap(chunk->records);
  chunk->records.clear();
  auto enough = [&] {
    return !records_.empty() && records_.back().end >= options_.chunk_bytes;
  };
  while (!enough() && !finished_scan_) {
    if (!Scan(eof_, status)) return false;
    if (eof_) finished_scan_ = true;
    if (!enough() && !finished_scan_ && !ReadBlock(status)) {
      if (records_.empty()) return false;
      deferred_error_ = *status;
      *status = Status::Ok();
      break;
    }
  }
  if (records_.empty()) return false;

  // Take the records up to the first that reaches the target size.
  size_t take = 0;
  while (take + 1 < records_.size() &&
         records_[take].end < options_.chunk_bytes) {
    ++take;
  }
  ++take;
  // Records end before their newline; the chunk takes the newline too.
  const size_t cut =
      std::min(pending_.size(), size_t{records_[take - 1].end} + 1);
  // The chunk takes pending_'s buffer whole and pending_ goes on in the
  // chunk's old one (recycled by the caller, so it has the capacity) with
  // the bytes after the cut: only those are copied, not the chunk (profiled:
  // copying each chunk out of pending_ was 6% of a run without features).
  chunk->data.assign(pending_, cut, std::string::npos);
  pending_.resize(cut);
  pending_.swap(chunk->data);
  // The same for the records: the chunk takes records_'s buffer, and the
  // scan goes on in the chunk's old one with the records after the cut.
  // (Copying them out and erasing them wrote the chunk's list into a
  // buffer another core had written last, and the scan wrote records_
  // from whichever core read: with two threads, the scan took 10 times
  // as long.)
  chunk->records.assign(records_.begin() + static_cast<ptrdiff_t>(take),
                        records_.end());
  records_.resize(take);
  records_.swap(chunk->records);
  chunk->first_row = rows_emitted_;
  rows_emitted_ += static_cast<int64_t>(take);
  for (RecordSpan& r : records_) {
    r.begin -= static_cast<uint32_t>(cut);
    r.end -= static_cast<uint32_t>(cut);
  }
  scan_pos_ -= std::min(scan_pos_, cut);
  ShiftOffsets(cut);
  return true;
}

std::string ChunkingReader::Where(int64_t line, int64_t column) const {
  return errscope::Where(source_name_, line, column);
}

void AdvanceLineColumn(std::string_view text, size_t begin, size_t end,
                       int64_t* line, int64_t* column) {
  for (size_t i = begin; i < end && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++*line;
      *column = 1;
    } else {
      ++*column;
    }
  }
}

std::unique_ptr<RecordReader> OpenRecordReader(
    std::unique_ptr<ByteSource> source, const SourceInfo& info,
    const ReaderOptions& options, Status* status) {
  InputFormat format = options.format;
  if (format == InputFormat::kAuto) format = FormatFromPath(info.name);
  if (format == InputFormat::kAuto && options.delimiter != 0) {
    format = InputFormat::kCsv;
  }
  if (format == InputFormat::kJson || format == InputFormat::kAuto) {
    // Look at the first non-blank byte: '[' is a JSON array, '{' JSON Lines
    // (also for a .json file, as pandas' to_json(lines=True) writes them).
    // A read may return only a few bytes: read on until that byte is seen.
    std::string head(4096, '\0');
    size_t have = 0, got = 0;
    char first = '\0';
    do {
      if (!source->Read(head.data() + have, head.size() - have, &got, status)) {
        return nullptr;
      }
      have += got;
      first = FirstNonBlank(std::string_view(head.data(), have));
    } while (first == '\0' && got > 0 && have < head.size());
    head.resize(have);
    if (first == '{') {
      format = InputFormat::kJsonLines;
    } else if (first == '[') {
      format = InputFormat::kJson;
    } else if (format == InputFormat::kAuto) {
      format = InputFormat::kCsv;
    }
    // Give the reader the bytes already taken, followed by the rest.
    source = MakePrefixedSource(std::move(head), std::move(source));
  }
  if (format == InputFormat::kJson || format == InputFormat::kJsonLines) {
    return MakeJsonReader(std::move(source), info, options,
                          format == InputFormat::kJsonLines, status);
  }
  ReaderOptions csv_options = options;
  if (format == InputFormat::kTsv && csv_options.delimiter == 0) {
    csv_options.delimiter = '\t';
  }
  return MakeCsvReader(std::move(source), info, csv_options, status);
}

}  // namespace errscope

