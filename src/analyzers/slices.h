#pragma once

#include <bit>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "analyzers/board_handle.h"
#include "errscope/analyzer.h"
#include "errscope/string_map.h"
#include "errscope/value_histogram.h"

namespace errscope {

/// Rows and errors of a group.
struct GroupCounts {
  int64_t rows = 0;
  int64_t errors = 0;
  /// The 1-based data row where the group was first met (0: unknown); used
  /// for tracked values only, so that a merge with room for only some new
  /// values takes the ones met first in input order.
  int64_t first_row = 0;
  void Add(const GroupCounts& other) {
    rows += other.rows;
    errors += other.errors;
    if (other.first_row > 0 &&
        (first_row == 0 || other.first_row < first_row)) {
      first_row = other.first_row;
    }
  }
};

/// A distinct number of a feature column. Spellings that parse as the same
/// finite number (`1`, `1.0`, ` 1`) are one value, as they are one class
/// label; the value is named by its first spelling in input order.
struct NumberCount {
  double value;  ///< -0.0 is counted as 0.0.
  GroupCounts counts;
  uint32_t spelling_offset;  ///< In FeatureTally::spellings.
  uint32_t spelling_size;
};

/// What one feature column has seen: counts per distinct value, and while
/// every value is a number, a histogram of the numbers. A chunk's partial
/// counts every distinct value of its chunk (bounded by the chunk's size);
/// the running total merged from them tracks the first kMaxTrackedValues in
/// input order and counts the rest together.
///
/// Numbers are kept apart from text, sorted by value: a chunk groups its
/// numbers by sorting them (which its histogram needs anyway) instead of
/// looking every cell up in a hash table, and a merge joins two sorted
/// lists. Profiled: hashing each numeric cell's text was a third of an
/// analysis of a file with a few continuous features.
struct FeatureTally {
  /// Cells that are not finite numbers, by exact text. Hashed, not
  /// ordered: a lookup per cell is the hot path of text features.
  /// Everything that reads the values in an order sorts them first.
  StringMap<GroupCounts> values;
  /// Cells that are finite numbers, ascending by value.
  std::vector<NumberCount> numeric_values;
  std::string spellings;  ///< Arena of the numeric values' first spellings.
  GroupCounts untracked;  ///< Values the running total did not track.
  GroupCounts missing;    ///< Empty cells.
  /// A running total that refused a new value takes no later one.
  bool tracking_closed = false;
  bool all_numeric = true;
  ValueHistogram numbers;

  std::string_view SpellingOf(const NumberCount& n) const {
    return std::string_view(spellings).substr(n.spelling_offset,
                                              n.spelling_size);
  }
  /// Distinct values tracked, text and numbers.
  size_t tracked() const { return values.size() + numeric_values.size(); }
  /// Bytes of the tracked values' text.
  size_t tracked_bytes() const { return values.key_bytes() + spellings.size(); }
};

/// How many distinct values of a feature are counted one by one.
inline constexpr size_t kMaxTrackedValues = 10000;
/// How many bytes of value text a running total keeps, at most.
inline constexpr size_t kMaxTrackedBytes = size_t{64} << 20;

/// What a running total tells the chunks still to be counted: per
/// feature, once the total takes no more values, the numbers it tracks
/// (ascending). They never change after that (MergeValues takes no new
/// value into a closed total), so a chunk can put every other number
/// straight into `untracked` instead of listing it with its spelling for
/// the merge to drop (profiled: listing the numbers of two continuous
/// columns was 8% of an analysis). Written by merges into the total and
/// read by the threads that make chunk partials: hence the lock.
/// A set of finite numbers (-0.0 as 0.0), for lookups of many numbers that
/// are mostly absent: open addressing on the values' bits, at most half
/// full. (A walk of two sorted lists branched unpredictably at every step:
/// three times slower.) In front of it, a 16 KiB bit filter that stays in
/// the first-level cache: most absent numbers are turned away there,
/// without touching the table (a quarter megabyte for 10,000 numbers; the
/// miss to reach it was a quarter of a chunk's feature loop).
class NumberSet {
 public:
  explicit NumberSet(const std::vector<NumberCount>& numbers);
  bool Contains(double value) const {
    const uint64_t bits = std::bit_cast<uint64_t>(value + 0.0);
    const size_t bit = FilterBit(bits);
    if ((filter_[bit / 64] >> (bit % 64) & 1) == 0) return false;
    for (size_t at = Home(bits);; at = (at + 1) & mask_) {
      if (slots_[at] == bits) return true;
      if (slots_[at] == kEmpty) return false;
    }
  }

 private:
  /// A NaN's bits: never those of a finite number.
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  size_t Home(uint64_t bits) const {
    // The high bits of the product mix all of the value's bits (decimals
    // differ most in their low mantissa bits).
    return static_cast<size_t>((bits * 0x9E3779B97F4A7C15u) >> shift_);
  }
  static constexpr int kFilterBits = 17;
  /// Another multiplier than Home's: a number's filter bit and its slot
  /// are chosen independently.
  static size_t FilterBit(uint64_t bits) {
    return static_cast<size_t>((bits * 0xC2B2AE3D27D4EB4Fu) >>
                               (64 - kFilterBits));
  }
  std::vector<uint64_t> filter_;
  std::vector<uint64_t> slots_;
  size_t mask_ = 0;
  int shift_ = 0;
};

class TrackedNumbersBoard {
 public:
  using Numbers = std::shared_ptr<const NumberSet>;
  using Cells = std::shared_ptr<const BucketCells>;
  /// Per feature, what chunks may take for good (null: nothing yet).
  struct Settled {
    std::vector<Numbers> numbers;  ///< The numbers the total tracks.
    /// The cells of the total's histogram, once it has compacted (for
    /// ValueHistogram::AddBatchWithin). A later compaction replaces them;
    /// older ones stay valid, since a total's cells only grow.
    std::vector<Cells> cells;
  };
  /// Once per feature; later calls change nothing.
  void Publish(size_t feature, const std::vector<NumberCount>& tracked);
  bool Published(size_t feature) const;
  void PublishCells(size_t feature, Cells cells);
  /// Everything published; nothing once Invalidate was called.
  Settled Read() const;
  /// Rows were added to the total directly (not merged): values it tracks
  /// can change, so nothing published holds any more.
  void Invalidate();

 private:
  mutable std::mutex mutex_;
  Settled settled_;
  bool invalid_ = false;
};

struct SlicesPartial : Partial {
  int64_t rows = 0;
  int64_t errors = 0;
  std::vector<FeatureTally> features;  ///< ColumnMapping::features order.

  /// This partial's board, for the chunk partials made for it.
  BoardHandle<TrackedNumbersBoard> board;
  /// In a chunk's partial made for a running total: per feature, what
  /// that total has settled (see TrackedNumbersBoard). The chunk's numbers
  /// it does not track go to `untracked`.
  TrackedNumbersBoard::Settled total_settled;
};
void to_json(nlohmann::json& j, const SlicesPartial& p);
void from_json(const nlohmann::json& j, SlicesPartial& p);

std::unique_ptr<Analyzer> MakeSlicesAnalyzer(const AnalyzerSettings& settings);

}  // namespace errscope
