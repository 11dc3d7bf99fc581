#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "errscope/class_index.h"
#include "errscope/columns.h"
#include "errscope/record_reader.h"
#include "errscope/status.h"

namespace errscope {

/// How many line numbers a count of skipped rows or warnings remembers.
inline constexpr size_t kExampleLines = 5;

/// A count of rows with something to say about them, and where the first
/// few are; mergeable (the smallest lines are kept).
struct LineTally {
  int64_t count = 0;
  std::vector<int64_t> first_lines;  ///< Ascending, at most kExampleLines.

  void Add(int64_t line);
  void Merge(const LineTally& other);
};

/// The decoded rows of one chunk: what every analyzer reads. Class ids are
/// local to `classes`.
struct PredictionBatch {
  ClassIndex classes;
  std::vector<int32_t> label;
  std::vector<int32_t> pred;
  /// Confidence in the predicted class; NaN when the input gives none.
  std::vector<double> confidence;
  /// Row-major rows x proba_class_ids.size(); empty without probabilities.
  std::vector<double> probabilities;
  std::vector<int32_t> proba_class_ids;
  std::vector<int64_t> row_number;  ///< 1-based data row.
  std::vector<int64_t> line;        ///< File line where the row starts.
  /// Cells of the feature columns (ColumnMapping::features order), one
  /// column after another (feature f's cells start at f * feature_stride),
  /// and of the id column (empty without one): views of the text the
  /// RawBatch cells pointed to (the chunk's bytes, or the RawBatch's
  /// `owned` strings), valid while those live. Column by
  /// column because analyzers read one feature at a time (profiled: reading
  /// a feature across row-major cells missed the cache once per row).
  /// Cells past rows() in a column are unspecified (a reused batch keeps
  /// its old ones).
  std::vector<std::string_view> feature_cells;
  std::vector<std::string_view> id_cells;
  size_t num_features = 0;
  size_t feature_stride = 0;  ///< At least rows().

  int64_t rows_read = 0;
  LineTally skipped;          ///< Rows with an empty label/pred/score cell.
  LineTally proba_sum_off;    ///< Probabilities summing far from 1.
  LineTally pred_not_in_probabilities;  ///< Pred class has no probability.

  size_t rows() const { return label.size(); }
  bool correct(size_t row) const { return label[row] == pred[row]; }
  std::string_view feature(size_t row, size_t f) const {
    return feature_cells[f * feature_stride + row];
  }
  void Clear();
};

/// Options of decoding that are not column roles.
struct DecodeOptions {
  bool strict = false;  ///< A row with an empty label/pred is an error.
  /// Largest |sum of probabilities - 1| before a row is flagged.
  double proba_sum_tolerance = 0.01;
};

/// The reserved class used in threshold mode for "not the positive class"
/// until the negative class is known (see ResolveNegativeClass).
inline constexpr const char* kNegativePlaceholderKey = "\x01negative";

/// Turns the cells of `raw` into typed predictions, validating every number
/// (a confidence or probability must be a finite number in [0, 1]).
bool DecodeBatch(const RawBatch& raw, const ColumnMapping& mapping,
                 const std::vector<std::string>& column_names,
                 const std::string& source, const DecodeOptions& options,
                 PredictionBatch* out, Status* status);

/// DecodeBatch in steps, for a chunk parsed a few records at a time:
/// StartDecode clears `out` for a chunk of at most `rows` rows, and each
/// DecodeRows call appends the rows of `raw` (the text its cells point to
/// must outlive `out`; its array of cells may be reused for the next
/// records). The result is the same as one DecodeBatch of all the rows.
void StartDecode(const ColumnMapping& mapping, size_t rows,
                 PredictionBatch* out);
bool DecodeRows(const RawBatch& raw, const ColumnMapping& mapping,
                const std::vector<std::string>& column_names,
                const std::string& source, const DecodeOptions& options,
                PredictionBatch* out, Status* status);

}  // namespace errscope
