#include "analyzers/confusion.h"

#include <algorithm>
#include <fmt/format.h>

#include "errscope/classification_metrics.h"
#include "errscope/text_similarity.h"

namespace errscope {

void to_json(nlohmann::json& j, const ConfusionPartial& p) {
  nlohmann::json classes = nlohmann::json::array();
  for (const ClassInfo& c : p.classes.classes()) {
    classes.push_back({c.key, c.spelling, c.first_seen});
  }
  nlohmann::json cells = nlohmann::json::array();
  for (const auto& [pair, count] : p.counts) {
    cells.push_back({pair.first, pair.second, count});
  }
  j = {{"version", 1}, {"classes", classes}, {"counts", cells}};
}

void from_json(const nlohmann::json& j, ConfusionPartial& p) {
  p = ConfusionPartial();
  for (const nlohmann::json& c : j.at("classes")) {
    ClassInfo info;
    info.key = c.at(0).get<std::string>();
    info.spelling = c.at(1).get<std::string>();
    info.first_seen = c.at(2).get<int64_t>();
    info.numeric = !info.key.empty() && info.key[0] == '#';
    info.value = info.numeric ? std::stod(info.key.substr(1)) : 0;
    p.classes.InternClass(info);
  }
  for (const nlohmann::json& cell : j.at("counts")) {
    p.counts[{cell.at(0).get<int32_t>(), cell.at(1).get<int32_t>()}] =
        cell.at(2).get<int64_t>();
  }
}

namespace {

class ConfusionAnalyzer : public AnalyzerOf<ConfusionPartial> {
 public:
  explicit ConfusionAnalyzer(const AnalyzerSettings& settings)
      : settings_(settings) {}

 protected:
  void AddRows(const PredictionBatch& batch,
               ConfusionPartial* partial) const override {
    std::vector<int32_t> remap = partial->classes.MergeFrom(batch.classes);
    // Count densely per batch (few classes, many rows), then fold in.
    const size_t k = batch.classes.size();
    if (k <= 64) {
      std::vector<int64_t> dense(k * k, 0);
      for (size_t i = 0; i < batch.rows(); ++i) {
        ++dense[static_cast<size_t>(batch.label[i]) * k + batch.pred[i]];
      }
      for (size_t a = 0; a < k; ++a) {
        for (size_t b = 0; b < k; ++b) {
          if (dense[a * k + b] > 0) {
            partial->counts[{remap[a], remap[b]}] += dense[a * k + b];
          }
        }
      }
      return;
    }
    for (size_t i = 0; i < batch.rows(); ++i) {
      ++partial->counts[{remap[batch.label[i]], remap[batch.pred[i]]}];
    }
  }

  void MergeInto(const ConfusionPartial& from,
                 ConfusionPartial* into) const override {
    std::vector<int32_t> remap = into->classes.MergeFrom(from.classes);
    for (const auto& [pair, count] : from.counts) {
      into->counts[{remap[pair.first], remap[pair.second]}] += count;
    }
  }

  Status FinishInto(const ConfusionPartial& partial,
                    Report* report) const override;

 private:
  /// In threshold mode, folds the "not positive" placeholder into the one
  /// other class; fails when the labels are not binary.
  Status ResolveNegativeClass(ConfusionPartial* partial) const;

  AnalyzerSettings settings_;
};

Status ConfusionAnalyzer::ResolveNegativeClass(ConfusionPartial* p) const {
  const int32_t placeholder = p->classes.Find(kNegativePlaceholderKey);
  if (placeholder < 0) return Status::Ok();
  bool numeric = false;
  double value = 0;
  const int32_t positive =
      p->classes.Find(ClassKey(settings_.mapping.positive, &numeric, &value));
  // Classes seen in the data, other than the positive one.
  std::vector<int32_t> used(p->classes.size(), 0);
  for (const auto& [pair, count] : p->counts) {
    used[pair.first] = used[pair.second] = 1;
  }
  std::vector<std::string> others;
  int32_t negative = -1;
  for (size_t id = 0; id < used.size(); ++id) {
    auto i = static_cast<int32_t>(id);
    if (used[id] && i != positive && i != placeholder) {
      others.push_back(p->classes[id].spelling);
      negative = i;
    }
  }
  if (others.size() > 1) {
    return Status::Error(fmt::format(
        "--threshold needs a binary problem, but the labels have {} classes "
        "besides the positive class '{}': {}; name the classes with "
        "--positive and --negative, or give a pred column",
        others.size(), settings_.mapping.positive, QuotedList(others)));
  }
  // Rebuild the index without the placeholder, mapping it to `negative`
  // (or to a class named after the positive one when no other was seen).
  ConfusionPartial resolved;
  std::vector<int32_t> remap(p->classes.size());
  for (size_t id = 0; id < p->classes.size(); ++id) {
    if (static_cast<int32_t>(id) == placeholder) continue;
    remap[id] = resolved.classes.InternClass(p->classes[id]);
  }
  if (negative >= 0) {
    remap[placeholder] = remap[negative];
  } else if (used[placeholder]) {
    remap[placeholder] = resolved.classes.Intern(
        "not " + settings_.mapping.positive, p->classes[placeholder].first_seen);
  }
  for (const auto& [pair, count] : p->counts) {
    resolved.counts[{remap[pair.first], remap[pair.second]}] += count;
  }
  *p = std::move(resolved);
  return Status::Ok();
}

Status ConfusionAnalyzer::FinishInto(const ConfusionPartial& partial,
                                     Report* report) const {
  ConfusionPartial p;
  MergeInto(partial, &p);
  Status status = ResolveNegativeClass(&p);
  if (!status.ok()) return status;

  const std::vector<int32_t> order = p.classes.SortedIds();
  std::vector<Eigen::Index> position(order.size());
  ConfusionSection section;
  for (size_t i = 0; i < order.size(); ++i) {
    position[order[i]] = static_cast<Eigen::Index>(i);
    section.classes.push_back(p.classes[order[i]].spelling);
    section.class_keys.push_back(p.classes[order[i]].key);
  }
  for (const auto& [pair, count] : p.counts) {
    section.cells.push_back({static_cast<int32_t>(position[pair.first]),
                             static_cast<int32_t>(position[pair.second]),
                             count});
  }
  std::sort(section.cells.begin(), section.cells.end(),
            [](const ConfusionCell& a, const ConfusionCell& b) {
              return a.row != b.row ? a.row < b.row : a.col < b.col;
            });
  if (order.size() <= kDenseConfusionLimit) {
    const auto k = static_cast<Eigen::Index>(order.size());
    section.counts = CountMatrix::Zero(k, k);
    for (const ConfusionCell& cell : section.cells) {
      section.counts(cell.row, cell.col) = cell.count;
    }
  }
  ComputeClassificationMetrics(&section);
  section.top_confusions = TopConfusions(section, settings_.options.top_confusions);
  report->confusion = std::move(section);
  return Status::Ok();
}

}  // namespace

std::unique_ptr<Analyzer> MakeConfusionAnalyzer(
    const AnalyzerSettings& settings) {
  return std::make_unique<ConfusionAnalyzer>(settings);
}

}  // namespace errscope
