#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "errscope/report.h"

namespace errscope {

/// ANSI styles for terminal output; applied only when colour is on.
enum class Style { kPlain, kBold, kDim, kGood, kWarn, kBad };

/// Wraps `text` in the escape codes of `style` when `color` is on.
std::string Styled(std::string_view text, Style style, bool color);

/// Display width of UTF-8 text (code points; good enough for labels).
size_t DisplayWidth(std::string_view text);

/// "32,561".
std::string Thousands(int64_t value);

/// Shortens `text` to `width` display columns with a trailing "…".
std::string Truncate(std::string_view text, size_t width);

/// "0.1234"; "n/a" for NaN.
std::string Fixed(double value, int decimals = 4);

/// "12.34%".
std::string Percent(double value);

/// A numeric bin edge as every report shows it: whole numbers in full
/// (fnlwgt 1484705, not 1.48e+06), others with six significant digits.
std::string BinEdge(double value);

/// A slice group's name in every report and in gate rules: its value,
/// "(missing)", or a bin "[lo, hi)" (the last one "[lo, hi]").
std::string SliceGroupName(const SliceGroup& g);

/// A group's lift, "1.25x", or "n/a".
std::string LiftText(const SliceGroup& g);

/// What the reports show of the slices: the worst groups of all features,
/// then the first groups of each feature.
inline constexpr size_t kWorstGroupsShown = 10;
inline constexpr size_t kGroupsShownPerFeature = 8;

/// Above this many classes the per-class tables of the text and Markdown
/// reports list only the classes with the most rows (JSON lists them all).
inline constexpr size_t kClassesListed = 100;

/// The classes a per-class table lists: all of them in report order, or
/// above kClassesListed the kClassesListed with the most support (ties in
/// report order), in report order.
std::vector<const ClassMetrics*> ListedClasses(
    const std::vector<ClassMetrics>& per_class);

/// A blank line and the section title.
std::string Heading(std::string_view title, bool color);

/// A table of aligned columns for the text report. Widths are measured on
/// the plain text, so colour never breaks alignment.
class TextTable {
 public:
  enum class Align { kLeft, kRight };
  struct Cell {
    std::string text;
    Style style = Style::kPlain;
  };

  explicit TextTable(std::vector<Align> aligns) : aligns_(std::move(aligns)) {}
  void AddRow(std::vector<Cell> cells) { rows_.push_back(std::move(cells)); }
  void AddSeparator() { rows_.emplace_back(); }
  /// Renders with `gap` spaces between columns and `indent` before each row.
  std::string Render(bool color, size_t indent = 2, size_t gap = 3) const;

 private:
  std::vector<Align> aligns_;
  std::vector<std::vector<Cell>> rows_;
};

}  // namespace errscope
