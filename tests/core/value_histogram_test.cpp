// ValueHistogram: every count it reports is checked against a brute force
// over a plain sorted vector of all the values.
#include "errscope/value_histogram.h"

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace errscope {
namespace {

using Catch::Matchers::WithinAbs;
using Row = ValueHistogram::Row;
using BinStats = ValueHistogram::BinStats;
using Edges = std::vector<double>;
constexpr int64_t kHalf = ValueHistogram::kMaxBuckets / 2;

/// All values, sorted: the reference every answer is checked against.
struct Reference {
  std::vector<Row> rows;
  double abs_sum = 0;  ///< Scale for comparing sums.

  explicit Reference(std::vector<Row> r) : rows(std::move(r)) {
    std::sort(rows.begin(), rows.end(),
              [](const Row& a, const Row& b) { return a.value < b.value; });
    for (const Row& x : rows) abs_sum += std::abs(x.value);
  }
  /// First row with value >= v (or > v).
  size_t Below(double v) const {
    return std::lower_bound(
               rows.begin(), rows.end(), v,
               [](const Row& r, double x) { return r.value < x; }) -
           rows.begin();
  }
  size_t AtMost(double v) const {
    return std::upper_bound(
               rows.begin(), rows.end(), v,
               [](double x, const Row& r) { return x < r.value; }) -
           rows.begin();
  }
  BinStats Count(size_t from, size_t to) const {
    BinStats s;
    for (size_t i = from; i < to; ++i) {
      ++s.rows;
      s.errors += rows[i].is_error ? 1 : 0;
      s.sum += rows[i].value;
    }
    return s;
  }
  std::vector<double> Distinct() const {
    std::vector<double> d;
    for (const Row& r : rows) {
      if (d.empty() || d.back() != r.value) d.push_back(r.value);
    }
    return d;
  }
};

std::vector<BinStats> BruteBins(const Reference& ref, const Edges& edges) {
  std::vector<BinStats> bins;
  size_t from = 0;
  for (size_t k = 0; k <= edges.size(); ++k) {
    size_t to = k < edges.size() ? ref.Below(edges[k]) : ref.rows.size();
    bins.push_back(ref.Count(from, std::max(from, to)));
    from = std::max(from, to);
  }
  return bins;
}

/// The rule of QuantileEdges on exact data, written out independently:
/// the distinct value v (not the smallest) minimizing |rows below v - t|.
Edges BruteQuantileEdges(const Reference& ref, int bins) {
  const std::vector<double> distinct = ref.Distinct();
  std::vector<double> below;
  for (double v : distinct) below.push_back(1.0 * ref.Below(v));
  const double n = static_cast<double>(ref.rows.size());
  Edges edges;
  for (int k = 1; k < bins; ++k) {
    double best = 0, best_gap = INFINITY;
    for (size_t j = 1; j < distinct.size(); ++j) {
      const double gap = std::abs(below[j] - k * n / bins);
      if (gap < best_gap) best = distinct[j], best_gap = gap;
    }
    if (best_gap < INFINITY && (edges.empty() || edges.back() != best)) {
      edges.push_back(best);
    }
  }
  return edges;
}

/// No edge may fall strictly inside a multi-value bucket.
bool EdgesOnBoundaries(const ValueHistogram& h, const Edges& edges) {
  for (double e : edges) {
    for (const ValueBucket& b : h.buckets()) {
      if (b.lo < b.hi && b.lo < e && e <= b.hi) return false;
    }
  }
  return true;
}

void CheckBins(const ValueHistogram& h, const Reference& ref,
               const Edges& edges) {
  INFO("edges: " << edges.size());
  REQUIRE(std::is_sorted(edges.begin(), edges.end()));
  REQUIRE(std::adjacent_find(edges.begin(), edges.end()) == edges.end());
  for (double e : edges) {
    CHECK(e > h.min());
    CHECK(e <= h.max());
  }
  REQUIRE(EdgesOnBoundaries(h, edges));
  const std::vector<BinStats> got = h.CountBins(edges);
  const std::vector<BinStats> want = BruteBins(ref, edges);
  REQUIRE(got.size() == want.size());
  for (size_t k = 0; k < got.size(); ++k) {
    INFO("bin " << k);
    CHECK(got[k].rows == want[k].rows);
    CHECK(got[k].errors == want[k].errors);
    CHECK_THAT(got[k].sum, WithinAbs(want[k].sum, 1e-9 * (ref.abs_sum + 1)));
    CHECK(got[k].lo == (k == 0 ? h.min() : edges[k - 1]));
    CHECK(got[k].hi == (k == edges.size() ? h.max() : edges[k]));
  }
}

/// Every bucket holds exactly the reference rows in [lo, hi].
void CheckBuckets(const ValueHistogram& h, const Reference& ref) {
  const std::vector<ValueBucket>& b = h.buckets();
  int64_t covered = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    if (i > 0) REQUIRE(b[i - 1].hi < b[i].lo);
    REQUIRE(b[i].lo <= b[i].hi);
    const BinStats want = ref.Count(ref.Below(b[i].lo), ref.AtMost(b[i].hi));
    REQUIRE(b[i].rows == want.rows);
    REQUIRE(b[i].errors == want.errors);
    covered += b[i].rows;
  }
  CHECK(covered == static_cast<int64_t>(ref.rows.size()));
}

void CheckThresholds(const ValueHistogram& h, const Reference& ref) {
  const int64_t n = h.rows();
  for (int64_t wanted : {int64_t{1}, n / 100 + 1, n / 10, n / 2, n - 1, n}) {
    const double t = h.ThresholdKeepingAtLeast(wanted);
    const size_t kept = ref.rows.size() - ref.Below(t);
    CHECK(static_cast<int64_t>(kept) >= wanted);
    // The largest such lo: the next bucket keeps too few rows.
    const auto& b = h.buckets();
    auto next = std::upper_bound(
        b.begin(), b.end(), t,
        [](double x, const ValueBucket& y) { return x < y.lo; });
    if (next != b.end()) {
      CHECK(static_cast<int64_t>(ref.rows.size() - ref.Below(next->lo)) <
            wanted);
    }
    int64_t rows = -1, errors = -1;
    CHECK(h.CountAtLeast(t, &rows, &errors));
    const BinStats want = ref.Count(ref.Below(t), ref.rows.size());
    CHECK(rows == want.rows);
    CHECK(errors == want.errors);
  }
  // Arbitrary thresholds: exact when reported so, a lower bound otherwise.
  for (double q : {0.05, 0.33, 0.5, 0.9}) {
    const double t = h.min() + q * (h.max() - h.min());
    int64_t rows = -1, errors = -1;
    const bool exact = h.CountAtLeast(t, &rows, &errors);
    const BinStats want = ref.Count(ref.Below(t), ref.rows.size());
    CHECK(rows <= want.rows);
    if (exact) CHECK(rows == want.rows);
    if (exact) CHECK(errors == want.errors);
    if (h.exact()) CHECK(exact);
  }
}

struct DataSet {
  std::string name;
  std::vector<Row> rows;
  bool continuous;  ///< No heavy point masses: quantile bins are even.
};

std::vector<DataSet> MakeDataSets() {
  std::mt19937_64 rng(20240611);
  std::bernoulli_distribution error(0.3);
  auto make = [&](size_t n, auto draw) {
    std::vector<Row> rows(n);
    for (Row& r : rows) r = {draw(), error(rng)};
    return rows;
  };
  std::uniform_real_distribution<double> unit(0, 1);
  std::normal_distribution<double> normal(-3, 2);
  std::lognormal_distribution<double> lognormal(0, 1.5);
  std::uniform_int_distribution<int> small_int(0, 20);
  std::uniform_int_distribution<int> negative_int(-1000, -1);
  std::uniform_int_distribution<int> sign(0, 3);
  return {
      {"uniform, 100k distinct", make(100000, [&] { return unit(rng); }), true},
      {"normal, mostly negative", make(50000, [&] { return normal(rng); }),
       true},
      {"lognormal, heavy tail", make(50000, [&] { return lognormal(rng); }),
       true},
      {"integers 0..20", make(30000, [&] { return 1.0 * small_int(rng); }),
       false},
      {"negative integers",
       make(20000, [&] { return 1.0 * negative_int(rng); }), false},
      {"80% zeros",
       make(40000,
            [&] {
              const double u = unit(rng);
              if (u < 0.4) return 0.0;
              if (u < 0.8) return -0.0;
              return unit(rng) * 2 - 1;
            }),
       false},
      {"constant", make(5000, [] { return 7.5; }), false},
      {"signed zeros",
       make(3000,
            [&] {
              return std::array{-0.0, 0.0, 1.0, -1.0}[sign(rng)];
            }),
       false},
  };
}

/// Chunk histograms of random sizes, each filled by one or two AddBatch
/// calls.
std::vector<ValueHistogram> Chunked(std::vector<Row> rows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<ValueHistogram> chunks;
  for (size_t at = 0; at < rows.size();) {
    const size_t n = std::min(
        rows.size() - at, std::uniform_int_distribution<size_t>(1, 15000)(rng));
    const size_t split = std::uniform_int_distribution<size_t>(0, n)(rng);
    std::span<Row> chunk(rows.data() + at, n);
    chunks.emplace_back();
    chunks.back().AddBatch(chunk.first(split));
    chunks.back().AddBatch(chunk.subspan(split));
    at += n;
  }
  return chunks;
}

ValueHistogram MergeInOrder(const std::vector<ValueHistogram>& chunks) {
  ValueHistogram total;
  size_t largest = 0;
  for (const ValueHistogram& c : chunks) {
    total.Merge(c);
    largest = std::max(largest, total.buckets().size());
  }
  CHECK(largest <= ValueHistogram::kMaxMergedBuckets);
  return total;
}

ValueHistogram MergeAsTree(std::vector<ValueHistogram> level) {
  while (level.size() > 1) {
    std::vector<ValueHistogram> up;
    for (size_t i = 0; i < level.size(); i += 2) {
      up.push_back(level[i]);
      if (i + 1 < level.size()) up.back().Merge(level[i + 1]);
    }
    level = std::move(up);
  }
  return level.empty() ? ValueHistogram() : level[0];
}

/// `limit`: the most buckets the histogram may hold (kMaxMergedBuckets
/// after a Merge, kMaxBatchBuckets after AddBatch); it stays exact up to that many
/// distinct values and compacts beyond.
void CheckAll(const ValueHistogram& h, const DataSet& data,
              const Reference& ref, size_t limit) {
  CHECK(h.rows() == static_cast<int64_t>(ref.rows.size()));
  CHECK(h.errors() == ref.Count(0, ref.rows.size()).errors);
  CHECK(h.min() == ref.rows.front().value);
  CHECK(h.max() == ref.rows.back().value);
  CHECK(h.buckets().size() <= limit);
  const size_t distinct = ref.Distinct().size();
  CHECK(h.exact() == (distinct <= limit));
  if (h.exact()) CHECK(h.buckets().size() == distinct);
  CheckBuckets(h, ref);
  for (int bins : {2, 3, 10, 37, 100}) {
    INFO("bins " << bins);
    const Edges quantile = h.QuantileEdges(bins);
    CheckBins(h, ref, quantile);
    if (h.exact()) CHECK(quantile == BruteQuantileEdges(ref, bins));
    if (data.continuous) {
      // Off target by at most about the weight of the edge's buckets.
      const double slack = 2.0 * h.rows() / kHalf + 1;
      const double target = static_cast<double>(h.rows()) / bins;
      CHECK(quantile.size() == static_cast<size_t>(bins - 1));
      for (const BinStats& b : h.CountBins(quantile)) {
        CHECK(std::abs(b.rows - target) <= slack);
      }
    }
    CheckBins(h, ref, h.UniformEdges(bins));
  }
  CheckThresholds(h, ref);
}

TEST_CASE("Counts match a brute force for merges in order and as a tree",
          "[value_histogram]") {
  for (const DataSet& data : MakeDataSets()) {
    SECTION(data.name) {
      const Reference ref(data.rows);
      const std::vector<ValueHistogram> chunks = Chunked(data.rows, 7);
      {
        INFO("in order");
        CheckAll(MergeInOrder(chunks), data, ref, ValueHistogram::kMaxMergedBuckets);
      }
      {
        INFO("as a tree");
        CheckAll(MergeAsTree(chunks), data, ref, ValueHistogram::kMaxMergedBuckets);
      }
      {
        INFO("one batch");
        std::vector<Row> rows = data.rows;
        ValueHistogram h;
        h.AddBatch(rows);
        CheckAll(h, data, ref, ValueHistogram::kMaxBatchBuckets);
      }
    }
  }
}

TEST_CASE("SortByValue sorts like std::sort, whatever the shape",
          "[value_histogram]") {
  // The bucket sort spreads rows over the key range: check the shapes that
  // stress it (a few huge buckets, keys spanning the whole double range,
  // signed zeros, sizes around the small-input cutoff).
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> unit(0, 1);
  std::uniform_int_distribution<int> pick(0, 7);
  const double extremes[] = {-std::numeric_limits<double>::max(),
                             -1e300,
                             -std::numeric_limits<double>::denorm_min(),
                             -0.0,
                             0.0,
                             std::numeric_limits<double>::denorm_min(),
                             1e-300,
                             std::numeric_limits<double>::max()};
  auto shapes = std::vector<std::pair<std::string, std::function<double()>>>{
      {"uniform", [&] { return unit(rng); }},
      {"two values", [&] { return unit(rng) < 0.5 ? 1.0 : 2.0; }},
      {"one value and a far outlier",
       [&] { return unit(rng) < 0.999 ? 3.0 : 1e12; }},
      {"clustered near one value",
       [&] { return 1.0 + std::floor(unit(rng) * 40) * 1e-15; }},
      {"extremes", [&] { return extremes[pick(rng)]; }},
      // Each cut of the range leaves most rows in one bucket: the deepest
      // levels fall back to std::sort.
      {"nested clusters",
       [&] { return 1 + std::ldexp(1.0, -1 - static_cast<int>(rng() % 52)); }},
      {"extremes and uniform",
       [&] { return unit(rng) < 0.5 ? extremes[pick(rng)] : unit(rng) - 0.5; }},
  };
  for (const auto& [name, draw] : shapes) {
    for (size_t n : {0, 1, 2, 255, 256, 257, 1000, 40000}) {
      INFO(name << ", " << n << " rows");
      std::vector<Row> rows(n);
      for (size_t i = 0; i < n; ++i) {
        rows[i] = {draw(), i % 3 == 0, static_cast<uint32_t>(i)};
      }
      std::vector<Row> expected = rows;
      std::sort(expected.begin(), expected.end(),
                [](const Row& a, const Row& b) { return a.value < b.value; });
      ValueHistogram::SortByValue(rows);
      REQUIRE(rows.size() == expected.size());
      bool same_values = true;
      for (size_t i = 0; i < n; ++i) {
        same_values = same_values && rows[i].value == expected[i].value;
      }
      CHECK(same_values);
      // A permutation: every row index once.
      std::vector<bool> seen(n, false);
      for (const Row& r : rows) seen[r.index] = true;
      CHECK(std::all_of(seen.begin(), seen.end(), [](bool b) { return b; }));
    }
  }
}

TEST_CASE("GroupByValue: one bucket and the first index per distinct value",
          "[value_histogram]") {
  // Against a brute force: for each distinct value (in ascending order)
  // its rows, errors and smallest index, from a std::map.
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int> small(0, 40);
  for (size_t n : {0, 1, 2, 3, 100, 5000}) {
    for (const bool few_values : {true, false}) {
      INFO(n << " rows, " << (few_values ? "few values" : "continuous"));
      std::vector<Row> rows(n);
      for (size_t i = 0; i < n; ++i) {
        // Indexes out of row order, as a caller's tags may be.
        const double v = few_values ? small(rng) * 0.25 - 2
                                    : static_cast<double>(rng() % 100000) / 7;
        rows[i] = {i % 5 == 0 && v == 0 ? -0.0 : v, rng() % 3 == 0,
                   static_cast<uint32_t>((i * 7919) % 100003)};
      }
      struct Expected {
        int64_t rows = 0, errors = 0;
        uint32_t first = UINT32_MAX;
      };
      std::map<double, Expected> expected;  // -0.0 and 0.0 compare equal
      for (const Row& r : rows) {
        Expected& e = expected[r.value];
        ++e.rows;
        e.errors += r.is_error ? 1 : 0;
        e.first = std::min(e.first, r.index);
      }
      std::vector<ValueBucket> groups;
      std::vector<uint32_t> first_index{42};  // replaced, not appended to
      std::vector<Row> scratch = rows;  // GroupByValue leaves it unspecified
      ValueHistogram::GroupByValue(scratch, &groups, &first_index);
      REQUIRE(groups.size() == expected.size());
      REQUIRE(first_index.size() == expected.size());
      size_t g = 0;
      bool all_match = true;
      for (const auto& [value, e] : expected) {
        const ValueBucket& b = groups[g];
        all_match = all_match && b.lo == value && b.hi == value &&
                    !(b.lo == 0 && std::signbit(b.lo)) && b.rows == e.rows &&
                    b.errors == e.errors &&
                    b.sum == value * static_cast<double>(e.rows) &&
                    first_index[g] == e.first;
        ++g;
      }
      CHECK(all_match);
      // Without first indexes: the same groups.
      std::vector<ValueBucket> without_index;
      std::vector<Row> again = rows;
      ValueHistogram::GroupByValue(again, &without_index, nullptr);
      CHECK(without_index == groups);
      // AddGroups counts them as AddBatch counts the rows.
      ValueHistogram by_groups, by_batch;
      by_groups.AddGroups(groups);
      by_batch.AddBatch(rows);
      CHECK(by_groups == by_batch);
      CHECK(by_groups.rows() == static_cast<int64_t>(n));
    }
  }
}

TEST_CASE("Quantile edges on exact data: hand examples", "[value_histogram]") {
  std::vector<Row> rows;
  for (int v = 1; v <= 10; ++v) rows.push_back({1.0 * v, v % 2 == 0});
  ValueHistogram h;
  h.AddBatch(rows);
  CHECK(h.QuantileEdges(5) == Edges{3, 5, 7, 9});
  CHECK(h.QuantileEdges(2) == Edges{6});
  CHECK(h.QuantileEdges(1).empty());
  // Ten bins of ten values: every value but the first starts a bin.
  CHECK(h.QuantileEdges(10) == Edges{2, 3, 4, 5, 6, 7, 8, 9, 10});
  const std::vector<BinStats> bins = h.CountBins({3, 5, 7, 9});
  REQUIRE(bins.size() == 5);
  CHECK(bins[0] == BinStats{1, 3, 2, 1, 3});
  CHECK(bins[4] == BinStats{9, 10, 2, 1, 19});

  rows.clear();
  for (int i = 0; i < 80; ++i) rows.push_back({0.0, false});
  for (int v = 1; v <= 20; ++v) rows.push_back({1.0 * v, true});
  ValueHistogram zeros;
  zeros.AddBatch(rows);
  CHECK(zeros.QuantileEdges(5) == Edges{1});
  CHECK(zeros.QuantileEdges(4) == Edges{1});
  const std::vector<BinStats> two = zeros.CountBins({1});
  CHECK(two[0] == BinStats{0, 1, 80, 0, 0});
  CHECK(two[1] == BinStats{1, 20, 20, 20, 210});
}

TEST_CASE("Uniform edges on exact data: hand examples", "[value_histogram]") {
  std::vector<Row> rows;
  for (int v = 0; v <= 10; ++v) rows.push_back({1.0 * v, false});
  ValueHistogram h;
  h.AddBatch(rows);
  CHECK(h.UniformEdges(5) == Edges{2, 4, 6, 8});
  CHECK(h.UniformEdges(4) == Edges{2.5, 5, 7.5});
  CHECK(h.UniformEdges(1).empty());
  // Tenths of [0, 1]: each edge is the double k/10, so 0.3 starts a bin
  // (k * 0.1 would give 0.30000000000000004 and put 0.3 one bin lower).
  ValueHistogram unit;
  std::vector<Row> unit_rows = {{0.0, false}, {0.3, true}, {1.0, false}};
  unit.AddBatch(unit_rows);
  const Edges tenths = unit.UniformEdges(10);
  REQUIRE(tenths.size() == 9);
  for (int k = 1; k < 10; ++k) CHECK(tenths[k - 1] == k / 10.0);
  CHECK(unit.CountBins(tenths)[3].rows == 1);  // [0.3, 0.4) holds 0.3
  const std::vector<BinStats> bins = h.CountBins({2.5, 5, 7.5});
  CHECK(bins[0].rows == 3);  // 0, 1, 2
  CHECK(bins[1].rows == 2);  // 3, 4
  CHECK(bins[3].rows == 3);  // 8, 9, 10: the last bin is closed

  std::vector<Row> same(4, Row{3.0, true});
  ValueHistogram constant;
  constant.AddBatch(same);
  CHECK(constant.UniformEdges(10).empty());
  CHECK(constant.QuantileEdges(10).empty());
  CHECK(constant.CountBins({}) == std::vector<BinStats>{{3, 3, 4, 4, 12}});
}

/// A compacted histogram written by hand (through JSON): points 1 and 2,
/// [4, 7] (cell [4, 8)), point 8, [12, 15] (cell [12, 16)).
ValueHistogram FromJson(const char* buckets, int64_t rows, int64_t errors) {
  const nlohmann::json j = {{"version", 1},
                            {"rows", rows},
                            {"errors", errors},
                            {"buckets", nlohmann::json::parse(buckets)}};
  return j.get<ValueHistogram>();
}

ValueHistogram HandCompacted() {
  return FromJson(
      "[[1, 1, 1, 0, 1], [2, 2, 1, 1, 2], [4, 7, 5, 1, 27], [8, 8, 2, 0, 16],"
      " [12, 15, 4, 2, 54]]",
      13, 4);
}

TEST_CASE("Edges move out of multi-value buckets", "[value_histogram]") {
  const ValueHistogram h = HandCompacted();
  CHECK_FALSE(h.exact());
  // Step 2: 3 is between buckets; 5 -> 4 and 7 -> 8 (nearer lo); 9 and 11
  // are between buckets; 13 -> 12 (no next bucket).
  CHECK(h.UniformEdges(7) == Edges{3, 4, 8, 9, 11, 12});
  const std::vector<BinStats> bins = h.CountBins(h.UniformEdges(7));
  std::vector<int64_t> rows;
  for (const BinStats& b : bins) rows.push_back(b.rows);
  CHECK(rows == std::vector<int64_t>{2, 0, 5, 2, 0, 0, 4});
  CHECK(bins[2] == BinStats{4, 8, 5, 1, 27});
  // Candidates 2, 4, 8, 12 have 1, 2, 7, 9 rows below; the target is 6.5.
  CHECK(h.QuantileEdges(2) == Edges{8});
  CHECK(h.UniformEdges(2) == Edges{8});
  // Edges snapped to min() are dropped: 5 -> 4, 6 -> 4 (a tie goes to lo),
  // 7 -> 8.
  const ValueHistogram first_wide =
      FromJson("[[4, 7, 5, 1, 27], [8, 8, 2, 0, 16]]", 7, 1);
  CHECK(first_wide.UniformEdges(4) == Edges{8});
  CHECK(first_wide.CountBins({8})[0] == BinStats{4, 8, 5, 1, 27});
}

TEST_CASE("CountAtLeast and ThresholdKeepingAtLeast", "[value_histogram]") {
  const ValueHistogram h = HandCompacted();
  int64_t rows = 0, errors = 0;
  CHECK(h.CountAtLeast(4, &rows, &errors));
  CHECK(rows == 11);
  CHECK(errors == 3);
  CHECK_FALSE(h.CountAtLeast(5, &rows, &errors));  // inside [4, 7]
  CHECK(rows == 6);
  CHECK(h.CountAtLeast(3, &rows, &errors));
  CHECK(rows == 11);
  CHECK(h.CountAtLeast(16, &rows, &errors));
  CHECK(rows == 0);
  CHECK(h.CountAtLeast(-1, &rows, &errors));
  CHECK(rows == 13);
  CHECK(h.ThresholdKeepingAtLeast(4) == 12);
  CHECK(h.ThresholdKeepingAtLeast(5) == 8);
  CHECK(h.ThresholdKeepingAtLeast(7) == 4);
  CHECK(h.ThresholdKeepingAtLeast(12) == 2);
  CHECK(h.ThresholdKeepingAtLeast(13) == 1);
  CHECK(h.ThresholdKeepingAtLeast(100) == 1);
  CHECK(std::isnan(ValueHistogram().ThresholdKeepingAtLeast(1)));
}

TEST_CASE("A value in a bucket's cell joins the bucket", "[value_histogram]") {
  ValueHistogram h = HandCompacted();
  std::vector<Row> rows = {{7.5, true}, {3.0, false}, {15.5, false}};
  h.AddBatch(rows);
  // 7.5 is in [4, 8): [4, 7] grows to [4, 7.5]; 3 is a point of its own.
  // 15.5 is in [12, 16).
  CHECK(h.buckets().size() == 6);
  CHECK(h.buckets()[3] == ValueBucket{4, 7.5, 6, 2, 34.5});
  CHECK(h.buckets()[5] == ValueBucket{12, 15.5, 5, 2, 69.5});
  CHECK(h.rows() == 16);
}

TEST_CASE("Merging an empty histogram changes nothing", "[value_histogram]") {
  for (const DataSet& data : MakeDataSets()) {
    ValueHistogram h = MergeInOrder(Chunked(data.rows, 3));
    const ValueHistogram before = h;
    h.Merge(ValueHistogram());
    CHECK(h == before);
    ValueHistogram empty;
    empty.Merge(before);
    CHECK(empty == before);
    std::vector<Row> none;
    h.AddBatch(none);
    CHECK(h == before);
  }
  const ValueHistogram empty;
  CHECK(std::isnan(empty.min()));
  CHECK(empty.QuantileEdges(4).empty());
  CHECK(empty.UniformEdges(4).empty());
  CHECK(empty.CountBins({1.0}).size() == 2);
}

TEST_CASE("Merges of exact histograms are associative and commutative",
          "[value_histogram]") {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal(0, 10);
  std::vector<ValueHistogram> parts(3);
  for (ValueHistogram& p : parts) {
    std::vector<Row> rows(600);
    for (Row& r : rows) r = {std::round(normal(rng) * 4) / 4, normal(rng) > 0};
    p.AddBatch(rows);
  }
  ValueHistogram left = parts[0], right = parts[1], swapped = parts[1];
  left.Merge(parts[1]);
  left.Merge(parts[2]);
  right.Merge(parts[2]);
  ValueHistogram other_way = parts[0];
  other_way.Merge(right);
  swapped.Merge(parts[0]);
  swapped.Merge(parts[2]);
  REQUIRE(left.exact());
  CHECK(left == other_way);
  CHECK(left == swapped);
}

TEST_CASE("Negative zero is zero", "[value_histogram]") {
  std::vector<Row> rows = {{-0.0, true}, {0.0, false}, {-0.0, false}};
  ValueHistogram h;
  h.AddBatch(rows);
  REQUIRE(h.buckets().size() == 1);
  CHECK_FALSE(std::signbit(h.buckets()[0].lo));
  CHECK(h.buckets()[0] == ValueBucket{0, 0, 3, 1, 0});
  std::vector<Row> more = {{-0.0, true}, {-1.0, false}};
  h.AddBatch(more);
  CHECK(h.buckets().size() == 2);
  CHECK(h.buckets()[1].rows == 4);
}

TEST_CASE("Chunks of one continuous column keep a fine resolution",
          "[value_histogram]") {
  // The pipeline's case: one partial per chunk (exact for ~10k rows,
  // compacted on its own for larger chunks), merged in order. Buckets of
  // interleaved partials must not chain into a few wide ones.
  const size_t kMaxBatch = ValueHistogram::kMaxBatchBuckets;
  for (size_t chunk_rows : {size_t{10000}, kMaxBatch + kMaxBatch / 4}) {
    INFO("chunk rows " << chunk_rows);
    std::mt19937_64 rng(11);
    std::normal_distribution<double> normal(0.7, 0.2);
    ValueHistogram total;
    std::vector<Row> all;
    const size_t chunks = std::max<size_t>(5, 1000000 / chunk_rows);
    for (size_t chunk = 0; chunk < chunks; ++chunk) {
      std::vector<Row> rows(chunk_rows);
      for (Row& r : rows) {
        r.value = normal(rng);
        r.is_error = r.value > 0.9;
      }
      all.insert(all.end(), rows.begin(), rows.end());
      ValueHistogram part;
      part.AddBatch(rows);
      CHECK(part.exact() == (chunk_rows <= kMaxBatch));
      CHECK(part.buckets().size() <= kMaxBatch);
      total.Merge(part);
      REQUIRE(total.buckets().size() <= ValueHistogram::kMaxMergedBuckets);
    }
    const Reference ref(all);
    int64_t heaviest = 0;
    for (const ValueBucket& b : total.buckets()) {
      heaviest = std::max(heaviest, b.rows);
    }
    // The interval-union design this replaced ended with a few buckets
    // holding most rows; here even the heaviest is a sliver.
    CHECK(heaviest <= total.rows() / 200);
    CheckAll(total, {"normal chunks", {}, true}, ref,
             ValueHistogram::kMaxMergedBuckets);
  }
}

TEST_CASE("Sorted (drifting) input stays exact and bounded",
          "[value_histogram]") {
  std::mt19937_64 rng(13);
  std::exponential_distribution<double> exponential(1);
  std::vector<Row> rows(200000);
  for (Row& r : rows) r = {exponential(rng), exponential(rng) > 1};
  std::sort(rows.begin(), rows.end(),
            [](const Row& a, const Row& b) { return a.value < b.value; });
  const Reference ref(rows);
  std::vector<ValueHistogram> chunks;
  for (size_t at = 0; at < rows.size(); at += 10000) {
    chunks.emplace_back();
    chunks.back().AddBatch(std::span<Row>(rows.data() + at, 10000));
  }
  const ValueHistogram h = MergeInOrder(chunks);
  CheckBuckets(h, ref);
  for (int bins : {4, 20}) {
    CheckBins(h, ref, h.QuantileEdges(bins));
    CheckBins(h, ref, h.UniformEdges(bins));
  }
}

TEST_CASE("JSON round trip is exact", "[value_histogram]") {
  for (const DataSet& data : MakeDataSets()) {
    const ValueHistogram h = MergeInOrder(Chunked(data.rows, 9));
    const nlohmann::json j = h;
    const ValueHistogram back =
        nlohmann::json::parse(j.dump()).get<ValueHistogram>();
    CHECK(back == h);
    CHECK(back.QuantileEdges(10) == h.QuantileEdges(10));
    CHECK(back.UniformEdges(10) == h.UniformEdges(10));
    // Merging a round-tripped partial is merging the original.
    ValueHistogram a = h, b = h;
    a.Merge(h);
    b.Merge(back);
    CHECK(a == b);
  }
}

TEST_CASE("JSON with broken invariants is rejected", "[value_histogram]") {
  CHECK(FromJson("[[1, 1, 2, 1, 2], [2, 2, 1, 0, 2]]", 3, 1).rows() == 3);
  // Unsorted; [1, 4] (cell: all positive numbers) holds 6; totals off;
  // more errors than rows; an empty bucket; lo > hi.
  CHECK_THROWS_AS(FromJson("[[2, 2, 1, 0, 2], [1, 1, 1, 0, 1]]", 2, 0),
                  std::invalid_argument);
  CHECK_THROWS_AS(FromJson("[[1, 4, 2, 0, 5], [6, 6, 1, 0, 6]]", 3, 0),
                  std::invalid_argument);
  CHECK_THROWS_AS(FromJson("[[1, 1, 2, 1, 2]]", 3, 1), std::invalid_argument);
  CHECK_THROWS_AS(FromJson("[[1, 1, 2, 3, 2]]", 2, 3), std::invalid_argument);
  CHECK_THROWS_AS(FromJson("[[1, 1, 0, 0, 0]]", 0, 0), std::invalid_argument);
  CHECK_THROWS_AS(FromJson("[[2, 1, 1, 0, 2]]", 1, 0), std::invalid_argument);
  CHECK_THROWS(FromJson("[[null, 1, 1, 0, 1]]", 1, 0));
}

TEST_CASE("The same calls give the same histogram", "[value_histogram]") {
  const std::vector<DataSet> data = MakeDataSets();
  const ValueHistogram a = MergeAsTree(Chunked(data[0].rows, 21));
  const ValueHistogram b = MergeAsTree(Chunked(data[0].rows, 21));
  CHECK(a == b);
  CHECK(nlohmann::json(a).dump() == nlohmann::json(b).dump());
}

}  // namespace
}  // namespace errscope

namespace errscope {
namespace {

/// The buckets of two histograms agree on everything but the sums of
/// multi-value buckets (AddBatchWithin's contract).
void CheckSameButSums(const ValueHistogram& got, const ValueHistogram& want) {
  REQUIRE(got.rows() == want.rows());
  REQUIRE(got.errors() == want.errors());
  REQUIRE(got.buckets().size() == want.buckets().size());
  for (size_t i = 0; i < got.buckets().size(); ++i) {
    const ValueBucket& g = got.buckets()[i];
    const ValueBucket& w = want.buckets()[i];
    INFO("bucket " << i << " [" << w.lo << ", " << w.hi << "]");
    REQUIRE(g.lo == w.lo);
    REQUIRE(g.hi == w.hi);
    REQUIRE(g.rows == w.rows);
    REQUIRE(g.errors == w.errors);
    if (w.lo == w.hi) REQUIRE(g.sum == w.sum);  // canonical: lo * rows
  }
}

std::vector<Row> ContinuousChunk(size_t rows, std::mt19937_64* rng) {
  // Two decimals, skewed: repeats within a chunk, and values that fall
  // outside the cells of earlier chunks now and then.
  std::lognormal_distribution<double> income(10.5, 0.6);
  std::vector<Row> out(rows);
  for (Row& r : out) {
    r.value = std::round(income(*rng) * 100) / 100;
    r.is_error = (*rng)() % 3 == 0;
  }
  return out;
}

TEST_CASE("BucketCells: a value's cell is the bucket it would join",
          "[value_histogram]") {
  // Find(v) >= 0 exactly when merging v leaves the bucket count as it is
  // (v joins that bucket); -1 when v would be a bucket of its own.
  std::mt19937_64 rng(21);
  ValueHistogram h;
  for (int chunk = 0; chunk < 12; ++chunk) {
    ValueHistogram part;
    std::vector<Row> rows = ContinuousChunk(10000, &rng);
    part.AddBatch(rows);
    h.Merge(part);
  }
  REQUIRE_FALSE(h.exact());  // compacted: multi-value cells and gaps
  const BucketCells cells(h);
  REQUIRE(cells.size() == h.buckets().size());
  int inside = 0, outside = 0;
  for (int n = 0; n < 3000; ++n) {
    const double v =
        std::round(std::exp(8 + 5.0 * (rng() % 1000) / 1000) * 100) / 100;
    ValueHistogram one;
    std::vector<Row> row{{v, false}};
    one.AddBatch(row);
    ValueHistogram merged = h;
    merged.Merge(one);
    const ptrdiff_t cell = cells.Find(v);
    INFO("value " << v);
    if (cell < 0) {
      ++outside;
      CHECK(merged.buckets().size() == h.buckets().size() + 1);
    } else {
      ++inside;
      REQUIRE(merged.buckets().size() == h.buckets().size());
      CHECK(merged.buckets()[cell].rows == h.buckets()[cell].rows + 1);
    }
  }
  CHECK(inside > 100);  // the draw reaches both cases
  CHECK(outside > 20);
  // Far beyond both ends (just past min() can still be in the first
  // bucket's cell), and an empty histogram's cells.
  CHECK(cells.Find(-h.max()) == -1);
  CHECK(cells.Find(h.max() + 1e6) == -1);
  CHECK(BucketCells(ValueHistogram()).Find(1.0) == -1);
}

TEST_CASE("AddBatchWithin, merged, gives AddBatch's buckets",
          "[value_histogram]") {
  // The pipeline's use: each chunk counted within the cells of an earlier
  // state of the running total (the latest, or one a few merges old, as
  // threads read it), then merged in order. Buckets, bounds and counts
  // must be those of exact chunks, so that compactions happen alike.
  for (size_t lag : {size_t{0}, size_t{1}, size_t{3}}) {
    INFO("snapshot " << lag << " merges old");
    std::mt19937_64 rng(22);
    ValueHistogram exact_total, within_total;
    std::vector<ValueHistogram> states;  // within_total after each merge
    int took_cells = 0;
    for (int chunk = 0; chunk < 80; ++chunk) {
      std::vector<Row> rows = ContinuousChunk(8000, &rng);
      std::vector<Row> copy = rows;
      ValueHistogram exact_part, within_part;
      exact_part.AddBatch(rows);
      if (states.size() > lag) {
        ++took_cells;
        within_part.AddBatchWithin(
            copy, BucketCells(states[states.size() - 1 - lag]));
        CHECK(within_part.buckets().size() <= exact_part.buckets().size());
      } else {
        within_part.AddBatch(copy);
      }
      exact_total.Merge(exact_part);
      within_total.Merge(within_part);
      CheckSameButSums(within_total, exact_total);
      states.push_back(within_total);
    }
    CHECK(took_cells > 70);
    CHECK_FALSE(exact_total.exact());  // compactions happened along the way
    CHECK(within_total.QuantileEdges(5) == exact_total.QuantileEdges(5));
    CHECK(within_total.UniformEdges(7) == exact_total.UniformEdges(7));
  }
}

TEST_CASE("AddBatchWithin: rows in no cell are counted exactly",
          "[value_histogram]") {
  // With the cells of an empty histogram, or of one far away, it is
  // AddBatch, sums included; no rows adds nothing.
  std::vector<Row> rows{
      {2.5, true}, {-0.0, false}, {0.0, true}, {2.5, false}, {7, false}};
  std::vector<Row> copy = rows, copy2 = rows;
  ValueHistogram want, got, far_away;
  want.AddBatch(rows);
  got.AddBatchWithin(copy, BucketCells(ValueHistogram()));
  CHECK(got == want);
  std::vector<Row> far{{1e9, false}, {2e9, false}};
  far_away.AddBatch(far);
  ValueHistogram got_far;
  got_far.AddBatchWithin(copy2, BucketCells(far_away));
  CHECK(got_far == want);
  std::vector<Row> none;
  got.AddBatchWithin(none, BucketCells(far_away));
  CHECK(got == want);
}

TEST_CASE("AddBatchWithin: rows in a one-value cell stay one value",
          "[value_histogram]") {
  // A cell of one value gathers only that value: its bucket is the exact
  // one, canonical sum included.
  ValueHistogram total;
  std::vector<Row> seen{{3.25, false}, {4.5, true}};
  total.AddBatch(seen);
  std::vector<Row> rows{{3.25, true}, {3.25, false}, {3.25, true}, {9, false}};
  std::vector<Row> copy = rows;
  ValueHistogram want, got;
  want.AddBatch(rows);
  got.AddBatchWithin(copy, BucketCells(total));
  CHECK(got == want);
  REQUIRE(got.buckets().size() == 2);
  CHECK(got.buckets()[0].sum == 3.25 * 3);
}

}  // namespace
}  // namespace errscope
