#pragma once

#include <optional>
#include <string>
#include <vector>

#include "errscope/status.h"

namespace errscope {

/// What the user said about columns; anything unset is auto-detected.
struct ColumnOptions {
  std::optional<std::string> label;
  std::optional<std::string> pred;
  std::optional<std::string> confidence;
  std::optional<std::string> id;
  /// How messages name the option that set `id` (compare sets it by --key).
  std::string id_option = "--id";
  std::optional<std::string> proba_prefix;  ///< PREFIX<class> columns.
  std::optional<std::string> proba_field;   ///< JSON array of probabilities.
  std::vector<std::string> classes;         ///< Class order of proba_field.
  std::vector<std::string> features;        ///< Empty: every other column.
  std::vector<std::string> ignore;
  std::optional<double> threshold;          ///< Binary score mode.
  std::optional<std::string> positive;
  std::optional<std::string> negative;
};

/// How the predicted class of a row is obtained.
enum class PredSource { kColumn, kArgmax, kThreshold };

/// Which column plays which part (indices into the column names; -1 when
/// absent), decided once from the header and shared by every thread.
struct ColumnMapping {
  int label = -1;
  int pred = -1;
  int confidence = -1;  ///< Also the score column in threshold mode.
  int id = -1;
  /// One column per class (PREFIX<class>), or one JSON array column.
  std::vector<int> proba_columns;
  int proba_field = -1;
  /// Class name of each probability column / array position. For an array
  /// field without --classes, filled in after a first pass over the labels.
  std::vector<std::string> proba_classes;
  std::vector<int> features;

  PredSource pred_source = PredSource::kColumn;
  double threshold = 0.5;
  std::string positive;
  std::optional<std::string> negative;

  bool has_probabilities() const {
    return !proba_columns.empty() || proba_field >= 0;
  }
};

/// Decides the mapping from the column names and the options. Errors name
/// the closest existing columns, or list the columns seen.
Status ResolveColumns(const std::vector<std::string>& names,
                      const ColumnOptions& options, ColumnMapping* mapping);

}  // namespace errscope
