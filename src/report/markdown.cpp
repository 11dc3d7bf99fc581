#include "report/markdown.h"

#include <fmt/format.h>

#include <cassert>

namespace errscope {
namespace {

/// Characters that start or end an inline construct anywhere in a line:
/// emphasis, code, strikethrough, math ($, GitHub), links, HTML, entities,
/// and the table's own cell separator.
constexpr std::string_view kInlineSyntax = "\\`*_~$[]<>|&";

bool IsBlank(std::string_view text, size_t at) {
  return at >= text.size() || text[at] == ' ' || text[at] == '\t';
}

/// Escapes what would open a block at the start of `line` (after its
/// indentation): a heading, a bullet or an ordered list item. Emphasis and
/// quotes ('*', '>') are escaped everywhere already.
void EscapeBlockStart(std::string* line) {
  const size_t start = line->find_first_not_of(" \t");
  if (start == std::string::npos) return;
  const char first = (*line)[start];
  if (first == '#' ||
      ((first == '-' || first == '+') && IsBlank(*line, start + 1))) {
    line->insert(start, 1, '\\');
    return;
  }
  // "1. " or "1) ": CommonMark allows at most 9 digits.
  size_t end = start;
  while (end < line->size() && end - start < 10 && (*line)[end] >= '0' &&
         (*line)[end] <= '9') {
    ++end;
  }
  if (end == start || end - start > 9 || end == line->size()) return;
  const char marker = (*line)[end];
  if ((marker == '.' || marker == ')') && IsBlank(*line, end + 1)) {
    line->insert(end, 1, '\\');
  }
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\r':
      case '\n':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string MarkdownEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r' || c == '\n') {
      // A line break would end a table row; CRLF is one break, one space.
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += ' ';
      continue;
    }
    if (kInlineSyntax.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  // Checked on the result: "-\nx" only becomes a bullet once joined.
  EscapeBlockStart(&out);
  return out;
}

std::string MarkdownDetails(std::string_view summary, std::string_view body) {
  std::string out = fmt::format("<details><summary>{}</summary>\n\n{}",
                                HtmlEscape(summary), body);
  if (out.back() != '\n') out += '\n';
  out += "\n</details>\n";
  return out;
}

void MarkdownTable::AddRow(std::vector<std::string> cells) {
  assert(cells.size() <= columns_.size());
  cells.resize(columns_.size());
  for (std::string& cell : cells) cell = MarkdownEscape(cell);
  rows_.push_back(std::move(cells));
}

std::string MarkdownTable::Render() const {
  // The spaces around each cell matter: they keep a cell's trailing
  // backslash ("\\") from escaping the pipe that closes it.
  std::string header = "|";
  std::string alignment = "|";
  for (const Column& column : columns_) {
    header += fmt::format(" {} |", MarkdownEscape(column.header));
    alignment += column.align == Align::kRight ? " ---: |" : " --- |";
  }
  std::string out = fmt::format("{}\n{}\n", header, alignment);
  for (const std::vector<std::string>& row : rows_) {
    out += '|';
    for (const std::string& cell : row) out += fmt::format(" {} |", cell);
    out += '\n';
  }
  return out;
}

}  // namespace errscope
