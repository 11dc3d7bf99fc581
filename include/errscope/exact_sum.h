#pragma once

#include <cmath>
#include <cstdint>
#include <string>

namespace errscope {

/// A sum of doubles that does not depend on the order of the additions, so
/// that partials merged over any chunking give the same bits: each value is
/// rounded to a multiple of 2^-52 (finer than a double's resolution at 1)
/// and the multiples are added exactly in 128-bit integers.
///
/// For values of magnitude below 2^11 (confidences, Brier terms, log
/// losses: the log-loss floor makes those at most 34.6), and up to 2^60
/// additions. Error: at most 2^-53 per addition.
class ExactSum {
 public:
  void Add(double value) {
    // value * 2^52, rounded half away from zero (llround's rule), inline:
    // ldexp and llround were two library calls per row and sum. The
    // product is exact (a power of two), below 2^63 in magnitude, and its
    // fraction x - trunc(x) is exact too.
    const double scaled = value * kScale;
    auto whole = static_cast<int64_t>(scaled);  // truncates
    const double fraction = scaled - static_cast<double>(whole);
    // Comparisons as integers, not branches: whether a fraction reaches
    // one half is a coin toss per row, and mispredicted branches were most
    // of the cost of calibration's three sums per row.
    whole += static_cast<int64_t>(fraction >= 0.5) -
             static_cast<int64_t>(fraction <= -0.5);
    total_ += whole;
  }
  void Merge(const ExactSum& other) { total_ += other.total_; }
  double value() const {
    return std::ldexp(static_cast<long double>(total_), -kFractionBits);
  }
  bool operator==(const ExactSum&) const = default;

  /// Decimal text of the scaled integer (for JSON partials).
  std::string ToString() const;
  /// Parses ToString's text; false when it is not an integer.
  static bool FromString(const std::string& text, ExactSum* sum);

 private:
  static constexpr int kFractionBits = 52;
  static constexpr double kScale = 0x1p52;  ///< 2^kFractionBits
  __int128 total_ = 0;
};

}  // namespace errscope
