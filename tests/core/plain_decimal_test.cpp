// ParsePlainDecimal against its definition: it takes exactly the text
// -?[0-9]+(\.[0-9]+)? of at most 15 digits, and gives from_chars' double.
// The text sits in a heap block of its own size, so that a sanitizer build
// catches a read outside it (the fraction is read eight bytes at a time).
#include "errscope/plain_decimal.h"

#include <catch2/catch.hpp>
#include <charconv>
#include <cstring>
#include <memory>
#include <random>
#include <string>

namespace errscope {
namespace {

/// Whether `text` is a plain decimal of 1 to 15 digits (the definition,
/// byte by byte).
bool IsPlainDecimal(const std::string& text) {
  size_t i = text.starts_with("-") ? 1 : 0;
  size_t int_digits = 0, fraction_digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    ++i;
    ++int_digits;
  }
  if (int_digits == 0) return false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      ++i;
      ++fraction_digits;
    }
    if (fraction_digits == 0) return false;
  }
  return i == text.size() && int_digits + fraction_digits <= 15;
}

/// ParsePlainDecimal of `text` copied to a block of exactly its size.
bool ParseAlone(const std::string& text, double* value) {
  auto block = std::make_unique<char[]>(text.size() + (text.empty() ? 1 : 0));
  std::memcpy(block.get(), text.data(), text.size());
  return ParsePlainDecimal(std::string_view(block.get(), text.size()), value);
}

void CheckAgainstDefinition(const std::string& text) {
  INFO("text: \"" << text << '"');
  double value = 12345;
  const bool plain = IsPlainDecimal(text);
  REQUIRE(ParseAlone(text, &value) == plain);
  if (!plain) return;
  double expected = 0;
  std::from_chars(text.data(), text.data() + text.size(), expected);
  CHECK(std::memcmp(&value, &expected, sizeof value) == 0);  // -0.0 too
}

TEST_CASE("ParsePlainDecimal: fractions read eight bytes at a time",
          "[plain_decimal]") {
  for (const char* text :
       {"0.047905", "0.000000", "1.000000", "0.999999", "9.9999999",
        "12.345678", "0.12345678", "123456.78", "0.1234", "-0.047905",
        "-12.34567", "1234567.12345678", "51982.06", "0.5", "1.25"}) {
    CheckAgainstDefinition(text);
  }
  // Not digits, in every byte of an eight-byte fraction: the neighbours of
  // '0' and '9', a point, a sign, a space, bytes with the high bit set
  // (0xb0 is '0' with it).
  for (const char bad : {'/', ':', '.', '-', '+', ' ', 'e', '\x80', '\xb0',
                         '\xb9', '\xff', '\0'}) {
    for (size_t at = 2; at < 10; ++at) {
      std::string text = "0.12345678";
      text[at] = bad;
      CheckAgainstDefinition(text);
    }
  }
  for (const char* text :
       {"0.", "5.", ".12345678", "0..1234567", "0.1234.56", "1234567.123456789",
        "12345678.12345678", "-", "", "-.123456"}) {
    CheckAgainstDefinition(text);
  }
}

TEST_CASE("ParsePlainDecimal agrees with its definition on random text",
          "[plain_decimal]") {
  // Mostly digits, so that many texts are plain decimals of every length
  // and point position, and the rest fail at every position.
  const std::string others = "..-/:e +\x80\xb0";
  std::mt19937_64 rng(7);
  for (int n = 0; n < 300000; ++n) {
    const size_t length = 1 + rng() % 18;
    std::string text;
    for (size_t i = 0; i < length; ++i) {
      text += rng() % 8 != 0 ? static_cast<char>('0' + rng() % 10)
                             : others[rng() % others.size()];
    }
    CheckAgainstDefinition(text);
  }
}

}  // namespace
}  // namespace errscope
