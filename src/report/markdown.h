#pragma once
// Building blocks of GitHub-flavoured Markdown output, shared by every
// Markdown writer (the analyze report, the CI gate report).
#include <string>
#include <string_view>
#include <vector>

namespace errscope {

/// `text` escaped so that it renders literally: in a table cell, a list item
/// or a paragraph. Markdown punctuation (\ ` * _ ~ $ [ ] < > | &) gets a
/// backslash everywhere; '#', "- ", "+ " and "1. " only at the start, where
/// they would open a heading or a list. Line breaks become one space, so the
/// result is always one line. Other bytes (UTF-8, emoji) pass unchanged.
/// GitHub's autolinks (@user, #123, :emoji:) are not Markdown and still
/// apply.
std::string MarkdownEscape(std::string_view text);

/// A collapsed block: `summary` (plain text, HTML-escaped here) is shown,
/// `body` (Markdown) only when opened. Blank lines around the body make
/// GitHub render it as Markdown rather than raw HTML.
std::string MarkdownDetails(std::string_view summary, std::string_view body);

/// A GFM pipe table. Every cell is plain text and is escaped here, so no
/// label can add a column or break the table.
class MarkdownTable {
 public:
  enum class Align { kLeft, kRight };
  struct Column {
    std::string header;
    Align align = Align::kLeft;
  };

  explicit MarkdownTable(std::vector<Column> columns)
      : columns_(std::move(columns)) {}
  /// A row shorter than the header is padded with empty cells; a longer
  /// one is a bug (asserted).
  void AddRow(std::vector<std::string> cells);
  size_t rows() const { return rows_.size(); }
  /// "| a | b |" lines: header, the "| --- | ---: |" alignment row, rows.
  std::string Render() const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace errscope
