// StringMap: the flat string-keyed table behind the slices' value counts.
#include "errscope/string_map.h"

#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <string>

namespace errscope {
namespace {

using namespace std::string_view_literals;

TEST_CASE("string map: insert, find, insertion order", "[string_map]") {
  StringMap<int> m;
  CHECK(m.empty());
  CHECK(m.Find("a") == nullptr);
  m.Insert("b", 2);
  m.Insert("a", 1);
  m.Insert("", 7);  // the empty string is a key like any other
  REQUIRE(m.size() == 3);
  REQUIRE(m.Find("a") != nullptr);
  CHECK(*m.Find("a") == 1);
  CHECK(*m.Find("") == 7);
  CHECK(m.Find("c") == nullptr);
  CHECK(m.Find("a\0"sv) == nullptr);  // keys are bytes, not C strings
  *m.Find("b") += 40;
  CHECK(*m.Find("b") == 42);
  std::vector<std::string> keys;
  for (const auto& e : m.entries()) keys.emplace_back(m.KeyOf(e));
  CHECK(keys == std::vector<std::string>{"b", "a", ""});
}

TEST_CASE("string map: agrees with std::map through many growths",
          "[string_map]") {
  std::mt19937 rng(3);
  StringMap<int64_t> m;
  std::map<std::string, int64_t> reference;
  for (int i = 0; i < 200000; ++i) {
    // Short keys that share prefixes and lengths, as cells do.
    std::string key = std::to_string(rng() % 30000);
    if (rng() % 4 == 0) key += ".5";
    if (int64_t* v = m.Find(key)) {
      ++*v;
    } else {
      m.Insert(key, 1);
    }
    ++reference[key];
  }
  REQUIRE(m.size() == reference.size());
  for (const auto& [key, count] : reference) {
    const int64_t* v = m.Find(key);
    REQUIRE(v != nullptr);
    CHECK(*v == count);
  }
  int64_t total = 0;
  for (const auto& e : m.entries()) total += e.value;
  CHECK(total == 200000);
}

TEST_CASE("string map: equality ignores insertion order", "[string_map]") {
  StringMap<int> a, b;
  a.Insert("x", 1);
  a.Insert("y", 2);
  b.Insert("y", 2);
  b.Insert("x", 1);
  CHECK(a == b);
  *b.Find("x") = 3;
  CHECK_FALSE(a == b);
}

TEST_CASE("string hash: spreads keys that differ in one byte", "[string_map]") {
  CHECK(HashText("abc") != HashText("abd"));
  CHECK(HashText("12345678") != HashText("12345679"));
  CHECK(HashText("") != HashText(std::string_view("\0", 1)));
  CHECK(HashText("same") == HashText(std::string("same")));
}

TEST_CASE("string hash and comparison: every byte counts, at every length",
          "[string_map]") {
  // Short keys are read as overlapping words: a byte that differs at any
  // position of any length must change the comparison, and (for these
  // keys) the hash.
  for (size_t n = 0; n <= 40; ++n) {
    std::string key(n, 'a');
    for (size_t i = 0; i < n; ++i) key[i] = static_cast<char>('a' + i % 26);
    CHECK(SameText(key, std::string(key)));
    CHECK(HashText(key) == HashText(std::string(key)));
    CHECK_FALSE(SameText(key, key + "x"));
    for (size_t i = 0; i < n; ++i) {
      INFO("length " << n << ", byte " << i);
      std::string other = key;
      other[i] = '#';
      CHECK_FALSE(SameText(key, other));
      CHECK(HashText(key) != HashText(other));
    }
  }
}

}  // namespace
}  // namespace errscope
