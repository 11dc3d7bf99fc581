// CSV and TSV (RFC 4180): quoted fields, doubled quotes, delimiters and
// newlines inside quotes, CRLF, a UTF-8 byte order mark. Blank lines are
// skipped. A quote in the middle of an unquoted field is taken literally (as
// Python's csv module does); text after a closing quote is an error. A NUL
// byte is an error: text exports never have one, binary files always do.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <fmt/format.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "chunking_reader.h"

namespace errscope {
namespace {

/// The offset of the first `c` in [from, end), or `end`. Fields are short
/// (a few bytes), where memchr's call costs more than the search: this
/// tests 8 bytes at a time for a byte equal to `c` (the classic
/// has-zero-byte trick on the bytes XOR c).
size_t FindByte(const char* data, size_t from, size_t end, char c) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  const uint64_t pattern = kOnes * static_cast<uint8_t>(c);
  size_t i = from;
  for (; i + 8 <= end; i += 8) {
    uint64_t word;
    std::memcpy(&word, data + i, 8);
    const uint64_t x = word ^ pattern;
    const uint64_t found = (x - kOnes) & ~x & kHighs;
    // The lowest flagged byte is exact; bytes above it may be false hits.
    if (found != 0) return i + static_cast<size_t>(std::countr_zero(found) / 8);
  }
  while (i < end && data[i] != c) ++i;
  return i;
}

/// What SplitWithoutQuotes returns for a record that holds a quote.
constexpr size_t kHasQuote = ~size_t{0};

/// Where a record's fields end: before its CR, if the line ends in CRLF.
size_t ContentEnd(std::string_view data, const RecordSpan& span) {
  size_t end = span.end;
  if (end > span.begin && data[end - 1] == '\r') --end;
  return end;
}

/// Splits a record without quotes at `delim` into `out` and returns how many
/// fields it has; fields past `capacity` are counted, not written. Returns
/// kHasQuote when [pos, end) holds a quote, for the quote-aware path. Most
/// exports quote nothing, and finding the delimiters of 16 bytes at once
/// with one SSE2 compare is several times faster than a search per field
/// (profiled: splitting was a ninth of an analysis). Fields go straight
/// into the caller's array: appending each to a vector (a capacity check
/// per field) was a third of the split.
size_t SplitWithoutQuotes(const char* data, size_t pos, size_t end,
                          size_t data_size, char delim, std::string_view* out,
                          size_t capacity) {
  size_t count = 0;
  size_t field_start = pos;
  auto emit = [&](uint32_t delims, size_t block) {
    for (; delims != 0; delims &= delims - 1) {
      const size_t at = block + static_cast<size_t>(std::countr_zero(delims));
      if (count < capacity) {
        out[count] = std::string_view(data + field_start, at - field_start);
      }
      ++count;
      field_start = at + 1;
    }
  };
#if defined(__SSE2__)
  const __m128i delim_bytes = _mm_set1_epi8(delim);
  const __m128i quote_bytes = _mm_set1_epi8('"');
  size_t block = pos;
  for (; block < end; block += 16) {
    __m128i bytes;
    uint32_t valid = 0xffff;
    if (end - block < 16) valid = (1u << (end - block)) - 1;
    if (block + 16 <= data_size) {
      // The bytes past the record's end (its newline, the next records)
      // are in the buffer: load them and ignore them.
      bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + block));
    } else {  // the buffer's last bytes: never read past its end
      alignas(16) char tail[16] = {};
      std::memcpy(tail, data + block, end - block);
      bytes = _mm_load_si128(reinterpret_cast<const __m128i*>(tail));
    }
    const auto quotes = static_cast<uint32_t>(
        _mm_movemask_epi8(_mm_cmpeq_epi8(bytes, quote_bytes)));
    if ((quotes & valid) != 0) return kHasQuote;
    emit(static_cast<uint32_t>(
             _mm_movemask_epi8(_mm_cmpeq_epi8(bytes, delim_bytes))) & valid,
         block);
  }
#else
  (void)data_size;
  for (size_t i = pos; i < end; ++i) {
    if (data[i] == '"') return kHasQuote;
    if (data[i] == delim) emit(1, i);
  }
#endif
  if (count < capacity) {
    out[count] = std::string_view(data + field_start, end - field_start);
  }
  return count + 1;
}

class CsvReader : public ChunkingReader {
 public:
  CsvReader(std::unique_ptr<ByteSource> source, const SourceInfo& info,
            const ReaderOptions& options)
      : ChunkingReader(std::move(source), info, options) {}

  bool ReadHeader(Status* status);

  bool ParseRecords(const Chunk& chunk, size_t first, size_t count,
                    RawBatch* batch, Status* status) const override;

 protected:
  bool Scan(bool at_eof, Status* status) override;
  void ShiftOffsets(size_t count) override {
    record_start_ -= count;
    line_start_ -= count;
  }

 private:
  enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted };

  void EndRecord(size_t end);
  /// Splits one record into fields, appended to `fields`; fields that
  /// needed unescaping live in `owned`.
  bool SplitRecord(std::string_view data, const RecordSpan& span,
                   std::vector<std::string_view>* fields,
                   std::deque<std::string>* owned, Status* status) const;
  char delimiter() const { return options_.delimiter; }

  State state_ = State::kFieldStart;
  size_t record_start_ = 0;  ///< Offset in pending_ of the current record.
  size_t line_start_ = 0;    ///< Offset in pending_ of the current line.
  int64_t line_ = 1;
  int64_t record_line_ = 1;
  int64_t record_column_ = 1;
  int64_t quote_line_ = 0;  ///< Where the open quoted field started.
  int64_t quote_column_ = 0;
};

void CsvReader::EndRecord(size_t end) {
  const char* p = pending_.data();
  size_t length = end - record_start_;
  bool blank = length == 0 || (length == 1 && p[record_start_] == '\r');
  if (!blank) {
    records_.push_back({static_cast<uint32_t>(record_start_),
                        static_cast<uint32_t>(end), record_line_,
                        static_cast<int32_t>(record_column_)});
  }
  state_ = State::kFieldStart;
  record_start_ = end + 1;
  line_start_ = end + 1;
  ++line_;
  record_line_ = line_;
  record_column_ = 1;
}

bool CsvReader::Scan(bool at_eof, Status* status) {
  const char* p = pending_.data();
  const size_t n = pending_.size();
  // One memchr per block (GB/s) instead of a test per byte.
  if (const void* z = std::memchr(p + scan_pos_, '\0', n - scan_pos_)) {
    const auto at = static_cast<size_t>(static_cast<const char*>(z) - p);
    int64_t line = line_;
    size_t start = line_start_;
    for (size_t i = scan_pos_; i < at; ++i) {
      if (p[i] == '\n') {
        ++line;
        start = i + 1;
      }
    }
    *status = Status::Error(
        Where(line, static_cast<int64_t>(at - start) + 1) +
        "a NUL byte: expected text (is this a binary or corrupt file?)");
    return false;
  }
  const char delim = delimiter();
  size_t next_quote = 0;  // of the next '"' at or after i (n: none)
  bool quote_known = false;
  for (size_t i = scan_pos_; i < n; ++i) {
    if (state_ == State::kFieldStart || state_ == State::kUnquoted) {
      // Fast path: outside quotes and up to the next quote, records end
      // exactly at newlines, so memchr finds them without a byte-by-byte
      // state machine. Most exports have no quotes at all.
      if (!quote_known || next_quote < i) {
        const void* q = std::memchr(p + i, '"', n - i);
        next_quote = q ? static_cast<size_t>(static_cast<const char*>(q) - p) : n;
        quote_known = true;
      }
      if (next_quote > i) {
        size_t j = i;
        while (const void* nl = std::memchr(p + j, '\n', next_quote - j)) {
          const size_t end = static_cast<size_t>(static_cast<const char*>(nl) - p);
          EndRecord(end);
          j = end + 1;
        }
        if (j < next_quote) {
          // A record goes on up to the quote (or the end of the data): the
          // quote opens a quoted field only right after a delimiter.
          state_ = p[next_quote - 1] == delim ? State::kFieldStart
                                              : State::kUnquoted;
        }
        i = next_quote - 1;  // the loop's ++i lands on the quote
        continue;
      }
    }
    const char c = p[i];
    switch (state_) {
      case State::kFieldStart:
        if (c == '"') {
          state_ = State::kQuoted;
          quote_line_ = line_;
          quote_column_ = static_cast<int64_t>(i - line_start_) + 1;
        } else if (c == '\n') {
          EndRecord(i);
        } else if (c != delim) {
          state_ = State::kUnquoted;
        }
        break;
      case State::kUnquoted: {
        // Fast path: jump to the next delimiter or newline.
        const char* stop = p + i;
        while (stop < p + n && *stop != delim && *stop != '\n') ++stop;
        i = static_cast<size_t>(stop - p);
        if (i == n) break;
        if (*stop == '\n') {
          EndRecord(i);
        } else {
          state_ = State::kFieldStart;
        }
        break;
      }
      case State::kQuoted:
        if (c == '"') {
          state_ = State::kQuoteInQuoted;
        } else if (c == '\n') {
          ++line_;
          line_start_ = i + 1;
        }
        break;
      case State::kQuoteInQuoted:
        if (c == '"') {
          state_ = State::kQuoted;
        } else if (c == delim) {
          state_ = State::kFieldStart;
        } else if (c == '\n') {
          EndRecord(i);
        } else {
          state_ = State::kUnquoted;  // SplitRecord reports it
        }
        break;
    }
  }
  scan_pos_ = n;
  if (!at_eof) return true;
  if (state_ == State::kQuoted) {
    *status = Status::Error(
        Where(quote_line_, quote_column_) +
        "unterminated quoted field: the quote opened here is never closed");
    return false;
  }
  if (record_start_ < n) EndRecord(n);
  return true;
}

bool CsvReader::SplitRecord(std::string_view data, const RecordSpan& span,
                            std::vector<std::string_view>* fields,
                            std::deque<std::string>* owned,
                            Status* status) const {
  const char delim = delimiter();
  size_t pos = span.begin;
  const size_t end = ContentEnd(data, span);
  // Room for as many fields as the record has bytes, and one more.
  const size_t before = fields->size();
  const size_t room = end - pos + 1;
  fields->resize(before + room);
  const size_t count = SplitWithoutQuotes(data.data(), pos, end, data.size(),
                                          delim, fields->data() + before, room);
  if (count != kHasQuote) {
    fields->resize(before + count);
    return true;
  }
  fields->resize(before);
  for (;;) {
    if (pos < end && data[pos] == '"') {
      size_t j = pos + 1;
      bool escaped = false;
      for (;;) {
        const void* q = std::memchr(data.data() + j, '"', end - j);
        if (q == nullptr) {  // cannot happen after Scan; keep it safe
          j = end;
          break;
        }
        j = static_cast<size_t>(static_cast<const char*>(q) - data.data());
        if (j + 1 < end && data[j + 1] == '"') {
          escaped = true;
          j += 2;
          continue;
        }
        break;
      }
      std::string_view inner = data.substr(pos + 1, j - pos - 1);
      if (escaped) {
        std::string& text = owned->emplace_back();
        text.reserve(inner.size());
        for (size_t k = 0; k < inner.size(); ++k) {
          text += inner[k];
          if (inner[k] == '"') ++k;  // skip the doubling quote
        }
        fields->push_back(text);
      } else {
        fields->push_back(inner);
      }
      pos = j + 1;
      if (pos < end && data[pos] != delim) {
        int64_t line = span.line;
        int64_t column = span.column;
        AdvanceLineColumn(data, span.begin, pos, &line, &column);
        *status = Status::Error(
            Where(line, column) +
            fmt::format("unexpected {} after a closing quote: a quote inside "
                        "a quoted field must be doubled (\"\")",
                        QuoteForMessage(data.substr(pos, 1))));
        return false;
      }
    } else {
      const size_t stop = FindByte(data.data(), pos, end, delim);
      fields->push_back(data.substr(pos, stop - pos));
      pos = stop;
    }
    if (pos >= end) return true;
    ++pos;  // the delimiter
    if (pos == end) {  // a trailing delimiter opens one last empty field
      fields->push_back(std::string_view());
      return true;
    }
  }
}

bool CsvReader::ReadHeader(Status* status) {
  // A read may return only a few bytes (the ones replayed after the gzip
  // sniff, or a pipe's): read the whole first line before looking for a
  // byte order mark and sniffing the delimiter.
  do {
    if (!ReadBlock(status)) return false;
  } while (!eof_ && pending_.find('\n') == std::string::npos);
  SkipByteOrderMark();
  if (delimiter() == 0) {
    // Sniff from the first line: tab or semicolon when the line has them
    // and no comma, else comma.
    std::string_view head(pending_);
    head = head.substr(0, head.find('\n'));
    auto count = [&](char c) { return std::count(head.begin(), head.end(), c); };
    options_.delimiter = ',';
    if (count(',') == 0 && count('\t') > 0) options_.delimiter = '\t';
    if (count(',') == 0 && count('\t') == 0 && count(';') > 0) {
      options_.delimiter = ';';
    }
  }
  format_ = delimiter() == '\t' ? InputFormat::kTsv : InputFormat::kCsv;
  std::string text;
  RecordSpan span;
  if (!TakeFirstRecord(&text, &span, status)) {
    if (status->ok()) {
      *status = Status::Error(
          fmt::format("{}: empty input: expected a header line", source_name_));
    }
    return false;
  }
  std::vector<std::string_view> names;
  std::deque<std::string> owned;
  RecordSpan whole{0, static_cast<uint32_t>(text.size()), span.line,
                   span.column};
  if (!SplitRecord(text, whole, &names, &owned, status)) return false;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].find('\r') != std::string_view::npos) {
      // Old Mac line ends: the whole file reads as one header line.
      *status = Status::Error(
          Where(span.line) +
          "a carriage return (CR) that does not end a line in the header: "
          "line ends must be LF or CRLF (convert CR-only files with "
          "tr '\\r' '\\n')");
      return false;
    }
    // pandas writes its index with an empty header cell; give it a name.
    columns_.push_back(names[i].empty() ? fmt::format("column_{}", i + 1)
                                        : std::string(names[i]));
  }
  return true;
}

bool CsvReader::ParseRecords(const Chunk& chunk, size_t first, size_t count,
                             RawBatch* batch, Status* status) const {
  const size_t columns = columns_.size();
  batch->lines.clear();
  batch->num_columns = columns;
  batch->first_row = chunk.first_row + static_cast<int64_t>(first);
  batch->lines.reserve(count);
  // Resized, not cleared and refilled: every step but a chunk's first
  // overwrites the previous step's cells without zeroing them first.
  batch->cells.resize(count * columns);
  std::vector<std::string_view> quoted;  // a quoted record's fields
  auto fail = [&] {
    batch->cells.resize(batch->lines.size() * columns);
    return false;
  };
  for (size_t i = first; i < first + count; ++i) {
    const RecordSpan& span = chunk.records[i];
    std::string_view* row =
        batch->cells.data() + batch->lines.size() * columns;
    size_t fields = SplitWithoutQuotes(chunk.data.data(), span.begin,
                                       ContentEnd(chunk.data, span),
                                       chunk.data.size(), delimiter(), row,
                                       columns);
    if (fields == kHasQuote) {
      quoted.clear();
      if (!SplitRecord(chunk.data, span, &quoted, &batch->owned, status)) {
        return fail();
      }
      fields = quoted.size();
      if (fields == columns) std::copy(quoted.begin(), quoted.end(), row);
    }
    if (fields != columns) {
      *status = Status::Error(
          Where(span.line) +
          fmt::format("{} field{}, header has {}", fields,
                      fields == 1 ? "" : "s", columns));
      return fail();
    }
    batch->lines.push_back(span.line);
  }
  return true;
}

}  // namespace

std::unique_ptr<RecordReader> MakeCsvReader(std::unique_ptr<ByteSource> source,
                                            const SourceInfo& info,
                                            const ReaderOptions& options,
                                            Status* status) {
  auto reader = std::make_unique<CsvReader>(std::move(source), info, options);
  if (!reader->ReadHeader(status)) return nullptr;
  return reader;
}

}  // namespace errscope
