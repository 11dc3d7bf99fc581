#include "report/text_table.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace errscope {

std::string Styled(std::string_view text, Style style, bool color) {
  if (!color || style == Style::kPlain) return std::string(text);
  const char* code = "";
  switch (style) {
    case Style::kBold: code = "\x1b[1m"; break;
    case Style::kDim: code = "\x1b[2m"; break;
    case Style::kGood: code = "\x1b[32m"; break;
    case Style::kWarn: code = "\x1b[33m"; break;
    case Style::kBad: code = "\x1b[31m"; break;
    case Style::kPlain: break;
  }
  return std::string(code) + std::string(text) + "\x1b[0m";
}

size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++width;  // count lead bytes only
  }
  return width;
}

std::string Fixed(double value, int decimals) {
  if (std::isnan(value)) return "n/a";
  return fmt::format("{:.{}f}", value, decimals);
}

std::string Percent(double value) { return fmt::format("{:.2f}%", 100 * value); }

std::string BinEdge(double value) {
  if (value == std::trunc(value) && std::fabs(value) < 1e15) {
    return fmt::format("{:.0f}", value);
  }
  return fmt::format("{:.6g}", value);
}

std::string SliceGroupName(const SliceGroup& g) {
  if (g.missing) return "(missing)";
  if (g.value) return *g.value;
  return fmt::format("[{}, {}{}", BinEdge(*g.lo), BinEdge(*g.hi),
                     g.closed ? "]" : ")");
}

std::string LiftText(const SliceGroup& g) {
  return g.lift ? fmt::format("{:.2f}x", *g.lift) : std::string("n/a");
}

std::vector<const ClassMetrics*> ListedClasses(
    const std::vector<ClassMetrics>& per_class) {
  std::vector<const ClassMetrics*> listed;
  for (const ClassMetrics& m : per_class) listed.push_back(&m);
  if (listed.size() <= kClassesListed) return listed;
  std::stable_sort(listed.begin(), listed.end(),
                   [](const ClassMetrics* a, const ClassMetrics* b) {
                     return a->support > b->support;
                   });
  listed.resize(kClassesListed);
  // Back to report order (the pointers are into one vector).
  std::sort(listed.begin(), listed.end());
  return listed;
}

std::string Heading(std::string_view title, bool color) {
  return fmt::format("\n{}\n", Styled(title, Style::kBold, color));
}

std::string Thousands(int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

std::string Truncate(std::string_view text, size_t width) {
  if (DisplayWidth(text) <= width || width == 0) return std::string(text);
  std::string out;
  size_t used = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80) {
      if (used + 1 == width) break;
      ++used;
    }
    out += text[i];
  }
  return out + "\u2026";
}

std::string TextTable::Render(bool color, size_t indent, size_t gap) const {
  std::vector<size_t> widths(aligns_.size(), 0);
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i].text));
    }
  }
  std::string out;
  for (const auto& row : rows_) {
    std::string line(indent, ' ');
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      size_t pad = widths[i] - DisplayWidth(row[i].text);
      if (i > 0) line.append(gap, ' ');
      bool last = i + 1 == row.size();
      if (aligns_[i] == Align::kRight) line.append(pad, ' ');
      line += Styled(row[i].text, row[i].style, color);
      if (aligns_[i] == Align::kLeft && !last) line.append(pad, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace errscope
