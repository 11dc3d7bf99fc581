#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "analyzers/slices.h"
#include "errscope/prediction_batch.h"
#include "errscope/value_histogram.h"

namespace errscope {

/// A finite number, or false for text (NaN and infinity are text: they
/// cannot be binned). -0.0 is read as 0.0.
bool ParseFiniteNumber(std::string_view cell, double* value);

/// Adds a word's counts to a chunk's tally. A chunk's partial counts every
/// distinct value it meets (bounded by the chunk's size): were it to stop at
/// kMaxTrackedValues, the rows of a value that the running total tracks but
/// that this chunk meets late would land in (other), and the total would
/// report that value with too few rows.
void CountInChunk(std::string_view value, const GroupCounts& counts,
                  FeatureTally* tally);

/// A chunk's numbers of one feature, grouped by value.
struct ChunkNumbers {
  /// Distinct values ascending, as one-value buckets (lo == hi, sum ==
  /// lo * rows), as ValueHistogram::GroupByValue makes them.
  std::vector<ValueBucket> groups;
  /// Per group, the smallest row index (in the batch) holding its value.
  std::vector<uint32_t> first_index;
  /// Without grouping (CountFeatureCells' `group_numbers` false): the
  /// numbers one by one, in no particular order, and no groups.
  std::vector<ValueHistogram::Row> rows;
};

/// Counts the cells of feature `f` in `batch`: empty ones in
/// tally->missing, words in tally->values (clearing *all_numeric), numbers
/// into `numbers`.
///
/// Two ways, one result: cells of a column with few distinct spellings are
/// counted by spelling (CellCounter), and each spelling parsed once; the
/// rest are parsed one by one and their numbers sorted. Which one a chunk
/// takes is decided on its first rows, so the cost of trying the counter
/// on a continuous column is bounded. Without `group_numbers`, numbers
/// parsed one by one are left in numbers->rows instead of grouped (those
/// of the counter are still grouped).
void CountFeatureCells(const PredictionBatch& batch, size_t f,
                       FeatureTally* tally, bool* all_numeric,
                       ChunkNumbers* numbers, bool group_numbers = true);

}  // namespace errscope
