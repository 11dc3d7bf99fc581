#include "errscope/status.h"

#include <fmt/format.h>

namespace errscope {

std::string Where(std::string_view source, int64_t line, int64_t column) {
  if (column > 0) return fmt::format("{}:{}:{}: ", source, line, column);
  return fmt::format("{}:{}: ", source, line);
}

std::string QuoteForMessage(std::string_view text) {
  constexpr size_t kMax = 40;
  std::string out = "\"";
  for (size_t i = 0; i < text.size() && i < kMax; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > kMax) out += "...";
  out += '"';
  return out;
}

}  // namespace errscope
