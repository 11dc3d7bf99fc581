// Option checks with messages a user can act on. CLI11's built-in ranges
// print their bounds as doubles ("0.000000 to 1.797...e308"), which says
// nothing useful about an integer option.
#include <charconv>
#include <limits>
#include <fmt/format.h>

#include "cli/cli.h"

namespace errscope::cli {
namespace {
constexpr long long kNoMaximum = std::numeric_limits<long long>::max();
}  // namespace

CLI::Validator IntegerInRange(long long min, long long max) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        long long value = 0;
        const char* end = text.data() + text.size();
        auto [ptr, ec] = std::from_chars(text.data(), end, value);
        if (ec != std::errc() || ptr != end || text.empty()) {
          return fmt::format("expected a whole number >= {}, got '{}'", min,
                             text);
        }
        if (value < min) {
          return fmt::format("must be at least {}, got {}", min, text);
        }
        if (value > max) {
          return fmt::format("must be at most {}, got {}", max, text);
        }
        return "";
      },
      // The help shows the range after the type: "UINT:[1, 1000]".
      max != kNoMaximum ? fmt::format("[{}, {}]", min, max)
      : min == 0        ? std::string()
                        : fmt::format(">={}", min));
}

CLI::Validator IntegerAtLeast(long long min) {
  return IntegerInRange(min, kNoMaximum);
}

CLI::Validator NumberBetween(double lo, double hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        double value = 0;
        const char* end = text.data() + text.size();
        auto [ptr, ec] = std::from_chars(text.data(), end, value);
        if (ec != std::errc() || ptr != end || text.empty() ||
            !(value >= lo && value <= hi)) {
          return fmt::format("expected a number in [{}, {}], got '{}'", lo, hi,
                             text);
        }
        return "";
      },
      fmt::format("[{}, {}]", lo, hi));
}

}  // namespace errscope::cli
