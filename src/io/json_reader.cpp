// JSON input: a top-level array of objects, or JSON Lines (one object per
// line). The scanner only finds where each top-level object starts and ends;
// nlohmann_json parses the objects, in parallel. Columns are the keys of the
// first object, in order; a key missing from a later object is an empty
// cell, a key not in the first object is ignored with a warning.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <unordered_map>

#include "chunking_reader.h"

namespace errscope {
namespace {

using Json = nlohmann::ordered_json;

bool IsJsonSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

class JsonReader : public ChunkingReader {
 public:
  JsonReader(std::unique_ptr<ByteSource> source, const SourceInfo& info,
             const ReaderOptions& options, bool lines)
      : ChunkingReader(std::move(source), info, options), lines_(lines) {
    format_ = lines ? InputFormat::kJsonLines : InputFormat::kJson;
    state_ = lines ? State::kBetweenLines : State::kBeforeArray;
  }

  bool ReadColumns(Status* status);

  bool ParseChunk(const Chunk& chunk, RawBatch* batch,
                  Status* status) const override;

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
  /// Parses one record's text; on a syntax error reports its line/column.
  bool ParseObject(std::string_view data, const RecordSpan& span, Json* out,
                   Status* status) const;
  void AppendCells(const Json& object, int64_t line, RawBatch* batch) const;

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
  std::unordered_map<std::string, size_t> column_index_;
};

bool JsonReader::Scan(bool at_eof, Status* status) {
  const char* p = pending_.data();
  const size_t n = pending_.size();
  for (size_t i = scan_pos_; i < n; ++i) {
    const char c = p[i];
    if (c == '\n' && state_ != State::kInValue) {
      ++line_;
      line_start_ = i + 1;
      continue;
    }
    switch (state_) {
      case State::kBetweenLines:
        if (!IsJsonSpace(c)) StartValue(i);
        break;
      case State::kBeforeArray:
        if (c == '[') {
          state_ = State::kFirstValue;
        } else if (!IsJsonSpace(c)) {
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
        } else if (!IsJsonSpace(c)) {
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
        } else if (!IsJsonSpace(c)) {
          return Fail(i, "expected ',' or ']' after an object", status);
        }
        break;
      case State::kAfterArray:
        if (!IsJsonSpace(c)) {
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

bool JsonReader::ParseObject(std::string_view data, const RecordSpan& span,
                             Json* out, Status* status) const {
  std::string_view text = data.substr(span.begin, span.end - span.begin);
  try {
    *out = Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    // e.byte is the 1-based offset of the offending byte within `text`.
    int64_t line = span.line;
    int64_t column = span.column;
    size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    AdvanceLineColumn(data, span.begin, span.begin + offset, &line, &column);
    std::string what = e.what();
    size_t detail = what.find(": ", what.find("parse error"));
    what = detail == std::string::npos ? what : what.substr(detail + 2);
    *status = Status::Error(Where(line, column) + "invalid JSON: " + what);
    return false;
  }
  if (!out->is_object()) {
    *status = Status::Error(Where(span.line, span.column) +
                            fmt::format("expected a JSON object, got {}",
                                        out->type_name()));
    return false;
  }
  return true;
}

/// The text of a JSON value as a cell: strings as they are, null as a
/// missing (empty) cell, numbers and booleans as written, arrays and
/// objects as compact JSON.
void CellText(const Json& value, std::string* text) {
  if (value.is_string()) {
    *text = value.get_ref<const std::string&>();
  } else if (value.is_null()) {
    text->clear();
  } else {
    *text = value.dump();
  }
}

void JsonReader::AppendCells(const Json& object, int64_t line,
                             RawBatch* batch) const {
  size_t first = batch->cells.size();
  batch->cells.resize(first + columns_.size());
  for (const auto& [key, value] : object.items()) {
    auto it = column_index_.find(key);
    if (it == column_index_.end()) {
      if (batch->unknown_key.empty()) {
        batch->unknown_key = key;
        batch->unknown_key_line = line;
      }
      continue;
    }
    std::string& text = batch->owned.emplace_back();
    CellText(value, &text);
    batch->cells[first + it->second] = text;
  }
  batch->lines.push_back(line);
}

bool JsonReader::ParseChunk(const Chunk& chunk, RawBatch* batch,
                            Status* status) const {
  batch->Clear();
  batch->num_columns = columns_.size();
  batch->first_row = chunk.first_row;
  Json object;
  for (const RecordSpan& span : chunk.records) {
    if (!ParseObject(chunk.data, span, &object, status)) return false;
    AppendCells(object, span.line, batch);
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
  Json first;
  if (!ParseObject(pending_, records_.front(), &first, status)) return false;
  for (const auto& item : first.items()) {
    column_index_.emplace(item.key(), columns_.size());
    columns_.push_back(item.key());
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
