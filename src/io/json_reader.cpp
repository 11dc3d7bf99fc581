// JSON input: a top-level array of objects, or JSON Lines (one object per
// line). The scanner only finds where each top-level object starts and ends;
// simdjson parses the objects, in parallel (json_record_parser.h). A record
// simdjson refuses is parsed again with nlohmann_json, only to name the
// error: its messages and positions are the ones errscope has always given.
// Columns are the keys of the first object, in order; a key missing from a
// later object is an empty cell, a key not in the first object is ignored
// with a warning.
#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "chunking_reader.h"
#include "json_record_parser.h"

namespace errscope {
namespace {

using Json = nlohmann::ordered_json;

class JsonReader : public ChunkingReader {
 public:
  JsonReader(std::unique_ptr<ByteSource> source, const SourceInfo& info,
             const ReaderOptions& options, bool lines)
      : ChunkingReader(std::move(source), info, options), lines_(lines) {
    format_ = lines ? InputFormat::kJsonLines : InputFormat::kJson;
    state_ = lines ? State::kBetweenLines : State::kBeforeArray;
  }

  bool ReadColumns(Status* status);

  bool ParseRecords(const Chunk& chunk, size_t first, size_t count,
                    RawBatch* batch, Status* status) const override;

 protected:
  bool Scan(bool at_eof, Status* status) override;
  void ShiftOffsets(size_t count) override {
    value_start_ -= std::min(value_start_, count);
    // The current line may have begun in a chunk already cut (records on one
    // line): let the offset wrap, ColumnAt's unsigned difference stays right.
    line_start_ -= count;
  }

 private:
  enum class State {
    kBeforeArray,     // expecting '['
    kFirstValue,      // after '[': a value or ']'
    kNextValue,       // after ',': a value
    kAfterValue,      // after a value: ',' or ']'
    kInValue,         // inside a top-level value
    kAfterArray,      // after the closing ']': only whitespace
    kBetweenLines,    // JSON Lines: before a record
  };

  bool Fail(size_t at, const std::string& what, Status* status) {
    *status = Status::Error(Where(line_, ColumnAt(at)) + what);
    return false;
  }
  int64_t ColumnAt(size_t at) const {
    return static_cast<int64_t>(at - line_start_) + 1;
  }
  void StartValue(size_t at) {
    state_ = State::kInValue;
    value_start_ = at;
    value_line_ = line_;
    value_column_ = ColumnAt(at);
    depth_ = 0;
    in_string_ = false;
    escape_ = false;
  }
  void EndValue(size_t end) {
    records_.push_back({static_cast<uint32_t>(value_start_),
                        static_cast<uint32_t>(end), value_line_,
                        static_cast<int32_t>(value_column_)});
  }
  /// Parses one record into `batch`'s cells from `first_cell` on.
  bool ParseRecord(json::RecordParser* parser, std::string_view data,
                   const RecordSpan& span, size_t first_cell, RawBatch* batch,
                   Status* status) const;
  /// The column of `key`, or npos.
  size_t ColumnOf(std::string_view key) const {
    auto it = column_index_.find(key);
    return it == column_index_.end() ? std::string_view::npos : it->second;
  }
  /// The slow path of a record simdjson refused: says what is wrong, where.
  /// (`error` and `error_offset` are simdjson's.)
  bool Invalid(std::string_view data, const RecordSpan& span,
               simdjson::error_code error, size_t error_offset,
               Status* status) const;

  bool lines_;
  State state_;
  size_t value_start_ = 0;
  size_t line_start_ = 0;
  int64_t line_ = 1;
  int64_t value_line_ = 1;
  int64_t value_column_ = 1;
  int depth_ = 0;
  bool in_string_ = false;
  bool escape_ = false;
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const {
      return std::hash<std::string_view>()(key);
    }
  };
  std::unordered_map<std::string, size_t, KeyHash, std::equal_to<>>
      column_index_;
};

bool JsonReader::Scan(bool at_eof, Status* status) {
  const char* p = pending_.data();
  const size_t n = pending_.size();
  for (size_t i = scan_pos_; i < n; ++i) {
    if (lines_ && state_ == State::kInValue) {
      // A JSON Lines record ends at the next newline: jump there.
      const void* newline = std::memchr(p + i, '\n', n - i);
      if (newline == nullptr) break;
      i = static_cast<const char*>(newline) - p;
    }
    const char c = p[i];
    if (c == '\n' && state_ != State::kInValue) {
      ++line_;
      line_start_ = i + 1;
      continue;
    }
    switch (state_) {
      case State::kBetweenLines:
        if (!json::IsSpace(c)) StartValue(i);
        break;
      case State::kBeforeArray:
        if (c == '[') {
          state_ = State::kFirstValue;
        } else if (!json::IsSpace(c)) {
          return Fail(i, "expected '[' to start a JSON array of objects",
                      status);
        }
        break;
      case State::kFirstValue:
      case State::kNextValue:
        if (c == ']' && state_ == State::kFirstValue) {
          state_ = State::kAfterArray;
        } else if (c == '{') {
          StartValue(i);
          --i;  // let kInValue see the brace
        } else if (!json::IsSpace(c)) {
          return Fail(i,
                      fmt::format("expected a JSON object, got {}",
                                  QuoteForMessage(std::string_view(p + i, 1))),
                      status);
        }
        break;
      case State::kAfterValue:
        if (c == ',') {
          state_ = State::kNextValue;
        } else if (c == ']') {
          state_ = State::kAfterArray;
        } else if (!json::IsSpace(c)) {
          return Fail(i, "expected ',' or ']' after an object", status);
        }
        break;
      case State::kAfterArray:
        if (!json::IsSpace(c)) {
          return Fail(i, "unexpected data after the end of the JSON array",
                      status);
        }
        break;
      case State::kInValue:
        if (lines_ && c == '\n') {  // JSON Lines: the line is the record
          size_t end = i > value_start_ && p[i - 1] == '\r' ? i - 1 : i;
          EndValue(end);
          state_ = State::kBetweenLines;
          ++line_;
          line_start_ = i + 1;
          break;
        }
        if (c == '\n') {
          ++line_;
          line_start_ = i + 1;
        }
        if (lines_) break;  // JSON Lines records are parsed whole later
        if (in_string_) {
          if (escape_) {
            escape_ = false;
          } else if (c == '\\') {
            escape_ = true;
          } else if (c == '"') {
            in_string_ = false;
          }
        } else if (c == '"') {
          in_string_ = true;
        } else if (c == '{' || c == '[') {
          ++depth_;
        } else if (c == '}' || c == ']') {
          if (--depth_ == 0) {
            EndValue(i + 1);
            state_ = State::kAfterValue;
          }
        }
        break;
    }
  }
  scan_pos_ = n;
  if (!at_eof) return true;
  if (state_ == State::kInValue && lines_) {
    size_t end = n > value_start_ && p[n - 1] == '\r' ? n - 1 : n;
    EndValue(end);
    state_ = State::kBetweenLines;
    return true;
  }
  switch (state_) {
    case State::kBetweenLines:
    case State::kAfterArray:
      return true;
    case State::kInValue:
      *status = Status::Error(Where(value_line_, value_column_) +
                              "unexpected end of input inside this object");
      return false;
    case State::kBeforeArray:
      *status = Status::Error(
          fmt::format("{}: empty input: expected a JSON array of objects",
                      source_name_));
      return false;
    default:
      *status = Status::Error(
          Where(line_, ColumnAt(n)) +
          "unexpected end of input: the JSON array is not closed with ']'");
      return false;
  }
}

/// `text` with each number too large for a double (1e400) replaced by
/// blanks and a 0 where it ends. nlohmann_json stops at those with a range
/// error (errscope takes them as text); the length is kept, and so every
/// position (nlohmann's are those of a token's last byte).
std::string WithoutHugeNumbers(std::string_view text) {
  std::string out(text);
  bool in_string = false;
  for (size_t i = 0; i < out.size(); ++i) {
    const char c = out[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if ((c == '-' || json::IsDigit(c)) &&
               (i == 0 || std::strchr(" \t\r\n[{,:", out[i - 1]) != nullptr)) {
      const size_t length = json::NumberLength(std::string_view(out).substr(i));
      if (length == 0) continue;
      if (std::isinf(std::strtod(out.substr(i, length).c_str(), nullptr))) {
        out.replace(i, length, length, ' ');
        out[i + length - 1] = '0';
      }
      i += length - 1;
    }
  }
  return out;
}

bool JsonReader::Invalid(std::string_view data, const RecordSpan& span,
                         simdjson::error_code error, size_t error_offset,
                         Status* status) const {
  const std::string_view text = data.substr(span.begin, span.end - span.begin);
  int64_t line = span.line;
  int64_t column = span.column;
  // Too deep for simdjson is too deep for a recursive parser: stop here.
  if (size_t deep = json::TooDeepAt(text); deep != std::string_view::npos) {
    AdvanceLineColumn(data, span.begin, span.begin + deep, &line, &column);
    *status = Status::Error(
        Where(line, column) +
        fmt::format("invalid JSON: arrays and objects nested more than {} "
                    "levels deep",
                    json::kMaxDepth));
    return false;
  }
  // nlohmann_json names the error, as errscope always did.
  Json value;
  try {
    value = Json::parse(WithoutHugeNumbers(text));
  } catch (const Json::parse_error& e) {
    // e.byte is the 1-based offset of the offending byte within `text`.
    const size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    AdvanceLineColumn(data, span.begin, span.begin + offset, &line, &column);
    std::string what = e.what();
    size_t detail = what.find(": ", what.find("parse error"));
    what = detail == std::string::npos ? what : what.substr(detail + 2);
    *status = Status::Error(Where(line, column) + "invalid JSON: " + what);
    return false;
  } catch (const Json::exception& e) {
    *status = Status::Error(Where(line, column) + "invalid JSON: " + e.what());
    return false;
  }
  if (!value.is_object()) {
    *status = Status::Error(
        Where(line, column) +
        fmt::format("expected a JSON object, got {}", value.type_name()));
    return false;
  }
  // nlohmann accepts what simdjson refuses: a NUL byte, which nlohmann
  // takes for the end of the input (inside a string, both refuse it).
  if (size_t nul = text.find('\0'); nul != std::string_view::npos) {
    AdvanceLineColumn(data, span.begin, span.begin + nul, &line, &column);
    *status = Status::Error(Where(line, column) +
                            "invalid JSON: unexpected NUL byte");
    return false;
  }
  // Not seen: say where simdjson stopped.
  AdvanceLineColumn(data, span.begin, span.begin + error_offset, &line,
                    &column);
  *status = Status::Error(
      Where(line, column) +
      fmt::format("invalid JSON: {}", simdjson::error_message(error)));
  return false;
}

bool JsonReader::ParseRecord(json::RecordParser* parser, std::string_view data,
                             const RecordSpan& span, size_t first_cell,
                             RawBatch* batch, Status* status) const {
  auto error = parser->Parse(data, span, [&](const json::Member& member) {
    const size_t column = member.expected != std::string_view::npos
                              ? member.expected
                              : ColumnOf(member.key);
    if (column == std::string_view::npos) {
      if (batch->unknown_key.empty()) {
        batch->unknown_key = member.key;
        batch->unknown_key_line = span.line;
      }
      return;
    }
    // A repeated key: the last value wins, as it did with nlohmann.
    const json::Cell& cell = member.cell;
    batch->cells[first_cell + column] =
        cell.stable ? cell.text : batch->owned.emplace_back(cell.text);
  });
  return error == simdjson::SUCCESS ||
         Invalid(data, span, error, parser->error_offset(), status);
}

bool JsonReader::ParseRecords(const Chunk& chunk, size_t first, size_t count,
                              RawBatch* batch, Status* status) const {
  batch->lines.clear();
  batch->num_columns = columns_.size();
  batch->first_row = chunk.first_row + static_cast<int64_t>(first);
  batch->cells.assign(count * columns_.size(), std::string_view());
  batch->lines.reserve(count);
  json::RecordParser parser(columns_);
  size_t first_cell = 0;
  for (size_t i = first; i < first + count; ++i) {
    const RecordSpan& span = chunk.records[i];
    if (!ParseRecord(&parser, chunk.data, span, first_cell, batch, status)) {
      return false;
    }
    batch->lines.push_back(span.line);
    first_cell += columns_.size();
  }
  return true;
}

bool JsonReader::ReadColumns(Status* status) {
  // A read may return fewer bytes than a byte order mark has.
  do {
    if (!ReadBlock(status)) return false;
  } while (!eof_ && pending_.size() < 3);
  SkipByteOrderMark();
  // Scan until the first record is known, without taking it: it is data.
  while (records_.empty() && !finished_scan_) {
    if (!Scan(eof_, status)) return false;
    if (eof_) finished_scan_ = true;
    if (records_.empty() && !eof_ && !ReadBlock(status)) return false;
  }
  if (records_.empty()) {
    *status = Status::Error(fmt::format(
        "{}: no records: expected at least one JSON object", source_name_));
    return false;
  }
  json::RecordParser parser;
  auto error =
      parser.Parse(pending_, records_.front(), [&](const json::Member& member) {
        if (column_index_.emplace(member.key, columns_.size()).second) {
          columns_.emplace_back(member.key);
        }
      });
  if (error != simdjson::SUCCESS) {
    return Invalid(pending_, records_.front(), error, parser.error_offset(),
                   status);
  }
  // The first record names the columns: `{}` names none (found by
  // fuzz_json; the analysis would fail later with an empty column list).
  if (columns_.empty()) {
    *status = Status::Error(
        Where(records_.front().line, records_.front().column) +
        "the first record has no keys: it names the columns, so it needs the "
        "label and prediction fields at least");
    return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<RecordReader> MakeJsonReader(std::unique_ptr<ByteSource> source,
                                             const SourceInfo& info,
                                             const ReaderOptions& options,
                                             bool lines, Status* status) {
  auto reader =
      std::make_unique<JsonReader>(std::move(source), info, options, lines);
  if (!reader->ReadColumns(status)) return nullptr;
  return reader;
}

}  // namespace errscope
