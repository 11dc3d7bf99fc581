// Cells → typed predictions. Every number is validated here, once, so that
// analyzers can trust what they read.
#include <algorithm>
#include <cassert>
#include <cmath>
#include <fmt/format.h>
#include <limits>

#include "errscope/plain_decimal.h"
#include "errscope/prediction_batch.h"

namespace errscope {

void LineTally::Add(int64_t line) {
  ++count;
  if (first_lines.size() < kExampleLines) first_lines.push_back(line);
}

void LineTally::Merge(const LineTally& other) {
  count += other.count;
  std::vector<int64_t> lines = first_lines;
  lines.insert(lines.end(), other.first_lines.begin(), other.first_lines.end());
  std::sort(lines.begin(), lines.end());
  if (lines.size() > kExampleLines) lines.resize(kExampleLines);
  first_lines = std::move(lines);
}

void PredictionBatch::Clear() {
  // Vectors keep their capacity: a batch reused for the next chunk needs
  // no new pages (profiled: a fresh batch per chunk was a fifth of the
  // page faults of a run).
  classes = ClassIndex();
  label.clear();
  pred.clear();
  confidence.clear();
  probabilities.clear();
  proba_class_ids.clear();
  row_number.clear();
  line.clear();
  // feature_cells keeps its size too: StartDecode sizes it, and cells past
  // a column's rows are never read (zero-filling them per chunk was 2% of
  // an analysis).
  id_cells.clear();
  num_features = 0;
  feature_stride = 0;
  rows_read = 0;
  skipped = LineTally();
  proba_sum_off = LineTally();
  pred_not_in_probabilities = LineTally();
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The common probability cell, inline: an unsigned plain decimal
/// (ParsePlainDigits: "0.734521", "1", "0.5") in [0, 1], the same double
/// ParseNumber gives. The range is checked on the digits (m <= 10^k), so
/// that no branch waits for the division (profiled: the checks on the
/// parsed value were a third of the cost of a probability). False for
/// anything else, valid or not.
inline bool ParsePlainUnit(std::string_view cell, double* value) {
  uint64_t mantissa = 0;
  size_t k = 0;
  const char* begin = cell.data();
  const size_t n = cell.size();
  // The usual shape first: one digit, the point and 6 to 8 more, as a
  // fixed number of decimals prints a probability ("0.047905"): the digit
  // loops' checks were half the cost of the general way.
  if (n >= 8 && n <= 10 && begin[1] == '.') {
    const auto units = static_cast<unsigned char>(begin[0] - '0');
    uint64_t fraction = 0;
    if (units <= 1 && EightByteFraction(begin + n - 8, n - 2, &fraction)) {
      k = n - 2;
      mantissa = units * kPow10Int[k] + fraction;
      if (mantissa > kPow10Int[k]) return false;  // above 1
      *value = static_cast<double>(mantissa) / kExactPow10[k];
      return true;
    }
  }
  if (!ParsePlainDigits(begin, begin, begin + n, &mantissa, &k) ||
      mantissa > static_cast<uint64_t>(kExactPow10[k])) {
    return false;
  }
  *value = static_cast<double>(mantissa) / kExactPow10[k];
  return true;
}

class Decoder {
 public:
  Decoder(const RawBatch& raw, const ColumnMapping& mapping,
          const std::vector<std::string>& names, const std::string& source,
          const DecodeOptions& options, PredictionBatch* out)
      : raw_(raw), m_(mapping), names_(names), source_(source),
        options_(options), out_(*out) {}

  /// Decodes every row of raw_, appending to out_ (started by
  /// StartDecode).
  bool Run(Status* status);

 private:
  bool DecodeRow(size_t r, Status* status);
  /// Parses a probability-like cell: a finite number in [0, 1].
  bool ParseUnit(std::string_view cell, int column, int64_t line,
                 const char* what, double* value, Status* status) const {
    return ParsePlainUnit(cell, value) ||
           ParseOtherUnit(cell, column, line, what, value, status);
  }
  /// ParseUnit of what ParsePlainUnit does not take, errors included.
  bool ParseOtherUnit(std::string_view cell, int column, int64_t line,
                      const char* what, double* value, Status* status) const;
  /// Reads the row's probabilities into probs_; false on error.
  bool ReadProbabilities(size_t r, int64_t line, Status* status);
  bool Skip(int64_t line, const char* what, int column, Status* status);
  std::string Location(int64_t line, int column) const {
    return Where(source_, line) +
           fmt::format("column '{}' (field {}): ", names_[column], column + 1);
  }

  const RawBatch& raw_;
  const ColumnMapping& m_;
  const std::vector<std::string>& names_;
  const std::string& source_;
  const DecodeOptions& options_;
  PredictionBatch& out_;
  std::vector<double> probs_;
  int32_t positive_id_ = -1;
  int32_t negative_id_ = -1;
};

bool Decoder::ParseOtherUnit(std::string_view cell, int column,
                             int64_t line, const char* what, double* value,
                             Status* status) const {
  if (!ParseNumber(cell, value)) {
    *status = Status::Error(
        Location(line, column) +
        fmt::format("expected {} (a number in [0, 1]), got {}", what,
                    QuoteForMessage(cell)));
    return false;
  }
  if (!std::isfinite(*value)) {
    *status = Status::Error(
        Location(line, column) +
        fmt::format("expected {} (a number in [0, 1]), got {}: NaN and "
                    "infinity are not allowed",
                    what, QuoteForMessage(cell)));
    return false;
  }
  if (*value < 0 || *value > 1) {
    *status = Status::Error(
        Location(line, column) +
        fmt::format("expected {} in [0, 1], got {}", what, cell));
    return false;
  }
  return true;
}

bool Decoder::Skip(int64_t line, const char* what, int column,
                   Status* status) {
  if (options_.strict) {
    *status = Status::Error(
        Location(line, column) +
        fmt::format("empty {} (--strict makes a row without one an error)",
                    what));
    return false;
  }
  out_.skipped.Add(line);
  return true;
}

bool Decoder::ReadProbabilities(size_t r, int64_t line, Status* status) {
  const size_t k = m_.proba_classes.size();
  probs_.resize(k);
  if (m_.proba_field < 0) {
    for (size_t j = 0; j < k; ++j) {
      int column = m_.proba_columns[j];
      if (!ParseUnit(raw_.cell(r, column), column, line, "a probability",
                     &probs_[j], status)) {
        return false;
      }
    }
    return true;
  }
  // A JSON array of numbers, as the JSON reader writes it: "[0.1,0.9]".
  std::string_view text = raw_.cell(r, m_.proba_field);
  auto bad = [&](const std::string& why) {
    *status = Status::Error(Location(line, m_.proba_field) + why);
    return false;
  };
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') {
    return bad(fmt::format("expected an array of {} probabilities, got {}", k,
                           QuoteForMessage(text)));
  }
  text = text.substr(1, text.size() - 2);
  size_t count = 0;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    double value = 0;
    if (count < k && !ParseUnit(item, m_.proba_field, line,
                                "a probability", &value, status)) {
      return false;
    }
    if (count < k) probs_[count] = value;
    ++count;
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  if (count != k) {
    return bad(fmt::format("the array has {} entries, expected {} (one per "
                           "class, in the order of --classes)",
                           count, k));
  }
  return true;
}

bool Decoder::DecodeRow(size_t r, Status* status) {
  const int64_t line = raw_.lines[r];
  const int64_t row_number = raw_.first_row + static_cast<int64_t>(r) + 1;
  ++out_.rows_read;
  std::string_view label = raw_.cell(r, m_.label);
  if (label.empty()) return Skip(line, "label", m_.label, status);
  if (m_.pred >= 0 && raw_.cell(r, m_.pred).empty()) {
    return Skip(line, "prediction", m_.pred, status);
  }
  if (m_.confidence >= 0 && raw_.cell(r, m_.confidence).empty()) {
    return Skip(line, "confidence", m_.confidence, status);
  }
  if (m_.proba_field >= 0 && raw_.cell(r, m_.proba_field).empty()) {
    return Skip(line, "probabilities", m_.proba_field, status);
  }

  double confidence = kNaN;
  const bool has_probs = m_.has_probabilities();
  const bool parsed =
      (m_.confidence < 0 ||
       ParseUnit(raw_.cell(r, m_.confidence), m_.confidence, line,
                 m_.pred_source == PredSource::kThreshold ? "a score"
                                                          : "a confidence",
                 &confidence, status)) &&
      (!has_probs || ReadProbabilities(r, line, status));
  if (!parsed) {
    // An empty probability cell skips the row rather than fail it. Looked
    // for only now: an empty cell never parses, so a row whose numbers all
    // parse has none (checking each cell first cost some 40 instructions
    // a row).
    for (int column : m_.proba_columns) {
      if (raw_.cell(r, column).empty()) {
        *status = Status::Ok();
        return Skip(line, "probability", column, status);
      }
    }
    return false;
  }

  const int32_t label_id =
      out_.classes.Intern(label, ClassIndex::RowPosition(row_number, false));
  int32_t pred_id = -1;
  int best = -1;  // probability column of the predicted class
  switch (m_.pred_source) {
    case PredSource::kColumn: {
      // A correct prediction spelled as its label (most rows) is the
      // label's class, interned just before at an earlier position: the
      // lookup would change nothing.
      const std::string_view pred = raw_.cell(r, m_.pred);
      pred_id = pred == label
                    ? label_id
                    : out_.classes.Intern(
                          pred, ClassIndex::RowPosition(row_number, true));
      break;
    }
    case PredSource::kArgmax:
      best = 0;  // ties go to the first column
      for (size_t j = 1; j < probs_.size(); ++j) {
        if (probs_[j] > probs_[best]) best = static_cast<int>(j);
      }
      pred_id = out_.proba_class_ids[best];
      break;
    case PredSource::kThreshold: {
      bool positive = confidence >= m_.threshold;
      if (positive) {
        pred_id = positive_id_;
      } else if (m_.negative || label_id == positive_id_) {
        pred_id = negative_id_;
      } else {
        // Without --negative, "not positive" is the label itself (the
        // problem is binary: the confusion analyzer checks that), or a
        // placeholder it resolves at the end.
        pred_id = label_id;
      }
      confidence = positive ? confidence : 1 - confidence;
      break;
    }
  }
  if (has_probs) {
    double sum = 0;
    for (double p : probs_) sum += p;
    if (std::fabs(sum - 1) > options_.proba_sum_tolerance) {
      out_.proba_sum_off.Add(line);
    }
    if (m_.confidence < 0) {
      // The confidence is the predicted class's probability.
      if (best < 0) {
        for (size_t j = 0; j < probs_.size(); ++j) {
          if (out_.proba_class_ids[j] == pred_id) best = static_cast<int>(j);
        }
      }
      if (best >= 0) {
        confidence = probs_[best];
      } else {
        out_.pred_not_in_probabilities.Add(line);
      }
    }
    out_.probabilities.insert(out_.probabilities.end(), probs_.begin(),
                              probs_.end());
  }
  out_.label.push_back(label_id);
  out_.pred.push_back(pred_id);
  out_.confidence.push_back(confidence);
  out_.row_number.push_back(row_number);
  out_.line.push_back(line);
  const size_t row = out_.label.size() - 1;
  for (size_t f = 0; f < m_.features.size(); ++f) {
    out_.feature_cells[f * out_.feature_stride + row] =
        raw_.cell(r, m_.features[f]);
  }
  if (m_.id >= 0) out_.id_cells.push_back(raw_.cell(r, m_.id));
  return true;
}

bool Decoder::Run(Status* status) {
  if (m_.pred_source == PredSource::kThreshold) {
    // Interned by StartDecode: this finds their ids.
    constexpr int64_t kLast = std::numeric_limits<int64_t>::max();
    positive_id_ = out_.classes.Intern(m_.positive, kLast);
    negative_id_ = m_.negative
                       ? out_.classes.Intern(*m_.negative, kLast)
                       : out_.classes.InternReserved(kNegativePlaceholderKey,
                                                     "(negative)", kLast);
  }
  const size_t rows = raw_.rows();
  assert(out_.label.size() + rows <= out_.feature_stride ||
         m_.features.empty());
  for (size_t r = 0; r < rows; ++r) {
    if (!DecodeRow(r, status)) return false;
  }
  return true;
}

}  // namespace

void StartDecode(const ColumnMapping& m, size_t rows, PredictionBatch* out) {
  out->Clear();
  // Classes named by probability columns exist even when no row uses them.
  const size_t k = m.proba_classes.size();
  for (size_t j = 0; j < k; ++j) {
    out->proba_class_ids.push_back(out->classes.Intern(
        m.proba_classes[j], ClassIndex::ColumnPosition(j, k)));
  }
  if (m.pred_source == PredSource::kThreshold) {
    // Options come after every input spelling in the naming order.
    constexpr int64_t kLast = std::numeric_limits<int64_t>::max();
    out->classes.Intern(m.positive, kLast);
    if (m.negative) {
      out->classes.Intern(*m.negative, kLast);
    } else {
      out->classes.InternReserved(kNegativePlaceholderKey, "(negative)", kLast);
    }
  }
  out->label.reserve(rows);
  out->pred.reserve(rows);
  out->confidence.reserve(rows);
  out->row_number.reserve(rows);
  out->line.reserve(rows);
  if (m.has_probabilities()) out->probabilities.reserve(rows * k);
  out->num_features = m.features.size();
  // Room for every row: skipped rows leave their cells unused at the end
  // of each column.
  out->feature_stride = rows;
  if (out->feature_cells.size() < rows * out->num_features) {
    out->feature_cells.resize(rows * out->num_features);
  }
}

bool DecodeRows(const RawBatch& raw, const ColumnMapping& mapping,
                const std::vector<std::string>& column_names,
                const std::string& source, const DecodeOptions& options,
                PredictionBatch* out, Status* status) {
  return Decoder(raw, mapping, column_names, source, options, out).Run(status);
}

bool DecodeBatch(const RawBatch& raw, const ColumnMapping& mapping,
                 const std::vector<std::string>& column_names,
                 const std::string& source, const DecodeOptions& options,
                 PredictionBatch* out, Status* status) {
  StartDecode(mapping, raw.rows(), out);
  return DecodeRows(raw, mapping, column_names, source, options, out, status);
}

}  // namespace errscope
