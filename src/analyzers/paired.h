#pragma once
// Two prediction files on the same examples, row by row: which rows one
// model gets right and the other wrong (for McNemar's test). Not in the
// analyzer table: `errscope compare` runs these next to the report's own.

#include <cstdint>
#include <string>
#include <vector>

#include "analyzers/top_errors.h"
#include "errscope/analyzer.h"
#include "errscope/string_map.h"

namespace errscope {

/// How rows of the two files are matched: by the id column (--key), or by
/// data row number.
enum class JoinBy { kKey, kRowNumber };

/// The base file's outcome per row. This is per-row data (about 20 bytes
/// plus the key per row), the one place memory grows with the input:
/// compare needs to know, for every example, whether the base model got it
/// right.
struct OutcomesPartial : Partial {
  std::vector<int64_t> rows;      ///< 1-based data row numbers.
  std::vector<uint8_t> correct;   ///< 1 when label == pred.
  std::vector<uint32_t> label;    ///< Index into label_keys.
  std::vector<std::string> label_keys;  ///< ClassKey of each label seen.
  std::string keys;               ///< The key cells, end to end (kKey).
  std::vector<uint32_t> key_ends; ///< End offset of each row's key in keys.
};
void to_json(nlohmann::json& j, const OutcomesPartial& p);
void from_json(const nlohmann::json& j, OutcomesPartial& p);

/// Collects every used row's outcome; Finish writes nothing.
std::unique_ptr<Analyzer> MakeOutcomesAnalyzer(const AnalyzerSettings& settings,
                                               JoinBy join);

/// The base outcomes, ready for lookups from many threads (read-only).
class BaseOutcomes {
 public:
  /// Indexes `p`; fails on a key that two rows share (naming both rows).
  static Status Build(OutcomesPartial p, JoinBy join, const std::string& source,
                      BaseOutcomes* out);

  /// The base row of `key` (kKey) or of data row `row` (kRowNumber), or -1.
  int64_t Find(std::string_view key, int64_t row) const;
  size_t size() const { return outcomes_.rows.size(); }
  bool correct(size_t i) const { return outcomes_.correct[i] != 0; }
  const std::string& label_key(size_t i) const {
    return outcomes_.label_keys[outcomes_.label[i]];
  }
  std::string_view key(size_t i) const;
  int64_t row(size_t i) const { return outcomes_.rows[i]; }

 private:
  OutcomesPartial outcomes_;
  JoinBy join_ = JoinBy::kRowNumber;
  StringMap<uint32_t> by_key_;
  std::vector<int64_t> by_row_;  ///< Data row -> index, -1 when absent.
};

/// What the candidate's rows say against the base's.
struct PairedPartial : Partial {
  int64_t both_right = 0;
  int64_t both_wrong = 0;
  int64_t newly_wrong = 0;  ///< Right in the base, wrong in the candidate.
  int64_t newly_right = 0;  ///< Wrong in the base, right in the candidate.
  int64_t unmatched = 0;    ///< Candidate rows with no base row.
  int64_t label_mismatch = 0;  ///< Matched rows whose true labels differ.
  std::vector<int64_t> first_mismatch_rows;  ///< Candidate rows, at most 5.
  /// Base rows matched, to find a candidate key used twice; a chunk's
  /// partial lists them, a merged one keeps a bit per base row.
  std::vector<uint32_t> matched;
  std::vector<bool> seen;
  int64_t duplicates = 0;
  int64_t first_duplicate = -1;  ///< Base index of the first one.
  /// The most confident newly wrong rows (the candidate's confidence).
  std::vector<ErrorCandidate> newly_wrong_rows;
};

/// Compares each candidate row with its base row. `base` must outlive the
/// analyzer; `top` is how many newly wrong rows to keep.
std::unique_ptr<Analyzer> MakePairedAnalyzer(const AnalyzerSettings& settings,
                                             const BaseOutcomes* base,
                                             JoinBy join, size_t top);

}  // namespace errscope
