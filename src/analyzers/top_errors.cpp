// The most confident errors: a bounded "top N" kept per partial, merged by
// (confidence descending, row ascending) so that ties keep input order.
#include "analyzers/top_errors.h"

#include <algorithm>
#include <cmath>

namespace errscope {

void to_json(nlohmann::json& j, const TopErrorsPartial& p) {
  nlohmann::json rows = nlohmann::json::array();
  for (const ErrorCandidate& c : p.rows) {
    nlohmann::json confidence;  // null for NaN
    if (!std::isnan(c.confidence)) confidence = c.confidence;
    nlohmann::json features = nlohmann::json::array();
    for (const auto& cell : c.features) {
      features.push_back(cell ? nlohmann::json(*cell) : nlohmann::json());
    }
    nlohmann::json row = {{"confidence", confidence}, {"row", c.row},
                          {"line", c.line}, {"label_key", c.label_key},
                          {"label", c.label}, {"pred_key", c.pred_key},
                          {"pred", c.pred}, {"features", features}};
    row["id"] = c.id ? nlohmann::json(*c.id) : nlohmann::json();
    rows.push_back(std::move(row));
  }
  j = {{"version", 1}, {"rows", rows}};
}

void from_json(const nlohmann::json& j, TopErrorsPartial& p) {
  p.rows.clear();
  for (const nlohmann::json& r : j.at("rows")) {
    ErrorCandidate c;
    const nlohmann::json& confidence = r.at("confidence");
    c.confidence = confidence.is_null() ? std::nan("") : confidence.get<double>();
    r.at("row").get_to(c.row);
    r.at("line").get_to(c.line);
    if (!r.at("id").is_null()) c.id = r.at("id").get<std::string>();
    r.at("label_key").get_to(c.label_key);
    r.at("label").get_to(c.label);
    r.at("pred_key").get_to(c.pred_key);
    r.at("pred").get_to(c.pred);
    for (const nlohmann::json& cell : r.at("features")) {
      if (cell.is_null()) {
        c.features.emplace_back();
      } else {
        c.features.emplace_back(cell.get<std::string>());
      }
    }
    p.rows.push_back(std::move(c));
  }
}

bool ErrorComesFirst(const ErrorCandidate& a, const ErrorCandidate& b) {
  const bool a_known = !std::isnan(a.confidence);
  const bool b_known = !std::isnan(b.confidence);
  if (a_known != b_known) return a_known;
  if (a_known && a.confidence != b.confidence) return a.confidence > b.confidence;
  return a.row < b.row;
}

namespace {

ErrorCandidate MakeCandidate(const PredictionBatch& batch, size_t r) {
  ErrorCandidate c;
  c.confidence = batch.confidence[r];
  c.row = batch.row_number[r];
  c.line = batch.line[r];
  if (!batch.id_cells.empty()) c.id = std::string(batch.id_cells[r]);
  const ClassInfo& label = batch.classes[batch.label[r]];
  const ClassInfo& pred = batch.classes[batch.pred[r]];
  c.label_key = label.key;
  c.label = label.spelling;
  c.pred_key = pred.key;
  c.pred = pred.spelling;
  for (size_t f = 0; f < batch.num_features; ++f) {
    std::string_view cell = batch.feature(r, f);
    if (cell.empty()) {
      c.features.emplace_back();
    } else {
      c.features.emplace_back(std::string(cell));
    }
  }
  return c;
}

}  // namespace

void OfferErrorRow(const PredictionBatch& batch, size_t r, size_t n,
                   std::vector<ErrorCandidate>* rows) {
  if (n == 0) return;
  // Cheap rejection once full: only a better row can get in.
  ErrorCandidate probe;
  probe.confidence = batch.confidence[r];
  probe.row = batch.row_number[r];
  if (rows->size() >= n && !ErrorComesFirst(probe, rows->back())) return;
  // Rows stay sorted: insert in place, drop the worst.
  auto at = std::upper_bound(rows->begin(), rows->end(), probe, ErrorComesFirst);
  rows->insert(at, MakeCandidate(batch, r));
  if (rows->size() > n) rows->pop_back();
}

ErrorRow ToErrorRow(const ErrorCandidate& c, const AnalyzerSettings& settings,
                    std::string label, std::string pred) {
  ErrorRow e;
  e.row = c.row;
  e.line = c.line;
  e.id = c.id;
  e.label = std::move(label);
  e.pred = std::move(pred);
  if (!std::isnan(c.confidence)) e.confidence = c.confidence;
  for (size_t f = 0; f < c.features.size(); ++f) {
    e.features.emplace_back(
        settings.column_names[settings.mapping.features[f]], c.features[f]);
  }
  return e;
}

void KeepBestErrors(size_t n, std::vector<ErrorCandidate>* rows) {
  std::sort(rows->begin(), rows->end(), ErrorComesFirst);
  if (rows->size() > n) rows->resize(n);
}

namespace {

class TopErrorsAnalyzer : public AnalyzerOf<TopErrorsPartial> {
 public:
  explicit TopErrorsAnalyzer(const AnalyzerSettings& settings)
      : settings_(settings) {}

 protected:
  void AddRows(const PredictionBatch& batch,
               TopErrorsPartial* partial) const override {
    for (size_t r = 0; r < batch.rows(); ++r) {
      if (batch.correct(r)) continue;
      OfferErrorRow(batch, r, settings_.options.top_errors, &partial->rows);
    }
  }

  void MergeInto(const TopErrorsPartial& from,
                 TopErrorsPartial* into) const override {
    into->rows.insert(into->rows.end(), from.rows.begin(), from.rows.end());
    Trim(into);
  }

  Status FinishInto(const TopErrorsPartial& partial,
                    Report* report) const override;

 private:
  void Trim(TopErrorsPartial* p) const {
    KeepBestErrors(settings_.options.top_errors, &p->rows);
  }

  /// The report's spelling of a class (its first spelling in the whole
  /// input), found by identity key; the row's own spelling otherwise.
  std::string Spell(const ConfusionSection* confusion, const std::string& key,
                    const std::string& fallback) const;

  AnalyzerSettings settings_;
};

std::string TopErrorsAnalyzer::Spell(const ConfusionSection* confusion,
                                     const std::string& key,
                                     const std::string& fallback) const {
  if (confusion == nullptr) return fallback;
  const std::vector<std::string>& keys = confusion->class_keys;
  if (key == kNegativePlaceholderKey) {
    // Threshold mode: "not positive" became the one class that is not the
    // positive one.
    bool numeric = false;
    double value = 0;
    const std::string positive = ClassKey(settings_.mapping.positive, &numeric, &value);
    for (size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] != positive) return confusion->classes[i];
    }
    return fallback;
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) return confusion->classes[i];
  }
  return fallback;
}

Status TopErrorsAnalyzer::FinishInto(const TopErrorsPartial& partial,
                                     Report* report) const {
  TopErrorsPartial p;
  MergeInto(partial, &p);
  const ConfusionSection* confusion =
      report->confusion ? &*report->confusion : nullptr;
  std::vector<ErrorRow> rows;
  for (const ErrorCandidate& c : p.rows) {
    rows.push_back(ToErrorRow(c, settings_, Spell(confusion, c.label_key, c.label),
                              Spell(confusion, c.pred_key, c.pred)));
  }
  report->top_errors = std::move(rows);
  return Status::Ok();
}

}  // namespace

std::unique_ptr<Analyzer> MakeTopErrorsAnalyzer(const AnalyzerSettings& settings) {
  return std::make_unique<TopErrorsAnalyzer>(settings);
}

}  // namespace errscope
