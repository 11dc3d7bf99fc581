// Row-by-row comparison of two prediction files: the base file's outcomes
// are collected first, then each candidate row is matched to its base row.
#include "analyzers/paired.h"

#include <fmt/format.h>

#include <algorithm>

namespace errscope {

void to_json(nlohmann::json& j, const OutcomesPartial& p) {
  j = {{"version", 1},         {"rows", p.rows},
       {"correct", p.correct}, {"label", p.label},
       {"label_keys", p.label_keys}, {"keys", p.keys},
       {"key_ends", p.key_ends}};
}

void from_json(const nlohmann::json& j, OutcomesPartial& p) {
  j.at("rows").get_to(p.rows);
  j.at("correct").get_to(p.correct);
  j.at("label").get_to(p.label);
  j.at("label_keys").get_to(p.label_keys);
  j.at("keys").get_to(p.keys);
  j.at("key_ends").get_to(p.key_ends);
}

void to_json(nlohmann::json& j, const PairedPartial& p) {
  std::vector<uint32_t> matched = p.matched;
  for (size_t i = 0; i < p.seen.size(); ++i) {
    if (p.seen[i]) matched.push_back(static_cast<uint32_t>(i));
  }
  std::sort(matched.begin(), matched.end());
  j = {{"version", 1},
       {"both_right", p.both_right},
       {"both_wrong", p.both_wrong},
       {"newly_wrong", p.newly_wrong},
       {"newly_right", p.newly_right},
       {"unmatched", p.unmatched},
       {"label_mismatch", p.label_mismatch},
       {"first_mismatch_rows", p.first_mismatch_rows},
       {"matched", matched},
       {"duplicates", p.duplicates},
       {"first_duplicate", p.first_duplicate}};
  TopErrorsPartial rows;
  rows.rows = p.newly_wrong_rows;
  j["newly_wrong_rows"] = rows;
}

void from_json(const nlohmann::json& j, PairedPartial& p) {
  j.at("both_right").get_to(p.both_right);
  j.at("both_wrong").get_to(p.both_wrong);
  j.at("newly_wrong").get_to(p.newly_wrong);
  j.at("newly_right").get_to(p.newly_right);
  j.at("unmatched").get_to(p.unmatched);
  j.at("label_mismatch").get_to(p.label_mismatch);
  j.at("first_mismatch_rows").get_to(p.first_mismatch_rows);
  j.at("matched").get_to(p.matched);
  p.seen.clear();
  j.at("duplicates").get_to(p.duplicates);
  j.at("first_duplicate").get_to(p.first_duplicate);
  TopErrorsPartial rows;
  j.at("newly_wrong_rows").get_to(rows);
  p.newly_wrong_rows = std::move(rows.rows);
}

namespace {

class OutcomesAnalyzer : public AnalyzerOf<OutcomesPartial> {
 public:
  explicit OutcomesAnalyzer(JoinBy join) : join_(join) {}

 protected:
  void AddRows(const PredictionBatch& batch, OutcomesPartial* p) const override {
    // Class ids are local to the batch: map them to this partial's keys.
    std::vector<int64_t> local(batch.classes.size(), -1);
    for (size_t r = 0; r < batch.rows(); ++r) {
      const int32_t id = batch.label[r];
      if (local[id] < 0) local[id] = LabelIndex(batch.classes[id].key, p);
      p->rows.push_back(batch.row_number[r]);
      p->correct.push_back(batch.correct(r) ? 1 : 0);
      p->label.push_back(static_cast<uint32_t>(local[id]));
      if (join_ == JoinBy::kKey) {
        p->keys.append(batch.id_cells[r]);
        p->key_ends.push_back(static_cast<uint32_t>(p->keys.size()));
      }
    }
  }

  void MergeInto(const OutcomesPartial& from, OutcomesPartial* into) const override {
    std::vector<uint32_t> remap(from.label_keys.size());
    for (size_t i = 0; i < from.label_keys.size(); ++i) {
      remap[i] = LabelIndex(from.label_keys[i], into);
    }
    into->rows.insert(into->rows.end(), from.rows.begin(), from.rows.end());
    into->correct.insert(into->correct.end(), from.correct.begin(),
                         from.correct.end());
    for (uint32_t l : from.label) into->label.push_back(remap[l]);
    const auto offset = static_cast<uint32_t>(into->keys.size());
    into->keys += from.keys;
    for (uint32_t end : from.key_ends) into->key_ends.push_back(end + offset);
  }

  Status FinishInto(const OutcomesPartial&, Report*) const override {
    return Status::Ok();
  }

 private:
  static uint32_t LabelIndex(const std::string& key, OutcomesPartial* p) {
    for (size_t i = 0; i < p->label_keys.size(); ++i) {
      if (p->label_keys[i] == key) return static_cast<uint32_t>(i);
    }
    p->label_keys.push_back(key);
    return static_cast<uint32_t>(p->label_keys.size() - 1);
  }

  JoinBy join_;
};

constexpr size_t kExampleRows = 5;

class PairedAnalyzer : public AnalyzerOf<PairedPartial> {
 public:
  PairedAnalyzer(const BaseOutcomes* base, JoinBy join, size_t top)
      : base_(*base), join_(join), top_(top) {}

 protected:
  void AddRows(const PredictionBatch& batch, PairedPartial* p) const override {
    for (size_t r = 0; r < batch.rows(); ++r) {
      const std::string_view key =
          join_ == JoinBy::kKey ? batch.id_cells[r] : std::string_view();
      const int64_t i = base_.Find(key, batch.row_number[r]);
      if (i < 0) {
        ++p->unmatched;
        continue;
      }
      const auto index = static_cast<size_t>(i);
      p->matched.push_back(static_cast<uint32_t>(index));
      if (base_.label_key(index) != batch.classes[batch.label[r]].key) {
        ++p->label_mismatch;
        if (p->first_mismatch_rows.size() < kExampleRows) {
          p->first_mismatch_rows.push_back(batch.row_number[r]);
        }
      }
      const bool was_right = base_.correct(index);
      const bool is_right = batch.correct(r);
      if (was_right && is_right) ++p->both_right;
      if (!was_right && !is_right) ++p->both_wrong;
      if (!was_right && is_right) ++p->newly_right;
      if (was_right && !is_right) {
        ++p->newly_wrong;
        OfferErrorRow(batch, r, top_, &p->newly_wrong_rows);
      }
    }
  }

  void MergeInto(const PairedPartial& from, PairedPartial* into) const override {
    into->both_right += from.both_right;
    into->both_wrong += from.both_wrong;
    into->newly_wrong += from.newly_wrong;
    into->newly_right += from.newly_right;
    into->unmatched += from.unmatched;
    into->label_mismatch += from.label_mismatch;
    into->first_mismatch_rows.insert(into->first_mismatch_rows.end(),
                                     from.first_mismatch_rows.begin(),
                                     from.first_mismatch_rows.end());
    std::sort(into->first_mismatch_rows.begin(),
              into->first_mismatch_rows.end());
    if (into->first_mismatch_rows.size() > kExampleRows) {
      into->first_mismatch_rows.resize(kExampleRows);
    }
    // A merged partial keeps one bit per base row: a base row matched twice
    // means a candidate key used twice.
    if (into->seen.empty()) into->seen.assign(base_.size(), false);
    auto mark = [&](uint32_t index) {
      if (into->seen[index]) {
        ++into->duplicates;
        if (into->first_duplicate < 0 || index < into->first_duplicate) {
          into->first_duplicate = index;
        }
      }
      into->seen[index] = true;
    };
    for (uint32_t index : into->matched) mark(index);
    into->matched.clear();
    for (uint32_t index : from.matched) mark(index);
    for (size_t i = 0; i < from.seen.size(); ++i) {
      if (from.seen[i]) mark(static_cast<uint32_t>(i));
    }
    into->duplicates += from.duplicates;
    if (from.first_duplicate >= 0 &&
        (into->first_duplicate < 0 || from.first_duplicate < into->first_duplicate)) {
      into->first_duplicate = from.first_duplicate;
    }
    into->newly_wrong_rows.insert(into->newly_wrong_rows.end(),
                                  from.newly_wrong_rows.begin(),
                                  from.newly_wrong_rows.end());
    KeepBestErrors(top_, &into->newly_wrong_rows);
  }

  Status FinishInto(const PairedPartial&, Report*) const override {
    return Status::Ok();
  }

 private:
  const BaseOutcomes& base_;
  JoinBy join_;
  size_t top_;
};

}  // namespace

std::unique_ptr<Analyzer> MakeOutcomesAnalyzer(const AnalyzerSettings&,
                                               JoinBy join) {
  return std::make_unique<OutcomesAnalyzer>(join);
}

std::unique_ptr<Analyzer> MakePairedAnalyzer(const AnalyzerSettings&,
                                             const BaseOutcomes* base,
                                             JoinBy join, size_t top) {
  return std::make_unique<PairedAnalyzer>(base, join, top);
}

std::string_view BaseOutcomes::key(size_t i) const {
  const uint32_t begin = i == 0 ? 0 : outcomes_.key_ends[i - 1];
  return std::string_view(outcomes_.keys)
      .substr(begin, outcomes_.key_ends[i] - begin);
}

Status BaseOutcomes::Build(OutcomesPartial p, JoinBy join,
                           const std::string& source, BaseOutcomes* out) {
  out->outcomes_ = std::move(p);
  out->join_ = join;
  const OutcomesPartial& o = out->outcomes_;
  if (join == JoinBy::kRowNumber) {
    int64_t last = 0;
    for (int64_t row : o.rows) last = std::max(last, row);
    out->by_row_.assign(static_cast<size_t>(last) + 1, -1);
    for (size_t i = 0; i < o.rows.size(); ++i) {
      out->by_row_[static_cast<size_t>(o.rows[i])] = static_cast<int64_t>(i);
    }
    return Status::Ok();
  }
  for (size_t i = 0; i < o.rows.size(); ++i) {
    const std::string_view k = out->key(i);
    if (const uint32_t* first = out->by_key_.Find(k)) {
      return Status::Error(fmt::format(
          "{}: the key {} is in data rows {} and {}: --key must name a column "
          "that identifies each example",
          source, QuoteForMessage(k), o.rows[*first], o.rows[i]));
    }
    out->by_key_.Insert(k, static_cast<uint32_t>(i));
  }
  return Status::Ok();
}

int64_t BaseOutcomes::Find(std::string_view key, int64_t row) const {
  if (join_ == JoinBy::kRowNumber) {
    if (row < 0 || static_cast<size_t>(row) >= by_row_.size()) return -1;
    return by_row_[static_cast<size_t>(row)];
  }
  const uint32_t* i = by_key_.Find(key);
  return i == nullptr ? -1 : static_cast<int64_t>(*i);
}

}  // namespace errscope
