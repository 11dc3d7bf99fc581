#include "errscope/value_histogram.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>

namespace errscope {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Maps finite doubles to integers in the same order, so that value ranges
/// can be aligned on power-of-two blocks. -0.0 and 0.0 share a key.
uint64_t OrderKey(double v) {
  const uint64_t bits = std::bit_cast<uint64_t>(v + 0.0);  // -0.0 -> 0.0
  return (bits >> 63) != 0 ? ~bits : bits | (uint64_t{1} << 63);
}

/// The smallest aligned power-of-two block of keys holding lo and hi.
/// Two cells are either nested or disjoint.
struct Cell {
  uint64_t first;
  uint64_t last;
};

Cell CellOf(const ValueBucket& b) {
  const uint64_t lo = OrderKey(b.lo);
  const int level = std::bit_width(lo ^ OrderKey(b.hi));
  const uint64_t mask = level == 64 ? ~uint64_t{0} : (uint64_t{1} << level) - 1;
  return {lo & ~mask, lo | mask};
}

/// Merge order: by first key, and the larger of two nested cells that start
/// together first, so that a bucket is always absorbed into its container.
bool ComesFirst(const Cell& a, const Cell& b) {
  return a.first != b.first ? a.first < b.first : a.last >= b.last;
}

/// Adds `b` (which lies in `into`'s cell) to `into`.
void Absorb(const ValueBucket& b, ValueBucket* into) {
  into->lo = std::min(into->lo, b.lo);
  into->hi = std::max(into->hi, b.hi);
  into->rows += b.rows;
  into->errors += b.errors;
  // One distinct value: a canonical sum keeps merges of exact histograms
  // associative bit for bit.
  into->sum = into->lo == into->hi ? into->lo * static_cast<double>(into->rows)
                                   : into->sum + b.sum;
}

/// The union of two bucket lists with disjoint cells each: buckets whose
/// cells intersect (one holds the other) become one.
void MergeBucketLists(const std::vector<ValueBucket>& a,
                      const std::vector<ValueBucket>& b,
                      std::vector<ValueBucket>* merged) {
  // Each bucket's cell is computed once: this loop is most of a merge.
  auto cell_at = [](const std::vector<ValueBucket>& v, size_t k) {
    return k < v.size() ? CellOf(v[k]) : Cell{};
  };
  std::vector<ValueBucket>& out = *merged;
  out.clear();
  // Room to spare: a running total grows by a few buckets per merge, and
  // reserving just enough reallocated (fresh pages) at nearly every one.
  if (out.capacity() < a.size() + b.size()) {
    out.reserve((a.size() + b.size()) * 3 / 2);
  }
  Cell back{};
  size_t i = 0, j = 0;
  Cell cell_a = cell_at(a, 0), cell_b = cell_at(b, 0);
  while (i < a.size() || j < b.size()) {
    const bool take_a =
        j == b.size() || (i < a.size() && ComesFirst(cell_a, cell_b));
    const ValueBucket& next = take_a ? a[i] : b[j];
    const Cell cell = take_a ? cell_a : cell_b;
    if (take_a) {
      cell_a = cell_at(a, ++i);
    } else {
      cell_b = cell_at(b, ++j);
    }
    if (!out.empty() && cell.first <= back.last) {
      Absorb(next, &out.back());
    } else {
      out.push_back(next);
      back = cell;
    }
  }
}

/// Insertion sort by key: for the few rows of a bucket.
void InsertionSortByKey(std::span<ValueHistogram::Row> rows) {
  for (size_t i = 1; i < rows.size(); ++i) {
    const ValueHistogram::Row x = rows[i];
    const uint64_t key = OrderKey(x.value);
    size_t j = i;
    for (; j > 0 && OrderKey(rows[j - 1].value) > key; --j) rows[j] = rows[j - 1];
    rows[j] = x;
  }
}

/// Sorts `rows` by key, with `temp` (as large) as scratch space, and
/// returns whether the sorted rows ended in `temp` (at the same positions)
/// instead of `rows`: the caller reads them there rather than each level
/// copying them back (profiled: those copies were a fifth of the sort). One
/// counting pass spreads the rows over about two buckets per row (the key
/// range cut into equal parts), then each bucket is sorted the same way
/// on its own narrower range: a bucket of a few repeated values (a column
/// of 3-decimal numbers, say) splits into runs of one value each, which
/// need no sorting. Below 33 rows, insertion sort; past a few levels (keys
/// that crowd together however finely the range is cut), std::sort, so
/// the worst case stays n log n.
bool BucketSortByKey(std::span<ValueHistogram::Row> rows,
                     std::span<ValueHistogram::Row> temp, int depth) {
  using Row = ValueHistogram::Row;
  const size_t n = rows.size();
  if (n <= 32) {
    InsertionSortByKey(rows);
    return false;
  }
  uint64_t lo = ~uint64_t{0}, hi = 0;
  for (const Row& r : rows) {
    const uint64_t key = OrderKey(r.value);
    lo = std::min(lo, key);
    hi = std::max(hi, key);
  }
  if (lo == hi) return false;
  constexpr int kMaxDepth = 3;
  if (depth == kMaxDepth) {
    std::sort(rows.begin(), rows.end(), [](const Row& x, const Row& y) {
      return OrderKey(x.value) < OrderKey(y.value);
    });
    return false;
  }
  // About two buckets per row: fewer leave larger buckets to sort, more
  // cost more in the counting pass than they save (measured: 1, 2 and 4
  // per row).
  const int range_bits = std::bit_width(hi - lo);
  const int bucket_bits = std::min(static_cast<int>(std::bit_width(n)) + 1, 17);
  const int shift = std::max(range_bits - bucket_bits, 0);
  const size_t buckets = static_cast<size_t>((hi - lo) >> shift) + 1;
  // One counter array per level, reused by the buckets of that level.
  thread_local std::vector<uint32_t> counters[kMaxDepth];
  std::vector<uint32_t>& starts = counters[depth];
  starts.assign(buckets + 1, 0);
  auto bucket_of = [&](const Row& r) {
    return static_cast<size_t>((OrderKey(r.value) - lo) >> shift);
  };
  for (const Row& r : rows) ++starts[bucket_of(r) + 1];
  for (size_t b = 0; b < buckets; ++b) starts[b + 1] += starts[b];
  // starts[b] becomes the end of bucket b while scattering.
  for (const Row& r : rows) temp[starts[bucket_of(r)]++] = r;
  // The buckets' sorts use the next level's counters, not these. Most
  // buckets of a continuous column hold a row or two: those are done here.
  size_t begin = 0;
  for (size_t b = 0; b < buckets; ++b) {
    const size_t end = starts[b];
    const size_t size = end - begin;
    if (size == 2) {
      if (OrderKey(temp[begin].value) > OrderKey(temp[begin + 1].value)) {
        std::swap(temp[begin], temp[begin + 1]);
      }
    } else if (size > 2) {
      std::span<Row> bucket = temp.subspan(begin, size);
      std::span<Row> spare = rows.subspan(begin, size);
      if (BucketSortByKey(bucket, spare, depth + 1)) {
        std::copy(spare.begin(), spare.end(), bucket.begin());
      }
    }
    begin = end;
  }
  return true;
}

/// Sorts finite `rows` by value (-0.0 and 0.0 as equal) and returns where
/// they are: `rows` itself, or a scratch buffer of the thread's (valid
/// until the thread's next sort). Sorting each chunk's numbers is a large
/// part of an analysis: a bucket sort on the order-preserving keys makes
/// about two passes over the rows, where an LSD radix sort made one per
/// varying key byte (profiled: six or seven for a column like 51982.06, an
/// eighth of a whole analysis).
std::span<const ValueHistogram::Row> SortedRows(
    std::span<ValueHistogram::Row> rows) {
  // Kept per thread: as large as the largest chunk's numbers.
  thread_local std::vector<ValueHistogram::Row> scratch;
  scratch.resize(rows.size());
  const std::span<ValueHistogram::Row> temp(scratch.data(), rows.size());
  if (BucketSortByKey(rows, temp, 0)) return temp;
  return rows;
}

/// The binary trie of the buckets' keys has one internal node per boundary
/// between neighbours (buckets i and i+1 meet in node i), at the height of
/// the highest key bit in which they differ. Returns the rows under each
/// node: the run of buckets out to the nearest higher boundary each side.
std::vector<int64_t> TrieNodeRows(const std::vector<ValueBucket>& b) {
  const size_t n = b.size() - 1;
  std::vector<int> height(n);
  for (size_t i = 0; i < n; ++i) {
    height[i] = std::bit_width(OrderKey(b[i].hi) ^ OrderKey(b[i + 1].lo));
  }
  std::vector<int64_t> below(b.size() + 1, 0);
  for (size_t i = 0; i < b.size(); ++i) below[i + 1] = below[i] + b[i].rows;
  // Nearest higher boundary on each side, with a monotonic stack.
  std::vector<size_t> first(n), last(n), stack;
  for (size_t i = 0; i < n; ++i) {
    while (!stack.empty() && height[stack.back()] <= height[i]) {
      stack.pop_back();
    }
    first[i] = stack.empty() ? 0 : stack.back() + 1;
    stack.push_back(i);
  }
  stack.clear();
  for (size_t i = n; i-- > 0;) {
    while (!stack.empty() && height[stack.back()] <= height[i]) {
      stack.pop_back();
    }
    last[i] = stack.empty() ? n : stack.back();
    stack.push_back(i);
  }
  std::vector<int64_t> rows(n);
  for (size_t i = 0; i < n; ++i) rows[i] = below[last[i] + 1] - below[first[i]];
  return rows;
}

/// Which boundaries of `b` (at least `target` >= 1 buckets) separate groups
/// when the trie is split heaviest node first into `target` groups. A node
/// is strictly heavier than its descendants, so splitting heaviest first
/// splits exactly the target - 1 heaviest nodes (ties: leftmost first; no
/// two nodes tie on both), found in linear time instead of with a heap.
std::vector<bool> SplitHeaviestFirst(const std::vector<ValueBucket>& b,
                                     size_t target) {
  const std::vector<int64_t> rows = TrieNodeRows(b);
  std::vector<size_t> order(rows.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  const size_t splits = std::min(target - 1, order.size());
  // A node's leftmost bucket orders like its boundary among equal weights.
  std::nth_element(order.begin(), order.begin() + splits, order.end(),
                   [&](size_t x, size_t y) {
                     return rows[x] != rows[y] ? rows[x] > rows[y] : x < y;
                   });
  std::vector<bool> split(rows.size(), false);
  for (size_t k = 0; k < splits; ++k) split[order[k]] = true;
  return split;
}

/// The interior edge `e` moved out of a multi-value bucket (lo < e <= hi)
/// to the nearer of its lo and the next bucket's lo.
double SnapEdge(const std::vector<ValueBucket>& b, double e) {
  auto it =
      std::lower_bound(b.begin(), b.end(), e,
                       [](const ValueBucket& x, double v) { return x.lo < v; });
  if (it == b.begin()) return e;
  const ValueBucket& inside = *std::prev(it);
  if (inside.lo == inside.hi || e > inside.hi) return e;
  if (it == b.end()) return inside.lo;
  return e - inside.lo <= it->lo - e ? inside.lo : it->lo;
}

}  // namespace

void ValueHistogram::SortByValue(std::span<Row> rows) {
  const std::span<const Row> sorted = SortedRows(rows);
  if (sorted.data() != rows.data()) {
    std::copy(sorted.begin(), sorted.end(), rows.begin());
  }
}

void ValueHistogram::GroupByValue(std::span<Row> rows,
                                  std::vector<ValueBucket>* groups,
                                  std::vector<uint32_t>* first_index) {
  // One walk over the sorted rows gives both the histogram's buckets and
  // each value's first row (slices name a value by it), where a walk per
  // use made two.
  const std::span<const Row> sorted = SortedRows(rows);
  groups->clear();
  // Room for all rows to be distinct (a continuous column), trimmed below
  // when most repeat: growing the list copied it again and again.
  groups->reserve(rows.size());
  if (first_index != nullptr) {
    first_index->clear();
    first_index->reserve(rows.size());
  }
  for (size_t i = 0; i < sorted.size();) {
    const double v = sorted[i].value + 0.0;  // -0.0 == 0.0: one run
    int64_t n = 0, errors = 0;
    uint32_t first = sorted[i].index;
    for (; i < sorted.size() && sorted[i].value == v; ++i, ++n) {
      errors += sorted[i].is_error ? 1 : 0;
      first = std::min(first, sorted[i].index);
    }
    groups->push_back({v, v, n, errors, v * static_cast<double>(n)});
    if (first_index != nullptr) first_index->push_back(first);
  }
  if (groups->size() < rows.size() / 2) groups->shrink_to_fit();
}

void ValueHistogram::AddBatch(std::span<Row> rows) {
  // Non-finite values (a caller bug) are left out rather than break the
  // sort.
  auto finite_end = std::partition(rows.begin(), rows.end(), [](const Row& r) {
    assert(std::isfinite(r.value));
    return std::isfinite(r.value);
  });
  const auto size = static_cast<size_t>(finite_end - rows.begin());
  std::vector<ValueBucket> groups;
  GroupByValue(rows.first(size), &groups, /*first_index=*/nullptr);
  AddGroups(std::move(groups));
}

void ValueHistogram::AddGroups(std::vector<ValueBucket> batch) {
  AddBuckets(std::move(batch));
}

void ValueHistogram::AddBuckets(std::vector<ValueBucket> batch) {
  if (batch.empty()) return;
  for (const ValueBucket& b : batch) {
    rows_ += b.rows;
    errors_ += b.errors;
  }
  if (buckets_.empty()) {
    buckets_ = std::move(batch);
  } else {
    MergeBuckets(batch);
  }
  // Halving leaves room for the next batches before compacting again.
  CompactAbove(kMaxBatchBuckets, kMaxBatchBuckets / 2);
}

BucketCells::BucketCells(const ValueHistogram& histogram) {
  first_.reserve(histogram.buckets().size());
  last_.reserve(histogram.buckets().size());
  for (const ValueBucket& b : histogram.buckets()) {
    const Cell cell = CellOf(b);
    first_.push_back(cell.first);
    last_.push_back(cell.last);
  }
  if (first_.empty()) return;
  // About two slots per cell, and at most 2^14 (64 KiB).
  constexpr int kMaxSlotBits = 14;
  const int slot_bits =
      std::min(static_cast<int>(std::bit_width(2 * first_.size())),
               kMaxSlotBits);
  const uint64_t range = last_.back() - first_.front();
  shift_ = std::max(static_cast<int>(std::bit_width(range)) - slot_bits, 0);
  const size_t slots = static_cast<size_t>(range >> shift_) + 1;
  slot_start_.resize(slots);
  size_t cell = 0;
  for (size_t slot = 0; slot < slots; ++slot) {
    const uint64_t begin = first_.front() + (uint64_t{slot} << shift_);
    while (last_[cell] < begin) ++cell;  // the last cell ends past `begin`
    slot_start_[slot] = static_cast<uint32_t>(cell);
  }
}

ptrdiff_t BucketCells::Find(double value) const {
  const uint64_t key = OrderKey(value);
  if (first_.empty() || key < first_.front() || key > last_.back()) return -1;
  size_t cell = slot_start_[static_cast<size_t>((key - first_.front()) >>
                                                shift_)];
  // The first steps without branches: how many cells end within the slot
  // before the key varies from value to value, and a loop on it was
  // mispredicted about once a value. last_.back() >= key, so no step
  // passes the last cell.
  cell += last_[cell] < key ? 1 : 0;
  cell += last_[cell] < key ? 1 : 0;
  while (last_[cell] < key) ++cell;
  return first_[cell] <= key ? static_cast<ptrdiff_t>(cell) : -1;
}

void ValueHistogram::AddBatchWithin(std::span<Row> rows,
                                    const BucketCells& cells) {
  // One bucket per cell that rows fall into, in cell order; rows == 0:
  // none did.
  thread_local std::vector<ValueBucket> in_cells;
  // Bounds that any value narrows, so that the first row of a cell needs
  // no branch of its own.
  constexpr double kInf = std::numeric_limits<double>::infinity();
  in_cells.assign(cells.size(), ValueBucket{kInf, -kInf, 0, 0, 0});
  size_t outside = 0;  // rows in no cell, moved to the front of `rows`
  for (const Row& r : rows) {
    assert(std::isfinite(r.value));
    if (!std::isfinite(r.value)) continue;  // as AddBatch: left out
    const double v = r.value + 0.0;
    const ptrdiff_t c = cells.Find(v);
    if (c < 0) {
      rows[outside++] = r;
      continue;
    }
    ValueBucket& b = in_cells[static_cast<size_t>(c)];
    b.lo = std::min(b.lo, v);
    b.hi = std::max(b.hi, v);
    ++b.rows;
    b.errors += r.is_error ? 1 : 0;
    b.sum += v;
  }
  std::vector<ValueBucket> exact;
  GroupByValue(rows.first(outside), &exact, /*first_index=*/nullptr);
  // Both lists in key order: cells are disjoint, and no exact value lies
  // in one.
  std::vector<ValueBucket> batch;
  batch.reserve(exact.size() + cells.size());
  size_t e = 0;
  for (ValueBucket& b : in_cells) {
    if (b.rows == 0) continue;
    // One value: the canonical sum every one-value bucket has.
    if (b.lo == b.hi) b.sum = b.lo * static_cast<double>(b.rows);
    for (; e < exact.size() && exact[e].lo < b.lo; ++e) {
      batch.push_back(exact[e]);
    }
    batch.push_back(b);
  }
  batch.insert(batch.end(), exact.begin() + static_cast<ptrdiff_t>(e),
               exact.end());
  AddBuckets(std::move(batch));
}

void ValueHistogram::Merge(const ValueHistogram& other) {
  if (other.rows_ == 0) return;
  MergeBuckets(other.buckets_);
  rows_ += other.rows_;
  errors_ += other.errors_;
  // Compacting costs a pass over every bucket, and on a continuous column
  // nearly every merge adds a few buckets: the list grows back from
  // kMaxBuckets towards kMaxMergedBuckets, so that a merge compacts only
  // now and then (profiled: compacting at every merge was a sixth of a
  // whole analysis; on 1,200 chunks of a continuous column, 8,500 values
  // each, the list grew from 4,096 to 6,600 buckets with one compaction).
  CompactAbove(kMaxMergedBuckets, kMaxBuckets);
}

void ValueHistogram::MergeBuckets(const std::vector<ValueBucket>& other) {
  // The merged list goes into the scratch list, and the old list becomes
  // the scratch: a fresh list of ~64k buckets per merge was an allocation
  // of megabytes, page faults included, every chunk. (A buffer per thread
  // instead was shared by every histogram that thread merged, so capacity
  // moved between them and was reallocated still: a third of the page
  // faults of a two-thread run.)
  MergeBucketLists(buckets_, other, &scratch_.buckets);
  buckets_.swap(scratch_.buckets);
}

void ValueHistogram::CompactAbove(size_t limit, size_t target) {
  if (buckets_.size() <= limit) return;
  const std::vector<bool> split = SplitHeaviestFirst(buckets_, target);
  std::vector<ValueBucket>& out = scratch_.buckets;
  out.clear();
  out.reserve(target);
  out.push_back(buckets_[0]);
  for (size_t i = 1; i < buckets_.size(); ++i) {
    if (split[i - 1]) {
      out.push_back(buckets_[i]);
    } else {
      Absorb(buckets_[i], &out.back());
    }
  }
  buckets_.swap(out);
  // The old list was the largest this histogram holds; the next merges
  // need a fraction of it (memory: a long input would otherwise keep two
  // lists of that size per histogram for good).
  scratch_.buckets = std::vector<ValueBucket>();
}

double ValueHistogram::min() const {
  return buckets_.empty() ? kNaN : buckets_.front().lo;
}

double ValueHistogram::max() const {
  return buckets_.empty() ? kNaN : buckets_.back().hi;
}

bool ValueHistogram::exact() const {
  return std::all_of(buckets_.begin(), buckets_.end(),
                     [](const ValueBucket& b) { return b.lo == b.hi; });
}

std::vector<double> ValueHistogram::QuantileEdges(int bins) const {
  std::vector<double> edges;
  if (bins < 2 || buckets_.size() < 2) return edges;
  // Counts scaled by `bins` so that the targets k * rows / bins are exact.
  std::vector<int64_t> below(buckets_.size(), 0);
  for (size_t i = 1; i < buckets_.size(); ++i) {
    below[i] = below[i - 1] + buckets_[i - 1].rows * bins;
  }
  for (int k = 1; k < bins; ++k) {
    const int64_t target = k * rows_;
    auto it = std::lower_bound(below.begin() + 1, below.end(), target);
    // Candidates: the last bucket below the target and the first at or
    // above it (the first bucket is never one: its lo is min()).
    size_t best = static_cast<size_t>(it - below.begin());
    if (best == below.size() ||
        (best > 1 && target - below[best - 1] <= below[best] - target)) {
      --best;
    }
    edges.push_back(buckets_[best].lo);
  }
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  return edges;
}

std::vector<double> ValueHistogram::UniformEdges(int bins) const {
  std::vector<double> edges;
  if (bins < 2 || buckets_.empty() || min() == max()) return edges;
  const double lo = min(), hi = max();
  // k * (hi - lo) / bins, multiplied before dividing: for [0, 1] in 10
  // bins edge 3 is then the double 0.3 (as 3/10), not 0.30000000000000004,
  // so a value written 0.3 starts a bin as it reads.
  const double range = hi - lo;
  const bool huge = !std::isfinite(range);
  for (int k = 1; k < bins; ++k) {
    const double offset =
        huge ? k * (hi / bins - lo / bins) : k * range / bins;
    const double e = SnapEdge(buckets_, std::min(lo + offset, hi));
    if (e > lo) edges.push_back(e);
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  return edges;
}

std::vector<ValueHistogram::BinStats> ValueHistogram::CountBins(
    const std::vector<double>& interior_edges) const {
  const std::vector<double>& e = interior_edges;
  assert(std::adjacent_find(e.begin(), e.end(), std::greater_equal<>()) ==
         e.end());
  std::vector<BinStats> bins(e.size() + 1);
  for (size_t k = 0; k < bins.size(); ++k) {
    bins[k].lo = k == 0 ? min() : e[k - 1];
    bins[k].hi = k == e.size() ? max() : e[k];
  }
  size_t k = 0;
  for (const ValueBucket& b : buckets_) {
    while (k < e.size() && e[k] <= b.lo) ++k;
    assert(k == e.size() || b.hi < e[k]);  // the bucket is in one bin
    bins[k].rows += b.rows;
    bins[k].errors += b.errors;
    bins[k].sum += b.sum;
  }
  return bins;
}

bool ValueHistogram::CountAtLeast(double threshold, int64_t* rows,
                                  int64_t* errors) const {
  auto it =
      std::lower_bound(buckets_.begin(), buckets_.end(), threshold,
                       [](const ValueBucket& b, double t) { return b.hi < t; });
  const bool exact = it == buckets_.end() || it->lo >= threshold;
  if (!exact) ++it;  // lo < threshold <= hi: some of it may be below
  *rows = 0;
  *errors = 0;
  for (; it != buckets_.end(); ++it) {
    *rows += it->rows;
    *errors += it->errors;
  }
  return exact;
}

double ValueHistogram::ThresholdKeepingAtLeast(int64_t rows_wanted) const {
  int64_t at_least = 0;
  for (auto it = buckets_.rbegin(); it != buckets_.rend(); ++it) {
    at_least += it->rows;
    if (at_least >= rows_wanted) return it->lo;
  }
  return min();
}

void to_json(nlohmann::json& j, const ValueHistogram& h) {
  nlohmann::json buckets = nlohmann::json::array();
  for (const ValueBucket& b : h.buckets()) {
    buckets.push_back({b.lo, b.hi, b.rows, b.errors, b.sum});
  }
  j = {{"version", 1},
       {"rows", h.rows()},
       {"errors", h.errors()},
       {"buckets", std::move(buckets)}};
}

namespace {

/// Why `b` cannot follow `prev` (nullptr for the first bucket), or "".
std::string BucketProblem(const ValueBucket* prev, const ValueBucket& b) {
  if (!std::isfinite(b.lo) || !std::isfinite(b.hi) || b.lo > b.hi) {
    return "bounds are not finite and ordered";
  }
  if (b.rows <= 0 || b.errors < 0 || b.errors > b.rows) {
    return "counts are out of range";
  }
  if (prev != nullptr && CellOf(*prev).last >= CellOf(b).first) {
    return "it is not after the previous bucket's cell";
  }
  return "";
}

}  // namespace

void from_json(const nlohmann::json& j, ValueHistogram& h) {
  h = ValueHistogram();
  for (const nlohmann::json& item : j.at("buckets")) {
    ValueBucket b{item.at(0).get<double>() + 0.0,
                  item.at(1).get<double>() + 0.0, item.at(2).get<int64_t>(),
                  item.at(3).get<int64_t>(), item.at(4).get<double>()};
    const ValueBucket* prev = h.buckets_.empty() ? nullptr : &h.buckets_.back();
    std::string problem = BucketProblem(prev, b);
    if (!problem.empty()) {
      throw std::invalid_argument(fmt::format("value histogram bucket {}: {}",
                                              h.buckets_.size(), problem));
    }
    h.buckets_.push_back(b);
    h.rows_ += b.rows;
    h.errors_ += b.errors;
  }
  if (h.rows_ != j.at("rows").get<int64_t>() ||
      h.errors_ != j.at("errors").get<int64_t>()) {
    throw std::invalid_argument(
        "value histogram totals do not match its buckets");
  }
}

}  // namespace errscope
