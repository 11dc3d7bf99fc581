#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "errscope/columns.h"
#include "errscope/prediction_batch.h"
#include "errscope/report.h"
#include "errscope/status.h"

namespace errscope {

/// The mutable state of one analyzer over some rows (Beam's accumulator).
/// Holds bounded sufficient statistics keyed by class names or values,
/// never batch-local ids.
class Partial {
 public:
  virtual ~Partial() = default;
};

/// How values are cut into bins: equal width, or equal frequency.
enum class Binning { kUniform, kQuantile };

/// The user's choices for the analyses (defaults as documented in
/// docs/report.md); validated by the CLI.
struct AnalysisOptions {
  size_t top_confusions = 10;
  // Errors by feature.
  size_t max_categories = 10;  ///< More distinct numbers: a numeric feature.
  size_t max_groups = 50;      ///< More values fold into "(other)".
  size_t feature_bins = 5;
  Binning binning = Binning::kQuantile;
  int64_t min_rows = 30;       ///< Smaller groups are never significant.
  // Errors by confidence.
  size_t calibration_bins = 10;
  Binning calibration_binning = Binning::kUniform;
  double high_confidence = 0.9;
  size_t top_errors = 20;
};

/// What an analyzer may know about the run when it is made.
struct AnalyzerSettings {
  ColumnMapping mapping;
  std::vector<std::string> column_names;  ///< The input's header.
  AnalysisOptions options;
};

/// One analysis as a mergeable accumulator (the Beam CombineFn pattern).
/// An Analyzer is immutable after construction and shared by all threads;
/// all mutable state lives in its Partials.
///
/// Contract: Merge is associative and commutative and leaves `from`
/// untouched; merging an empty partial changes nothing; Add(A) then Add(B)
/// on one partial equals Add(A) and Add(B) on two partials then merged.
/// Ratios are computed only in Finish.
class Analyzer {
 public:
  virtual ~Analyzer() = default;

  virtual std::unique_ptr<Partial> NewPartial() const = 0;
  /// A partial for rows that will be merged into `total` after every chunk
  /// before them (the pipeline's running total, which from then on only
  /// receives merges). It may carry what `total` has settled for good, so
  /// that Add skips work whose result the merge would drop; merging it into
  /// `total` gives the same result as a NewPartial() would. Called while
  /// other threads merge into `total`: reads only what the analyzer's merge
  /// publishes for it, under a lock of its own.
  virtual std::unique_ptr<Partial> NewPartialFor(const Partial& total) const = 0;
  /// Folds the rows of `batch` into `partial`.
  virtual void Add(const PredictionBatch& batch, Partial* partial) const = 0;
  /// Folds `from` into `into`.
  virtual void Merge(const Partial& from, Partial* into) const = 0;
  /// Writes this analyzer's section of the report.
  virtual Status Finish(const Partial& partial, Report* report) const = 0;

  /// A stable, versioned form of a partial (to merge across machines).
  virtual nlohmann::json ToJson(const Partial& partial) const = 0;
  virtual std::unique_ptr<Partial> FromJson(const nlohmann::json& json) const = 0;
};

/// Implements the Partial downcasts once; analyzers override the typed
/// methods.
template <typename PartialType>
class AnalyzerOf : public Analyzer {
 public:
  std::unique_ptr<Partial> NewPartial() const final {
    return std::make_unique<PartialType>();
  }
  std::unique_ptr<Partial> NewPartialFor(const Partial& total) const final {
    return PartialFor(static_cast<const PartialType&>(total));
  }
  void Add(const PredictionBatch& batch, Partial* partial) const final {
    AddRows(batch, static_cast<PartialType*>(partial));
  }
  void Merge(const Partial& from, Partial* into) const final {
    MergeInto(static_cast<const PartialType&>(from),
              static_cast<PartialType*>(into));
  }
  Status Finish(const Partial& partial, Report* report) const final {
    return FinishInto(static_cast<const PartialType&>(partial), report);
  }
  nlohmann::json ToJson(const Partial& partial) const final {
    return static_cast<const PartialType&>(partial);
  }
  std::unique_ptr<Partial> FromJson(const nlohmann::json& json) const final {
    auto partial = std::make_unique<PartialType>();
    json.get_to(*partial);
    return partial;
  }

 protected:
  /// NewPartialFor: most analyzers have nothing to take from the total.
  virtual std::unique_ptr<PartialType> PartialFor(
      const PartialType& /*total*/) const {
    return std::make_unique<PartialType>();
  }
  virtual void AddRows(const PredictionBatch& batch,
                       PartialType* partial) const = 0;
  virtual void MergeInto(const PartialType& from, PartialType* into) const = 0;
  virtual Status FinishInto(const PartialType& partial,
                            Report* report) const = 0;
};

/// An entry of the analyzer table: help, `list` and the pipeline read it.
struct AnalyzerInfo {
  std::string_view name;
  std::string_view description;
  std::function<std::unique_ptr<Analyzer>(const AnalyzerSettings&)> make;
};

/// Every analyzer, in the order their sections appear in reports.
const std::vector<AnalyzerInfo>& AnalyzerTable();

}  // namespace errscope
