#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace errscope {

/// 10^k for k = 0..15: exact as doubles (and as integers below 2^53).
inline constexpr double kExactPow10[] = {1e0,  1e1,  1e2,  1e3, 1e4,  1e5,
                                         1e6,  1e7,  1e8,  1e9, 1e10, 1e11,
                                         1e12, 1e13, 1e14, 1e15};

/// 10^k for k = 0..8 as integers.
inline constexpr uint64_t kPow10Int[] = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};

/// The value of the fraction digits in the last `count` (1 to 8) bytes of
/// the 8 bytes at `from`, or false when one of them is not a digit. Eight
/// bytes at once (SWAR: the digits are multiplied together in pairs, then
/// fours, then eights): a loop over a probability's six digits was a fifth
/// of the instructions of an analysis without features.
inline bool EightByteFraction(const char* from, size_t count, uint64_t* value) {
  uint64_t x;
  std::memcpy(&x, from, 8);
  x ^= 0x3030303030303030;  // '0'..'9' -> 0..9, every other byte >= 10
  // The bytes before the fraction (little-endian: the low ones) become 0s.
  x &= ~uint64_t{0} << (8 * (8 - count));
  // A byte's high bit is set when it is 10 or more (no carries: each byte
  // adds at most 0x7f + 0x76).
  const uint64_t not_digit =
      (((x & 0x7f7f7f7f7f7f7f7f) + 0x7676767676767676) | x) &
      0x8080808080808080;
  if (not_digit != 0) return false;
  // The first byte is the most significant digit.
  x = x * 10 + (x >> 8);
  x = (((x & 0x000000ff000000ff) * (100 + (uint64_t{1000000} << 32))) +
       (((x >> 16) & 0x000000ff000000ff) * (1 + (uint64_t{10000} << 32)))) >>
      32;
  *value = x;
  return true;
}

/// The digits of an unsigned plain decimal of 1 to 15 digits in [p, end)
/// ("0.734521", "12", "51982.06"): the integer m they form and the number k
/// of them after the point, its value being m / 10^k. m < 10^15 < 2^53 and
/// 10^k are exact doubles, so that one division gives the correctly rounded
/// value (Clinger's fast path), the double from_chars gives. False for
/// anything else ("", a sign, an exponent, "5.", ".5", 16 digits or more).
/// `begin` <= p: where the readable bytes start (a sign before p, say).
/// Inline: it runs for every number of every row.
inline bool ParsePlainDigits(const char* begin, const char* p, const char* end,
                             uint64_t* mantissa, size_t* fraction_digits) {
  // Two tight digit loops (before and after the point) rather than one
  // loop that tests for the point at every byte.
  uint64_t m = 0;
  auto digits_from = [&](const char* from) {
    for (; p != end && static_cast<unsigned char>(*p - '0') < 10; ++p) {
      m = m * 10 + static_cast<uint64_t>(*p - '0');
    }
    return static_cast<size_t>(p - from);
  };
  const size_t int_digits = digits_from(p);
  size_t fraction = 0;
  if (p != end && *p == '.' && int_digits > 0) {
    ++p;
    const auto rest = static_cast<size_t>(end - p);
    // One or two digits cost less in the loop (a feature like 51982.06).
    if (rest >= 3 && rest <= 8 && end - begin >= 8) {
      // The fraction is the end of the 8 bytes before `end` (all readable).
      uint64_t digits = 0;
      if (!EightByteFraction(end - 8, rest, &digits)) return false;
      m = m * kPow10Int[rest] + digits;
      fraction = rest;
      p = end;
    } else {
      fraction = digits_from(p);
      if (fraction == 0) return false;  // "5."
    }
  }
  const size_t digits = int_digits + fraction;
  if (p != end || digits == 0 || digits > 15) return false;
  *mantissa = m;
  *fraction_digits = fraction;
  return true;
}

/// A plain decimal of at most 15 digits with an optional minus sign
/// ("0.734521", "-12", "51982.06"), the common case of ParseNumber, inline
/// and without from_chars. False, leaving the rest to ParseNumber, for
/// anything else.
inline bool ParsePlainDecimal(std::string_view text, double* value) {
  const char* p = text.data();
  const char* const end = p + text.size();
  const bool negative = p != end && *p == '-';
  if (negative) ++p;
  uint64_t mantissa = 0;
  size_t fraction_digits = 0;
  if (!ParsePlainDigits(text.data(), p, end, &mantissa, &fraction_digits)) {
    return false;
  }
  const double magnitude =
      static_cast<double>(mantissa) / kExactPow10[fraction_digits];
  *value = negative ? -magnitude : magnitude;
  return true;
}

}  // namespace errscope
