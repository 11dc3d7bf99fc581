#pragma once

// One JSON record (an object) → the texts of its members, with simdjson's
// On-Demand API. Header-only: only json_reader.cpp includes it, so simdjson
// stays a private dependency of the readers.
//
// Cells keep the text as written: a number is its token ("14074.70" stays
// "14074.70", "1e3" stays "1e3"), a string without escapes points into the
// input (no copy), an escaped string is unescaped, null is an empty cell, and
// a nested array or object becomes compact JSON. On-Demand only checks what
// is read, so every value is read, the members of unknown keys too, and the
// tokens simdjson leaves unchecked (numbers, true/false/null) are checked
// here: a record is accepted exactly when it is an RFC 8259 object at most
// kMaxDepth deep, which a differential fuzz against nlohmann_json confirmed
// (the one difference: nlohmann stops at a NUL byte as at the end).
#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "errscope/record_reader.h"

namespace errscope::json {

/// The deepest nesting accepted, the record's own object being level 1
/// (simdjson's default). Deeper input is refused before anything recurses.
constexpr int kMaxDepth = static_cast<int>(simdjson::DEFAULT_MAX_DEPTH);

inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/// simdjson's raw tokens run up to the next token: drop the blanks after it.
inline std::string_view TrimToken(std::string_view token) {
  while (!token.empty() && IsSpace(token.back())) token.remove_suffix(1);
  return token;
}

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

/// The length of the JSON number,
/// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, at the start of `t` (its
/// longest prefix that is one), or 0.
inline size_t NumberLength(std::string_view t) {
  size_t i = 0;
  const size_t n = t.size();
  auto digits = [&] {
    const size_t start = i;
    while (i < n && IsDigit(t[i])) ++i;
    return i > start;
  };
  if (i < n && t[i] == '-') ++i;
  if (i < n && t[i] == '0') {
    ++i;
  } else if (!digits()) {
    return 0;
  }
  size_t length = i;
  if (i < n && t[i] == '.') {
    ++i;
    if (!digits()) return length;
    length = i;
  }
  if (i < n && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
    if (digits()) length = i;
  }
  return length;
}

/// Whether `t` is a JSON number (simdjson does not look at a number nobody
/// parses).
inline bool IsNumber(std::string_view t) {
  return !t.empty() && NumberLength(t) == t.size();
}

/// Checks a token that is neither a string nor a container: a number, true,
/// false or null, spelled exactly so.
inline simdjson::error_code CheckAtom(std::string_view token) {
  switch (token.empty() ? '\0' : token.front()) {
    case 't':
      return token == "true" ? simdjson::SUCCESS : simdjson::T_ATOM_ERROR;
    case 'f':
      return token == "false" ? simdjson::SUCCESS : simdjson::F_ATOM_ERROR;
    case 'n':
      return token == "null" ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
    default:
      return IsNumber(token) ? simdjson::SUCCESS : simdjson::NUMBER_ERROR;
  }
}

/// Appends `s` as a JSON string the way nlohmann::json::dump() writes it, so
/// that strings inside nested cells are spelled as before: quotes,
/// backslashes and control characters escaped, all else (UTF-8 too) as is.
inline void AppendQuoted(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && c != '"' && c != '\\') {
      out->push_back(c);
      continue;
    }
    out->push_back('\\');
    switch (c) {
      case '"':
        out->push_back('"');
        break;
      case '\\':
        out->push_back('\\');
        break;
      case '\b':
        out->push_back('b');
        break;
      case '\f':
        out->push_back('f');
        break;
      case '\n':
        out->push_back('n');
        break;
      case '\r':
        out->push_back('r');
        break;
      case '\t':
        out->push_back('t');
        break;
      default:
        out->append("u00");
        out->push_back(kHex[u >> 4]);
        out->push_back(kHex[u & 15]);
    }
  }
  out->push_back('"');
}

/// The text of one member's value.
struct Cell {
  std::string_view text;
  /// True when `text` points into the record's own bytes (it lives as long
  /// as they do); false when it is in the parser's buffers, valid only until
  /// the next member.
  bool stable = true;
};

/// One member of a record, as RecordParser::Parse passes it on.
struct Member {
  std::string_view key;  ///< Unescaped; valid during the call.
  /// The member's place in the record when its key is the expected key for
  /// that place (found without unescaping), else npos.
  size_t expected = std::string_view::npos;
  Cell cell;
};

/// Parses records, one at a time. Not thread-safe: one per thread (or per
/// ParseRecords call), reused across records so its buffers are allocated
/// once.
class RecordParser {
 public:
  RecordParser() = default;
  /// `expected_keys` (which must outlive the parser) are the keys records
  /// usually have, in order: those of the first record. A key found in its
  /// expected place is matched with one comparison of the raw bytes.
  explicit RecordParser(const std::vector<std::string>& expected_keys) {
    for (const std::string& key : expected_keys) {
      // Raw bytes equal to a name with a quote or a backslash could be
      // another key: those names go the slow way.
      const bool plain = key.find_first_of("\"\\") == std::string::npos;
      expected_.push_back(plain ? key.data() : nullptr);
      expected_size_.push_back(key.size());
    }
  }

  /// Parses data[span.begin, span.end) as a JSON object and calls
  /// `on_member(member)` for each member, in order. Returns SUCCESS, or the
  /// first error simdjson or the checks found; members before the error
  /// were already passed on. An error says the record is invalid, not
  /// where: the caller finds that out.
  template <typename OnMember>
  simdjson::error_code Parse(std::string_view data, const RecordSpan& span,
                             OnMember&& on_member) {
    namespace ondemand = simdjson::ondemand;
    const size_t size = span.end - span.begin;
    origin_ = data.data() + span.begin;
    if (size_t{span.end} + simdjson::SIMDJSON_PADDING <= data.size()) {
      base_ = origin_;  // the bytes after the record are the padding
    } else {            // the last records of a chunk: copy them
      padded_.assign(origin_, size);
      padded_.resize(size + simdjson::SIMDJSON_PADDING, ' ');
      base_ = padded_.data();
    }
    end_ = base_ + size;
    error_offset_ = 0;
    ondemand::document doc;
    auto error = parser_.iterate(base_, size, size + simdjson::SIMDJSON_PADDING)
                     .get(doc);
    if (error) return error;
    error = ReadObject(doc, on_member);
    const char* at = nullptr;
    if (error && doc.current_location().get(at) == simdjson::SUCCESS) {
      error_offset_ = static_cast<size_t>(at - base_);
    }
    return error;
  }

  /// After Parse failed: the offset in the record where simdjson stopped
  /// (0 when it cannot tell), for when no better position is known.
  size_t error_offset() const { return error_offset_; }

 private:
  template <typename OnMember>
  simdjson::error_code ReadObject(simdjson::ondemand::document& doc,
                                  OnMember& on_member) {
    namespace ondemand = simdjson::ondemand;
    ondemand::object object;
    auto error = doc.get_object().get(object);
    if (error) return error;
    size_t ordinal = 0;
    for (auto element : object) {
      // Used in place: a copy of the field is a stalled 16-byte load.
      if ((error = element.error())) return error;
      ondemand::field&& field = std::move(element).value_unsafe();
      Member member;
      if ((error = ReadKey(field, ordinal++, &member)) ||
          (error = ReadCell(field.value(), &member.cell))) {
        return error;
      }
      on_member(member);
    }
    // Past the end, there is no location: anything else is a second value.
    const char* rest = nullptr;
    return doc.current_location().get(rest) == simdjson::OUT_OF_BOUNDS
               ? simdjson::SUCCESS
               : simdjson::TRAILING_CONTENT;
  }

  /// A top-level member's key: the expected one if its raw bytes are that
  /// key followed by the closing quote; else the bytes as they are when there
  /// is no escape, or unescaped into the parser's buffer.
  simdjson::error_code ReadKey(simdjson::ondemand::field& field, size_t ordinal,
                               Member* member) {
    const char* begin = reinterpret_cast<const char*>(field.key().raw());
    const auto room = static_cast<size_t>(end_ - begin);
    if (ordinal < expected_.size() && expected_[ordinal] != nullptr) {
      const std::string_view key(expected_[ordinal], expected_size_[ordinal]);
      if (key.size() < room && begin[key.size()] == '"' &&
          std::memcmp(begin, key.data(), key.size()) == 0) {
        member->key = key;
        member->expected = ordinal;
        return simdjson::SUCCESS;
      }
    }
    const char* p = begin;
    while (p < end_ && *p != '"' && *p != '\\') ++p;
    if (p < end_ && *p == '"') {
      member->key = std::string_view(begin, p - begin);
      return simdjson::SUCCESS;
    }
    return field.unescaped_key().get(member->key);
  }
  /// A top-level member's value as a cell. The common cells (strings
  /// without escapes, numbers, literals) are made here, inline, so that they
  /// stay in registers: through memory, a cell costs a stalled 16-byte load.
  [[gnu::always_inline]] simdjson::error_code ReadCell(
      simdjson::ondemand::value& value, Cell* cell) {
    const std::string_view token = TrimToken(value.raw_json_token());
    const char first = token.empty() ? '\0' : token.front();
    if (first == '"') {
      if (token.size() < 2 || token.back() != '"')
        return simdjson::STRING_ERROR;
      const std::string_view body = token.substr(1, token.size() - 2);
      if (body.find('\\') == std::string_view::npos) {
        *cell = {InRecord(body), true};
        // Consume it: simdjson skips a string followed by ':' as a key, so
        // that {"a": "b": 1} would pass.
        simdjson::ondemand::raw_json_string raw;
        return value.get_raw_json_string().get(raw);
      }
    } else if (first != '[' && first != '{') {
      *cell = {token == "null" ? std::string_view() : InRecord(token), true};
      return CheckAtom(token);
    }
    return ReadOtherCell(value, cell);
  }
  /// The other cells: strings with escapes, nested arrays and objects.
  simdjson::error_code ReadOtherCell(simdjson::ondemand::value& value,
                                     Cell* cell);
  /// Appends `value` as compact JSON; `depth` is its nesting level.
  simdjson::error_code AppendCompact(simdjson::ondemand::value& value,
                                     int depth, std::string* out);
  /// The same bytes as `token` (in what simdjson reads) in the record itself.
  std::string_view InRecord(std::string_view token) const {
    return {origin_ + (token.data() - base_), token.size()};
  }

  std::vector<const char*> expected_;  ///< Expected keys; null: not plain.
  std::vector<size_t> expected_size_;
  simdjson::ondemand::parser parser_;
  std::string padded_;            ///< A record copied with padding after it.
  std::string compact_;           ///< The compact JSON of a nested value.
  const char* base_ = nullptr;    ///< The bytes simdjson reads.
  const char* end_ = nullptr;     ///< The end of the record in them.
  const char* origin_ = nullptr;  ///< The record in the caller's data.
  size_t error_offset_ = 0;
};

inline simdjson::error_code RecordParser::ReadOtherCell(
    simdjson::ondemand::value& value, Cell* cell) {
  const std::string_view token = TrimToken(value.raw_json_token());
  if (token.front() == '"') {  // with escapes
    cell->stable = false;
    return value.get_string().get(cell->text);
  }
  compact_.clear();
  auto error = AppendCompact(value, 2, &compact_);
  // Written compactly already (as json.dumps(separators=(',', ':')) does):
  // the cell is the record's own bytes, and needs no copy.
  const auto room = static_cast<size_t>(end_ - token.data());
  const std::string_view written(token.data(), std::min(room, compact_.size()));
  *cell = written == compact_ ? Cell{InRecord(written), true}
                              : Cell{compact_, false};
  return error;
}

inline simdjson::error_code RecordParser::AppendCompact(
    simdjson::ondemand::value& value, int depth, std::string* out) {
  namespace ondemand = simdjson::ondemand;
  if (depth > kMaxDepth) return simdjson::DEPTH_ERROR;
  const std::string_view token = TrimToken(value.raw_json_token());
  const char first = token.empty() ? '\0' : token.front();
  simdjson::error_code error = simdjson::SUCCESS;
  if (first == '[') {
    ondemand::array array;
    if ((error = value.get_array().get(array))) return error;
    out->push_back('[');
    bool comma = false;
    for (auto element : array) {
      ondemand::value item;
      if ((error = std::move(element).get(item))) return error;
      if (comma) out->push_back(',');
      comma = true;
      if ((error = AppendCompact(item, depth + 1, out))) return error;
    }
    out->push_back(']');
  } else if (first == '{') {
    ondemand::object object;
    if ((error = value.get_object().get(object))) return error;
    out->push_back('{');
    bool comma = false;
    for (auto member : object) {
      ondemand::field field;
      std::string_view key;
      if ((error = std::move(member).get(field)) ||
          (error = field.unescaped_key().get(key))) {
        return error;
      }
      if (comma) out->push_back(',');
      comma = true;
      AppendQuoted(key, out);
      out->push_back(':');
      if ((error = AppendCompact(field.value(), depth + 1, out))) return error;
    }
    out->push_back('}');
  } else if (first == '"') {
    std::string_view text;
    if ((error = value.get_string().get(text))) return error;
    AppendQuoted(text, out);
  } else {
    if ((error = CheckAtom(token))) return error;
    out->append(token);
  }
  return simdjson::SUCCESS;
}

/// The offset in `text` of the first '[' or '{' (outside strings) nested
/// deeper than kMaxDepth, or npos. Run before any recursive parser sees a
/// rejected record.
inline size_t TooDeepAt(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::string_view::npos;
}

}  // namespace errscope::json
