// CellCounter: the small exact-bytes table that counts a column's cells by
// spelling. Its key reads a cell as two (possibly overlapping) words, so
// every test here is about a byte or a length that the key could miss.
#include "errscope/cell_counter.h"

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace errscope {
namespace {

using namespace std::string_view_literals;

using Entry = CellCounter::Entry;

/// "rows/errors@first_row" of each entry, in the counter's order.
std::vector<std::string> Summary(const CellCounter& counter) {
  std::vector<std::string> out;
  for (const Entry& e : counter.entries()) {
    out.push_back(std::to_string(e.rows) + "/" + std::to_string(e.errors) +
                  "@" + std::to_string(e.first_row));
  }
  return out;
}

using Strings = std::vector<std::string>;

TEST_CASE("cell counter: counts per spelling, in order of first appearance",
          "[cell_counter]") {
  CellCounter counter(16);
  CHECK(counter.size() == 0);
  CHECK(counter.entries().empty());
  CHECK(counter.Add("red", false, 0));
  CHECK(counter.Add("blue", true, 1));
  CHECK(counter.Add("red", true, 2));
  CHECK(counter.Add("green", false, 3));
  CHECK(counter.Add("blue", true, 4));
  CHECK(counter.Add("red", false, 5));
  REQUIRE(counter.size() == 3);
  // red: rows 0, 2, 5 (one wrong); blue: rows 1, 4 (both wrong); green: 3.
  CHECK(Summary(counter) == Strings{"3/1@0", "2/2@1", "1/0@3"});
  CHECK(counter.entries()[0].size == 3);
  CHECK(counter.entries()[1].size == 4);
  CHECK(counter.entries()[2].size == 5);
}

TEST_CASE("cell counter: first_row is the row given with the first cell",
          "[cell_counter]") {
  // Rows are the caller's tags, not a running count: they need not start at
  // 0 nor be consecutive, and later rows never move first_row.
  CellCounter counter(4);
  CHECK(counter.Add("x", false, 1000));
  CHECK(counter.Add("x", false, 7));
  CHECK(counter.Add("y", true, 4000000000u));
  REQUIRE(counter.size() == 2);
  CHECK(Summary(counter) == Strings{"2/0@1000", "1/1@4000000000"});
}

TEST_CASE("cell counter: spellings that differ only in length are distinct",
          "[cell_counter]") {
  // Runs of one byte: for n >= 8 the first and last 8 bytes of "aaaaaaaaa"
  // and "aaaaaaaa" are the same words, for 4..7 the same 4-byte words, for
  // 1..3 the same sampled bytes; only the size tells them apart.
  CellCounter counter(64);
  for (size_t n = 1; n <= CellCounter::kMaxCellBytes; ++n) {
    CHECK(counter.Add(std::string(n, 'a'), false, static_cast<uint32_t>(n)));
  }
  REQUIRE(counter.size() == CellCounter::kMaxCellBytes);
  // Trailing NULs: never in a real cell, but a key padded with zeros would
  // take "a" and "a\0" for one spelling.
  CHECK(counter.Add("b"sv, false, 100));
  CHECK(counter.Add("b\0"sv, false, 101));
  CHECK(counter.Add("b\0\0"sv, false, 102));
  CHECK(counter.Add("b\0\0\0\0\0\0\0"sv, false, 103));    // 8 bytes
  CHECK(counter.Add("b\0\0\0\0\0\0\0\0"sv, false, 104));  // 9 bytes
  CHECK(counter.Add("\0"sv, false, 105));
  CHECK(counter.Add("\0\0"sv, false, 106));
  REQUIRE(counter.size() == CellCounter::kMaxCellBytes + 7);
  for (const Entry& e : counter.entries()) CHECK(e.rows == 1);
  // Each again: it must find its own entry, not a neighbour's.
  CHECK(counter.Add("b\0"sv, true, 200));
  CHECK(counter.Add(std::string(9, 'a'), true, 201));
  CHECK(counter.entries()[8].rows == 2);  // 9 a's, added 9th
  CHECK(counter.entries()[8].errors == 1);
  CHECK(counter.entries()[CellCounter::kMaxCellBytes + 1].rows == 2);  // b\0
  CHECK(counter.size() == CellCounter::kMaxCellBytes + 7);
}

TEST_CASE("cell counter: a full table of one tells sizes apart",
          "[cell_counter]") {
  // A run of one letter has the same key words at many lengths (1..3, 4..7,
  // 8..16): in a table of one entry (two slots) a cell of another length
  // often probes the slot of the entry, and must still not be taken for it.
  Strings mistaken;
  for (const char c : {'a', 'z', '0', '9', '.', '\xff'}) {
    for (size_t n = 1; n <= CellCounter::kMaxCellBytes; ++n) {
      for (size_t m = 1; m <= CellCounter::kMaxCellBytes; ++m) {
        if (m == n) continue;
        CellCounter counter(1);
        REQUIRE(counter.Add(std::string(n, c), false, 0));
        if (counter.Add(std::string(m, c), false, 1) ||
            counter.entries()[0].rows != 1) {
          mistaken.push_back(std::to_string(m) + " x '" + c + "' for " +
                             std::to_string(n));
        }
      }
    }
  }
  CHECK(mistaken == Strings{});
}

TEST_CASE("cell counter: the cases the key trick could confuse",
          "[cell_counter]") {
  // Pairs that agree on what a lazier key would read: the ends of a short
  // cell, the first 8 bytes of a longer one, or the one byte that the two
  // overlapping words of a 5..9-byte cell both hold.
  const Strings pairs[] = {
      {"abc", "aXc"},                // 1..3 bytes: the middle byte n/2
      {"ab", "aX"},                  // 2 bytes: n/2 == n-1
      {"abcde", "abXde"},            // 5 bytes: only byte 2 differs
      {"abcdefg", "abcXefg"},        // 7 bytes: byte 3, in both words
      {"abcdefgh", "abcdefgX"},      // 8 bytes: the last byte
      {"abcdefgh", "Xbcdefgh"},      // 8 bytes: the first byte
      {"abcdefgh", "abcdefgha"},     // 8 vs 9 sharing the prefix
      {"abcdefghi", "abcdXfghi"},    // 9 bytes: the byte the words share
      {"abcdefghij", "abcdefghiX"},  // 10 bytes
      {"abcdefghijklmnop", "abcdefghXjklmnop"},  // 16 bytes: byte 8
      {"0.5", "0.6"},  // numbers, as real columns have them
      {"12.345", "12.346"},
      {"1234567.125", "1234567.126"},
  };
  for (const Strings& pair : pairs) {
    INFO(pair[0] << " vs " << pair[1]);
    CellCounter counter(8);
    CHECK(counter.Add(pair[0], false, 0));
    CHECK(counter.Add(pair[1], true, 1));
    CHECK(counter.Add(pair[0], false, 2));
    CHECK(Summary(counter) == Strings{"2/0@0", "1/1@1"});
  }
}

TEST_CASE("cell counter: one byte changed at any position of any length",
          "[cell_counter]") {
  // Every length 1..16, every position, several replacement bytes (a
  // letter, NUL, and bytes with the high bit set), in cells of letters and
  // in cells of high bytes (a signed char would be sign-extended over the
  // other bytes of the key: "\x80bc" and "\x80Xc" would be one).
  Strings cells;
  std::set<std::string> seen;  // 1-byte cells repeat across the bases
  auto add = [&](const std::string& cell) {
    if (seen.insert(cell).second) cells.push_back(cell);
  };
  for (size_t n = 1; n <= CellCounter::kMaxCellBytes; ++n) {
    for (const char first : {'a', '\x80'}) {
      std::string base(n, ' ');
      for (size_t i = 0; i < n; ++i) base[i] = static_cast<char>(first + i);
      add(base);
      for (size_t i = 0; i < n; ++i) {
        for (const char c : {'#', '\0', '\x7f', '\xff'}) {
          std::string other = base;
          other[i] = c;
          add(other);
        }
      }
    }
  }
  REQUIRE(cells.size() > 1000);
  CellCounter counter(cells.size());
  for (size_t i = 0; i < cells.size(); ++i) {
    INFO("cell " << i << " of " << cells[i].size() << " bytes");
    REQUIRE(counter.Add(cells[i], false, static_cast<uint32_t>(i)));
  }
  REQUIRE(counter.size() == cells.size());
  // A second pass, in reverse, with errors: each cell lands on its own
  // entry (entry i is cells[i]: all are distinct, so appearance order).
  for (size_t i = cells.size(); i-- > 0;) {
    REQUIRE(counter.Add(cells[i], i % 3 == 0, 0));
  }
  REQUIRE(counter.size() == cells.size());
  for (size_t i = 0; i < cells.size(); ++i) {
    INFO("cell " << i << " of " << cells[i].size() << " bytes");
    const Entry& e = counter.entries()[i];
    CHECK(e.size == cells[i].size());
    CHECK(e.rows == 2);
    CHECK(e.errors == (i % 3 == 0 ? 1u : 0u));
    CHECK(e.first_row == i);
  }
}

TEST_CASE("cell counter: the key is the cell's bytes, not its neighbours'",
          "[cell_counter]") {
  // The same spelling as views into different text (a chunk's bytes around
  // it differ from cell to cell): one entry, whatever lies either side.
  for (size_t n = 1; n <= CellCounter::kMaxCellBytes; ++n) {
    INFO("length " << n);
    const std::string word = std::string("abcdefghijklmnop").substr(0, n);
    const std::string a = "xxxxxxxxxxxxxxxx" + word + "yyyyyyyyyyyyyyyy";
    const std::string b = "0123456789abcdef" + word + "FEDCBA9876543210";
    CellCounter counter(4);
    CHECK(counter.Add(std::string_view(a).substr(16, n), false, 0));
    CHECK(counter.Add(std::string_view(b).substr(16, n), true, 1));
    CHECK(counter.Add(word, false, 2));
    CHECK(Summary(counter) == Strings{"3/1@0"});
  }
}

TEST_CASE("cell counter: refuses empty cells and cells over 16 bytes",
          "[cell_counter]") {
  CellCounter counter(8);
  CHECK_FALSE(counter.Add("", true, 0));
  CHECK_FALSE(counter.Add(std::string_view(), true, 0));   // null data
  CHECK_FALSE(counter.Add("abcdefghijklmnopq", true, 1));  // 17 bytes
  CHECK_FALSE(counter.Add(std::string(1000, 'z'), true, 2));
  CHECK(counter.size() == 0);
  CHECK(counter.entries().empty());
  // The longest cell taken, then the 17-byte one that extends it: refused,
  // and not counted as the 16-byte one (whose words it shares).
  const std::string sixteen = "123456789.123456";
  REQUIRE(sixteen.size() == CellCounter::kMaxCellBytes);
  CHECK(counter.Add(sixteen, false, 3));
  CHECK_FALSE(counter.Add(sixteen + "7", true, 4));
  CHECK_FALSE(counter.Add("", true, 5));
  CHECK(Summary(counter) == Strings{"1/0@3"});
}

TEST_CASE("cell counter: a full table refuses new spellings, counts known ones",
          "[cell_counter]") {
  CellCounter counter(3);
  CHECK(counter.Add("a", false, 0));
  CHECK(counter.Add("b", false, 1));
  CHECK(counter.Add("c", false, 2));
  CHECK_FALSE(counter.Add("d", true, 3));
  CHECK_FALSE(counter.Add("abcdefgh", true, 4));
  CHECK(counter.Add("b", true, 5));
  CHECK(counter.Add("a", false, 6));
  CHECK_FALSE(counter.Add("d", true, 7));  // still refused, not half-counted
  REQUIRE(counter.size() == 3);
  CHECK(Summary(counter) == Strings{"2/0@0", "2/1@1", "1/0@2"});
}

TEST_CASE("cell counter: a table of one", "[cell_counter]") {
  // The smallest table: 2 slots, one entry.
  CellCounter counter(1);
  CHECK(counter.Add("only", false, 0));
  CHECK_FALSE(counter.Add("other", false, 1));
  CHECK(counter.Add("only", true, 2));
  CHECK(Summary(counter) == Strings{"2/1@0"});
}

TEST_CASE("cell counter: the largest table fills to 32768 spellings",
          "[cell_counter]") {
  // Entry indexes + 1 are kept in 16-bit slots: the last one, 32768, is the
  // largest that fits. Every spelling must still find its own entry.
  constexpr size_t kCapacity = 32768;
  CellCounter counter(kCapacity);
  for (size_t i = 0; i < kCapacity; ++i) {
    REQUIRE(
        counter.Add(std::to_string(i * 7), false, static_cast<uint32_t>(i)));
  }
  CHECK(counter.size() == kCapacity);
  CHECK_FALSE(counter.Add("-1", false, 99999));
  CHECK_FALSE(counter.Add(std::to_string(kCapacity * 7), false, 99999));
  for (size_t i = 0; i < kCapacity; ++i) {
    REQUIRE(counter.Add(std::to_string(i * 7), i % 2 == 0, 0));
  }
  REQUIRE(counter.size() == kCapacity);
  bool all_right = true;
  for (size_t i = 0; i < kCapacity; ++i) {
    const Entry& e = counter.entries()[i];
    all_right = all_right && e.rows == 2 &&
                e.errors == (i % 2 == 0 ? 1u : 0u) && e.first_row == i &&
                e.size == std::to_string(i * 7).size();
  }
  CHECK(all_right);
}

TEST_CASE("cell counter: Clear forgets everything, the counter is reusable",
          "[cell_counter]") {
  CellCounter counter(2);
  CHECK(counter.Add("a", true, 0));
  CHECK(counter.Add("b", true, 1));
  CHECK_FALSE(counter.Add("c", false, 2));
  counter.Clear();
  CHECK(counter.size() == 0);
  CHECK(counter.entries().empty());
  // Room again for two new spellings; the old ones start from nothing (a
  // stale slot would send "a" to an entry that no longer exists, or to "c").
  CHECK(counter.Add("c", false, 10));
  CHECK(counter.Add("a", false, 11));
  CHECK_FALSE(counter.Add("b", false, 12));
  CHECK(counter.Add("a", true, 13));
  CHECK(Summary(counter) == Strings{"1/0@10", "2/1@11"});
  counter.Clear();
  counter.Clear();  // twice is once
  CHECK(counter.size() == 0);
  CHECK(counter.Add("b", false, 20));
  CHECK(Summary(counter) == Strings{"1/0@20"});
}

TEST_CASE("cell counter: cells that end their allocation", "[cell_counter]") {
  // Each cell is the whole of a heap buffer of exactly its size, as the
  // last cell of a chunk may be: the address sanitizer fails this test on
  // any read past a cell, or before it (a std::string would hide a read
  // past the end in its NUL and spare capacity).
  std::vector<std::unique_ptr<char[]>> buffers;
  CellCounter counter(64);
  for (size_t n = 1; n <= CellCounter::kMaxCellBytes; ++n) {
    for (const char fill : {'p', 'q'}) {
      buffers.emplace_back(new char[n]);
      for (size_t i = 0; i < n; ++i) {
        buffers.back()[i] = static_cast<char>(fill + (i == n - 1 ? 2 : 0));
      }
      CHECK(counter.Add(std::string_view(buffers.back().get(), n), false,
                        static_cast<uint32_t>(n)));
    }
  }
  CHECK(counter.size() == 2 * CellCounter::kMaxCellBytes);
  // The same spellings from std::strings find the buffers' entries.
  for (size_t n = 1; n <= CellCounter::kMaxCellBytes; ++n) {
    std::string p(n, 'p');
    p.back() = 'r';
    CHECK(counter.Add(p, true, 0));
  }
  CHECK(counter.size() == 2 * CellCounter::kMaxCellBytes);
  for (size_t i = 0; i < counter.size(); ++i) {
    INFO("entry " << i);
    CHECK(counter.entries()[i].rows == (i % 2 == 0 ? 2u : 1u));
  }
}

TEST_CASE("cell counter: agrees with std::map on random short cells",
          "[cell_counter]") {
  // Cells of 0..20 bytes over a 3-letter alphabet: many repeats, many
  // spellings sharing prefixes, suffixes and lengths, and some the counter
  // must refuse. A capacity below the number of distinct spellings makes
  // the table fill part way through.
  struct Counts {
    uint32_t rows = 0, errors = 0, first_row = 0;
  };
  std::mt19937 rng(20240607);
  for (const size_t capacity : {size_t{300}, size_t{4096}}) {
    CellCounter counter(capacity);
    for (int round = 0; round < 2; ++round) {  // a Clear between rounds
      INFO("capacity " << capacity << ", round " << round);
      counter.Clear();
      std::map<std::string, Counts> reference;
      Strings order;  // spellings in order of first appearance
      Strings by_row;
      for (uint32_t row = 0; row < 20000; ++row) {
        // Mostly short cells: lengths 1..4 repeat a lot, 5..16 rarely.
        const size_t n = rng() % 2 ? rng() % 5 : rng() % 21;
        std::string cell(n, ' ');
        for (char& c : cell) c = "ab."[rng() % 3];
        const bool error = rng() % 4 == 0;
        by_row.push_back(cell);
        bool expected = false;
        if (n >= 1 && n <= CellCounter::kMaxCellBytes) {
          auto it = reference.find(cell);
          if (it != reference.end()) {
            expected = true;
          } else if (reference.size() < capacity) {
            it = reference.emplace(cell, Counts{0, 0, row}).first;
            order.push_back(cell);
            expected = true;
          }
          if (expected) {
            ++it->second.rows;
            it->second.errors += error ? 1 : 0;
          }
        }
        REQUIRE(counter.Add(cell, error, row) == expected);
      }
      REQUIRE(counter.size() == order.size());
      if (capacity == 300) CHECK(counter.size() == capacity);  // it filled
      for (size_t i = 0; i < order.size(); ++i) {
        const Entry& e = counter.entries()[i];
        const Counts& want = reference.at(order[i]);
        INFO("entry " << i << ": " << order[i]);
        REQUIRE(e.first_row < by_row.size());
        CHECK(by_row[e.first_row] == order[i]);
        CHECK(e.size == order[i].size());
        CHECK(e.rows == want.rows);
        CHECK(e.errors == want.errors);
        CHECK(e.first_row == want.first_row);
      }
    }
  }
}

}  // namespace
}  // namespace errscope
