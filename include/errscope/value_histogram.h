#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <span>
#include <vector>

namespace errscope {

/// Values in [lo, hi], counted exactly: every value added to the histogram
/// with lo <= v <= hi was counted in this bucket and in no other. A bucket
/// with lo == hi holds one distinct value.
struct ValueBucket {
  double lo = 0;
  double hi = 0;
  int64_t rows = 0;
  int64_t errors = 0;  ///< Rows added with is_error.
  double sum = 0;      ///< Sum of the values (lo * rows when lo == hi).

  bool operator==(const ValueBucket&) const = default;
};

class BucketCells;

/// A bounded-memory, mergeable histogram of finite numeric values whose
/// counts are exact for every interval it reports: bin edges may come from
/// the sketch, the counts for those edges never do.
///
/// State: buckets sorted by value and pairwise disjoint, plus the totals.
/// While there are few distinct values, there is one bucket per distinct
/// value and everything is exact. Beyond that, adjacent buckets are
/// coalesced (compaction); a coalesced bucket still knows exactly how many
/// rows fall in [lo, hi], but not where inside. After a Merge that adds
/// rows there are at most kMaxMergedBuckets buckets; after AddBatch, at most
/// kMaxBatchBuckets.
///
/// Why buckets live on a fixed grid: when two partials are merged, a bucket
/// of one that overlaps a bucket of the other can only be counted exactly as
/// their union. With data-dependent intervals, chunks of the same continuous
/// column interleave ([1,3] [4,6] vs [2,5] [5.5,8] ...) and the unions chain
/// until a few buckets cover everything. So every bucket belongs to a dyadic
/// cell of the order-preserving 64-bit key of its values (the smallest
/// aligned power-of-two block of keys holding lo and hi): two cells are
/// either nested or disjoint, so a union never reaches past the larger cell.
/// Buckets whose cells intersect are coalesced, including a new value that
/// lands in a multi-value bucket's cell but outside [lo, hi] (the bucket then
/// grows to include it). Compaction only ever forms such cells: it splits
/// the binary trie of the buckets' keys, heaviest node first, until the
/// target number of groups exists; a single bucket heavier than the rest
/// stays alone.
///
/// Why AddBatch may keep more buckets than Merge: a merged-in partial's
/// cell that holds several of the accumulator's cells coarsens the
/// accumulator for good, so partials must be finer than the accumulator.
/// Measured with kMaxBuckets = 2048 and 1000 in-order merges of 10k-row
/// chunks: chunk partials of 1024 buckets left buckets 2-4x heavier than
/// N/1024; exact chunk partials (or 8192 buckets) left about N/2048 to
/// N/1024. Pipeline use: one AddBatch per chunk into a fresh histogram,
/// then Merge into the accumulator in chunk order.
///
/// Known limit: a coarse bucket formed where a partial had few rows absorbs
/// whatever later partials put in its cell; with drifting data the
/// resolution there can stay coarse. Counts stay exact.
///
/// Deterministic: the result depends only on the sequence of AddBatch and
/// Merge calls (no hashing, no randomness). -0.0 is counted as 0.0.
class ValueHistogram {
 public:
  /// Buckets a Merge may leave: up to this many distinct values the
  /// histogram is exact; beyond, a Merge compacts to kMaxBuckets.
  static constexpr size_t kMaxMergedBuckets = 65536;

  /// Buckets after a compaction in Merge. Far fewer than kMaxMergedBuckets:
  /// a continuous column adds a few buckets per merge, so the list grows
  /// back slowly and every merge walks about this many buckets, once per
  /// chunk and feature (profiled on 1M rows: merges were 14% of an
  /// analysis compacting to 32,768, 8.5% compacting to 4,096, most of it
  /// then the chunk's own buckets). The price is
  /// resolution: an edge is then within about rows / 4,096 of its exact
  /// quantile (a tenth of a percent of a quintile bin), while counts stay
  /// exact for it.
  static constexpr size_t kMaxBuckets = 4096;

  /// Buckets after AddBatch: compaction starts above this many and halves
  /// it, so that a partial for one chunk (~10k rows) stays exact, and a
  /// larger one stays finer than the accumulator it is merged into.
  static constexpr size_t kMaxBatchBuckets = 262144;

  /// One row for AddBatch.
  struct Row {
    /// Finite: asserted in debug builds, left out (not counted) otherwise.
    double value;
    bool is_error;
    /// The caller's own tag (slices: the row in its batch); not counted.
    uint32_t index = 0;
  };

  /// One bin of CountBins: [lo, hi), the last one [lo, hi].
  struct BinStats {
    double lo = 0;
    double hi = 0;
    int64_t rows = 0;
    int64_t errors = 0;
    double sum = 0;

    bool operator==(const BinStats&) const = default;
  };

  /// Counts `rows`, leaving them unspecified (GroupByValue): the caller's vector
  /// doubles as scratch space, so nothing is allocated per row. Values are
  /// added in batches only (or as AddGroups): a per-value Add would touch
  /// the sorted buckets per row.
  void AddBatch(std::span<Row> rows);

  /// Sorts finite `rows` by value, -0.0 and 0.0 as equal (not stable).
  static void SortByValue(std::span<Row> rows);

  /// The distinct values of finite `rows`, ascending, as one-value buckets
  /// (lo == hi == the value, its rows and errors, sum == lo * rows), and
  /// for each the smallest Row::index among its rows (unless `first_index`
  /// is null: AddBatch needs no row's index). -0.0 and 0.0 are one
  /// value. Leaves `rows` unspecified: it is the sort's scratch space.
  static void GroupByValue(std::span<Row> rows,
                           std::vector<ValueBucket>* groups,
                           std::vector<uint32_t>* first_index);

  /// Counts `groups` as GroupByValue leaves them (for a caller that needs
  /// the groups anyway): the same as AddBatch of their rows.
  void AddGroups(std::vector<ValueBucket> groups);

  /// AddBatch for a partial that will only be merged into a histogram
  /// holding `cells` (an earlier state of it: its cells only ever grow):
  /// the rows inside one of those cells are counted together, in one
  /// bucket [their min, their max], without sorting them; the others
  /// exactly, as AddBatch counts them. Merged into that histogram, this
  /// gives the same buckets, bounds and counts as AddBatch would have:
  /// each row would have joined the bucket whose cell holds its value's
  /// cell anyway. Only the sums of multi-value buckets can differ (added
  /// in another order), so a caller that reads sums must not use it.
  /// Profiled: sorting each chunk's values of a continuous column, listing
  /// them one by one and merging the list into the running total was a
  /// fifth of an analysis with two continuous features; nearly all of
  /// them fall into the total's few thousand cells. Leaves `rows`
  /// unspecified.
  void AddBatchWithin(std::span<Row> rows, const BucketCells& cells);

  /// Adds every row of `other`; `other` is untouched. Buckets whose cells
  /// intersect are coalesced (exact for the union); more than
  /// kMaxMergedBuckets are then compacted to kMaxBuckets. Merging an empty histogram changes nothing (not even
  /// the bucket count of a histogram filled by AddBatch).
  void Merge(const ValueHistogram& other);

  const std::vector<ValueBucket>& buckets() const { return buckets_; }
  int64_t rows() const { return rows_; }
  int64_t errors() const { return errors_; }
  /// NaN when empty.
  double min() const;
  double max() const;
  /// True while every bucket holds one distinct value (no compaction yet).
  bool exact() const;

  /// Interior edges of `bins` equal-frequency bins [e_k, e_k+1) (the last
  /// one closed at max()); the caller adds min() and max(). For k = 1 ..
  /// bins-1, e_k is the bucket lo (never the first bucket's) whose count of
  /// rows below is nearest to k * rows() / bins, ties to the smaller;
  /// duplicates removed. On exact data: the value v minimizing
  /// |rows below v - target|. Bucket boundaries by construction.
  std::vector<double> QuantileEdges(int bins) const;

  /// Interior edges of `bins` equal-width bins: e_k = min + k (max - min) /
  /// bins. An edge strictly inside a multi-value bucket (lo < e <= hi) is
  /// moved to the nearer of that bucket's lo and the next bucket's lo, so
  /// that every bucket lies in one bin. Duplicates are removed, and so are
  /// edges equal to min() (they would make an empty first bin). Empty when
  /// min() == max().
  std::vector<double> UniformEdges(int bins) const;

  /// Exact counts of the bins [min, e_1), [e_1, e_2), ..., [e_last, max]
  /// for strictly ascending `interior_edges` (one more bin than edges; lo
  /// and hi of the outer bins are min() and max()). Precondition (asserted
  /// in debug builds): no edge lies strictly inside a multi-value bucket
  /// (lo < e <= hi); edges from QuantileEdges / UniformEdges, or any edge
  /// on an exact histogram, qualify. Edges outside [min, max] are allowed
  /// (the outer bins are then empty), e.g. edges of a larger histogram.
  std::vector<BinStats> CountBins(
      const std::vector<double>& interior_edges) const;

  /// Rows and errors with value >= threshold. Returns whether the counts are
  /// exact: false when the threshold lies strictly inside a multi-value
  /// bucket (lo < threshold <= hi), which is then left out (a lower bound).
  bool CountAtLeast(double threshold, int64_t* rows, int64_t* errors) const;

  /// The largest bucket lo t such that at least `rows_wanted` rows have a
  /// value >= t ("keep the most confident x% of rows"): exact for t. min()
  /// when fewer rows exist; NaN when empty.
  double ThresholdKeepingAtLeast(int64_t rows_wanted) const;

  bool operator==(const ValueHistogram&) const = default;

  friend void from_json(const nlohmann::json& j, ValueHistogram& h);

 private:
  /// Coalesces the buckets into `target` groups when there are more than
  /// `limit`.
  void CompactAbove(size_t limit, size_t target);
  /// Counts `batch` (sorted, with disjoint cells), as AddGroups and
  /// AddBatchWithin make it.
  void AddBuckets(std::vector<ValueBucket> batch);
  /// Replaces the buckets with their union with `other`'s.
  void MergeBuckets(const std::vector<ValueBucket>& other);

  /// Where a merge or a compaction writes the new list before it becomes
  /// buckets_ (the old list then becomes the scratch), so that a running
  /// total's two lists keep their capacity. Not part of the value: a copy
  /// starts empty and comparisons ignore it.
  struct Scratch {
    std::vector<ValueBucket> buckets;
    Scratch() = default;
    Scratch(const Scratch&) {}
    Scratch(Scratch&&) = default;
    Scratch& operator=(const Scratch&) { return *this; }
    Scratch& operator=(Scratch&&) = default;
    bool operator==(const Scratch&) const { return true; }
  };

  std::vector<ValueBucket> buckets_;
  int64_t rows_ = 0;
  int64_t errors_ = 0;
  Scratch scratch_;
};

/// The cells of a histogram's buckets (see ValueHistogram), for
/// ValueHistogram::AddBatchWithin: which cell, if any, holds a value.
class BucketCells {
 public:
  explicit BucketCells(const ValueHistogram& histogram);
  size_t size() const { return first_.size(); }
  /// The index of the cell holding `value`, or -1.
  ptrdiff_t Find(double value) const;

 private:
  std::vector<uint64_t> first_;  ///< Order keys, ascending.
  std::vector<uint64_t> last_;
  /// Per slot of the keys from first_[0] to last_.back() (slot s: from
  /// first_[0] + (s << shift_)), the first cell that does not end before
  /// the slot begins: a lookup starts there and steps over the few cells
  /// that end within the slot. (A binary search over a few thousand cells
  /// was a chain of a dozen dependent loads per value.)
  std::vector<uint32_t> slot_start_;
  int shift_ = 0;
};

/// Where a running total's merges leave the cells of its histogram, for
/// the chunk partials made while other threads merge (AddBatchWithin):
/// the total publishes its cells after each compaction, a new chunk
/// partial reads the latest. Any cells published stay valid for the
/// chunks that read them: a total's cells only grow.
class CellsBoard {
 public:
  using Cells = std::shared_ptr<const BucketCells>;
  void Publish(Cells cells) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!invalid_) cells_ = std::move(cells);
  }
  /// The latest cells; null before the first compaction or once
  /// Invalidate was called.
  Cells Read() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return cells_;
  }
  /// For a total that had rows added directly rather than merged: nothing
  /// more is published (the caller's reason to trust the cells is gone).
  void Invalidate() {
    std::lock_guard<std::mutex> lock(mutex_);
    invalid_ = true;
    cells_ = nullptr;
  }

 private:
  mutable std::mutex mutex_;
  Cells cells_;
  bool invalid_ = false;
};

/// {"version": 1, "rows", "errors", "buckets": [[lo, hi, rows, errors,
/// sum], ...]}: round-trips exactly (shortest round-trip doubles).
void to_json(nlohmann::json& j, const ValueHistogram& h);
/// Throws nlohmann::json::exception on a malformed document and
/// std::invalid_argument when the buckets break the invariants (unsorted,
/// intersecting cells, non-finite, totals that do not add up).
void from_json(const nlohmann::json& j, ValueHistogram& h);

}  // namespace errscope
