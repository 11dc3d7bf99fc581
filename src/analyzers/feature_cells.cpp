// A chunk's cells of one feature column, counted: missing, words, and
// numbers grouped by value.
#include "analyzers/feature_cells.h"

#include <algorithm>
#include <cmath>

#include "errscope/cell_counter.h"
#include "errscope/class_index.h"
#include "errscope/plain_decimal.h"

namespace errscope {

bool ParseFiniteNumber(std::string_view cell, double* value) {
  // The common case inline: a continuous column parses every cell.
  if (ParsePlainDecimal(cell, value)) {
    *value += 0.0;  // -0.0 -> 0.0
    return true;
  }
  if (!ParseNumber(cell, value) || !std::isfinite(*value)) return false;
  *value += 0.0;  // -0.0 -> 0.0
  return true;
}

void CountInChunk(std::string_view value, const GroupCounts& counts,
                  FeatureTally* tally) {
  const uint64_t hash = HashText(value);
  if (GroupCounts* known = tally->values.FindHashed(value, hash)) {
    known->Add(counts);
  } else {
    tally->values.Insert(value, hash, counts);
  }
}

namespace {

/// Distinct spellings a chunk's column may have for the counter: more, and
/// the rest of the chunk goes the general way. A table of 16 KiB and
/// entries of 128 KiB, in the second-level cache.
constexpr size_t kCounterCapacity = 4096;
/// The counter is given up for the rest of a chunk when more than 7/8 of
/// its first kSampleRows rows are distinct spellings (a continuous column:
/// the counter would only add a probe per cell to the parse and the sort).
constexpr size_t kSampleRows = 1024;

/// A distinct number with its counts, while the two ways are joined.
struct NumberGroup {
  double value;
  int64_t rows;
  int64_t errors;
  uint32_t first_index;
};

/// Sorts `groups` by value and joins equal values (two spellings of one
/// number, such as 1 and 1.0).
void SortAndJoin(std::vector<NumberGroup>* groups) {
  std::vector<NumberGroup>& g = *groups;
  std::sort(g.begin(), g.end(), [](const NumberGroup& a, const NumberGroup& b) {
    return a.value < b.value;
  });
  size_t out = 0;
  for (size_t i = 0; i < g.size(); ++i) {
    if (out > 0 && g[out - 1].value == g[i].value) {
      g[out - 1].rows += g[i].rows;
      g[out - 1].errors += g[i].errors;
      g[out - 1].first_index =
          std::min(g[out - 1].first_index, g[i].first_index);
    } else {
      g[out++] = g[i];
    }
  }
  g.resize(out);
}

/// Joins `rest` (ascending, distinct) into `groups` (ascending, distinct).
void JoinSorted(const ChunkNumbers& rest, std::vector<NumberGroup>* groups) {
  std::vector<NumberGroup> joined;
  joined.reserve(groups->size() + rest.groups.size());
  size_t i = 0;
  for (size_t g = 0; g < rest.groups.size(); ++g) {
    const ValueBucket& b = rest.groups[g];
    for (; i < groups->size() && (*groups)[i].value < b.lo; ++i) {
      joined.push_back((*groups)[i]);
    }
    if (i < groups->size() && (*groups)[i].value == b.lo) {
      NumberGroup both = (*groups)[i++];
      both.rows += b.rows;
      both.errors += b.errors;
      both.first_index = std::min(both.first_index, rest.first_index[g]);
      joined.push_back(both);
    } else {
      joined.push_back({b.lo, b.rows, b.errors, rest.first_index[g]});
    }
  }
  joined.insert(joined.end(), groups->begin() + static_cast<std::ptrdiff_t>(i),
                groups->end());
  *groups = std::move(joined);
}

/// Turns the counter's spellings into words (counted in the tally now, in
/// order of first appearance) and numbers (appended to `numbers`).
void ResolveSpellings(const CellCounter& counter, const PredictionBatch& batch,
                      size_t f, FeatureTally* tally, bool* all_numeric,
                      std::vector<NumberGroup>* numbers) {
  for (const CellCounter::Entry& e : counter.entries()) {
    const std::string_view text = batch.feature(e.first_row, f);
    double value = 0;
    if (ParseFiniteNumber(text, &value)) {
      numbers->push_back({value, e.rows, e.errors, e.first_row});
    } else {
      CountInChunk(text, {e.rows, e.errors, batch.row_number[e.first_row]},
                   tally);
      *all_numeric = false;
    }
  }
}

/// The one-value buckets of `groups` (sorted and joined).
void ToChunkNumbers(const std::vector<NumberGroup>& groups, ChunkNumbers* out) {
  out->groups.clear();
  out->first_index.clear();
  out->groups.reserve(groups.size());
  out->first_index.reserve(groups.size());
  for (const NumberGroup& g : groups) {
    // The sum as GroupByValue makes it: value times rows, once.
    out->groups.push_back({g.value, g.value, g.rows, g.errors,
                           g.value * static_cast<double>(g.rows)});
    out->first_index.push_back(g.first_index);
  }
}

}  // namespace

namespace {

/// The first way: counts the cells of feature `f` from row 0 by spelling
/// into `counter` (empty ones into `missing`, rows of cells too long for it
/// into `long_cells`) until the counter is full or given up. Returns the
/// row the general way goes on from: where the counter filled up, or 0,
/// with everything cleared, when it was given up.
size_t CountBySpelling(const PredictionBatch& batch, size_t f,
                       CellCounter* counter, GroupCounts* missing,
                       std::vector<uint32_t>* long_cells) {
  const size_t rows = batch.rows();
  for (size_t r = 0; r < rows; ++r) {
    if (r == kSampleRows && counter->size() * 8 > kSampleRows * 7) {
      // A continuous column: all of the chunk the general way, as if the
      // counter had never been tried.
      counter->Clear();
      long_cells->clear();
      *missing = GroupCounts();
      return 0;
    }
    const std::string_view cell = batch.feature(r, f);
    const bool wrong = !batch.correct(r);
    if (cell.empty()) {
      missing->Add({1, wrong ? 1 : 0, batch.row_number[r]});
    } else if (!counter->Add(cell, wrong, static_cast<uint32_t>(r))) {
      if (counter->size() == kCounterCapacity) return r;  // full
      long_cells->push_back(static_cast<uint32_t>(r));    // too long for it
    }
  }
  return rows;
}

/// The chunk's numbers from both ways: `counted` (the counter's spellings
/// that are numbers) and `parsed` (the rest), grouped by value, or with
/// `group_numbers` false and nothing counted, `parsed` as it is.
void GroupNumbers(std::vector<NumberGroup> counted,
                  std::vector<ValueHistogram::Row> parsed, bool group_numbers,
                  ChunkNumbers* numbers) {
  numbers->rows.clear();
  if (counted.empty() && !group_numbers) {
    numbers->groups.clear();
    numbers->first_index.clear();
    numbers->rows = std::move(parsed);
    return;
  }
  if (counted.empty()) {
    ValueHistogram::GroupByValue(parsed, &numbers->groups,
                                 &numbers->first_index);
    return;
  }
  SortAndJoin(&counted);
  if (!parsed.empty()) {
    ChunkNumbers rest;
    ValueHistogram::GroupByValue(parsed, &rest.groups, &rest.first_index);
    JoinSorted(rest, &counted);
  }
  ToChunkNumbers(counted, numbers);
}

}  // namespace

void CountFeatureCells(const PredictionBatch& batch, size_t f,
                       FeatureTally* tally, bool* all_numeric,
                       ChunkNumbers* numbers, bool group_numbers) {
  // One per thread: its table is reused chunk after chunk.
  thread_local CellCounter counter(kCounterCapacity);
  counter.Clear();
  GroupCounts missing;
  std::vector<uint32_t> long_cells;
  size_t r = CountBySpelling(batch, f, &counter, &missing, &long_cells);
  std::vector<ValueHistogram::Row> parsed;  // cells the counter did not take
  auto count_one = [&](size_t row, std::string_view cell) {
    const bool wrong = !batch.correct(row);
    double value = 0;
    if (cell.empty()) {
      missing.Add({1, wrong ? 1 : 0, batch.row_number[row]});
    } else if (ParseFiniteNumber(cell, &value)) {
      parsed.push_back({value, wrong, static_cast<uint32_t>(row)});
    } else {
      CountInChunk(cell, {1, wrong ? 1 : 0, batch.row_number[row]}, tally);
      *all_numeric = false;
    }
  };
  // The counter's words and long cells are counted only now, when the
  // counter is kept for this chunk; words before those of rows r on, so
  // that those find them in the tally.
  std::vector<NumberGroup> counted;
  ResolveSpellings(counter, batch, f, tally, all_numeric, &counted);
  for (const uint32_t row : long_cells) count_one(row, batch.feature(row, f));
  const size_t rows = batch.rows();
  if (r < rows) parsed.reserve(parsed.size() + (rows - r));
  for (; r < rows; ++r) count_one(r, batch.feature(r, f));
  tally->missing.Add(missing);
  GroupNumbers(std::move(counted), std::move(parsed), group_numbers, numbers);
}

}  // namespace errscope
