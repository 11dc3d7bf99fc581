// A candidate report against a baseline report: which differences are
// regressions, which are improvements and which are noise. Only counts
// written in both reports are used, so a baseline can be any report saved
// earlier by `analyze --format json`.
#include "errscope/baseline.h"

#include <fmt/format.h>

#include <cmath>
#include <map>

#include "errscope/gates.h"
#include "errscope/significance.h"
#include "errscope/writers.h"

namespace errscope {

const char* VerdictText(Verdict v) {
  switch (v) {
    case Verdict::kRegression: return "regression";
    case Verdict::kImprovement: return "improvement";
    case Verdict::kUnchanged: return "unchanged";
    case Verdict::kNotTested: return "not tested";
  }
  return "?";
}

namespace {

using nlohmann::json;

int64_t Count(const json& object, const char* key) {
  return object.at(key).get<int64_t>();
}

/// A proportion count / total, compared with a two-proportion test.
MetricComparison Proportion(std::string metric, std::string kind,
                            int64_t base_count, int64_t base_total,
                            int64_t cand_count, int64_t cand_total,
                            bool higher_is_better) {
  MetricComparison c;
  c.metric = std::move(metric);
  c.kind = std::move(kind);
  c.higher_is_better = higher_is_better;
  auto rate = [](int64_t count, int64_t total) {
    return total > 0 ? static_cast<double>(count) / static_cast<double>(total)
                     : 0.0;
  };
  c.baseline = rate(base_count, base_total);
  c.candidate = rate(cand_count, cand_total);
  c.delta = c.candidate - c.baseline;
  c.baseline_count = base_count;
  c.baseline_total = base_total;
  c.candidate_count = cand_count;
  c.candidate_total = cand_total;
  c.p_value = TwoProportionZTest(base_count, base_total, cand_count, cand_total);
  return c;
}

/// The number at `pointer`, or nothing (absent, null, a missing section).
std::optional<double> NumberAt(const json& report, const char* pointer) {
  const json::json_pointer p(pointer);
  if (!report.contains(p) || !report.at(p).is_number()) return std::nullopt;
  return report.at(p).get<double>();
}

/// A metric that is not a proportion: its delta, never a verdict.
void AddUntested(const json& base, const json& cand, const char* pointer,
                 const char* metric, bool higher_is_better,
                 std::vector<MetricComparison>* out) {
  const std::optional<double> b = NumberAt(base, pointer);
  const std::optional<double> c = NumberAt(cand, pointer);
  if (!b || !c) return;
  MetricComparison m;
  m.metric = metric;
  m.kind = "headline";
  m.baseline = *b;
  m.candidate = *c;
  m.delta = *c - *b;
  m.higher_is_better = higher_is_better;
  out->push_back(std::move(m));
}

/// Per class: label -> (tp, support, predicted).
struct ClassCounts {
  int64_t tp, support, predicted;
};
std::map<std::string, ClassCounts> ClassesOf(const json& report) {
  std::map<std::string, ClassCounts> out;
  for (const json& c : report.at("per_class")) {
    out[c.at("label").get<std::string>()] = {Count(c, "tp"), Count(c, "support"),
                                             Count(c, "predicted")};
  }
  return out;
}

/// Balanced accuracy = the mean of the K recalls; each recall's variance
/// under "no change" is the pooled binomial one, so the difference has
/// variance sum_k r_k (1 - r_k) (1/n_k + 1/m_k) / K^2.
std::optional<MetricComparison> BalancedAccuracy(
    const std::map<std::string, ClassCounts>& base,
    const std::map<std::string, ClassCounts>& cand) {
  if (base.size() != cand.size() || base.empty()) return std::nullopt;
  double b_sum = 0, c_sum = 0, variance = 0;
  size_t classes = 0;
  for (const auto& [label, b] : base) {
    auto it = cand.find(label);
    if (it == cand.end()) return std::nullopt;
    const ClassCounts& c = it->second;
    // scikit-learn leaves a class without support out of the mean.
    if (b.support == 0 && c.support == 0) continue;
    if (b.support == 0 || c.support == 0) return std::nullopt;
    ++classes;
    const double n = static_cast<double>(b.support);
    const double m = static_cast<double>(c.support);
    b_sum += static_cast<double>(b.tp) / n;
    c_sum += static_cast<double>(c.tp) / m;
    const double pooled = static_cast<double>(b.tp + c.tp) / (n + m);
    variance += pooled * (1 - pooled) * (1 / n + 1 / m);
  }
  if (classes == 0) return std::nullopt;
  const double k = static_cast<double>(classes);
  MetricComparison m;
  m.metric = "balanced_accuracy";
  m.kind = "headline";
  m.baseline = b_sum / k;
  m.candidate = c_sum / k;
  m.delta = m.candidate - m.baseline;
  variance /= k * k;
  m.p_value = variance > 0 ? TwoSidedNormalP(m.delta / std::sqrt(variance))
                           : 1.0;
  return m;
}

/// Slice groups by "feature=label", without "(other)".
std::map<std::string, const json*> GroupsOf(const json& report) {
  std::map<std::string, const json*> out;
  if (!report.contains("slices")) return out;
  for (const json& f : report.at("slices")) {
    const std::vector<std::string> labels = SliceGroupLabels(f);
    for (size_t i = 0; i < labels.size(); ++i) {
      const json& g = f.at("groups")[i];
      if (g.value("other", false)) continue;
      out[fmt::format("{}={}", f.at("feature").get<std::string>(), labels[i])] =
          &g;
    }
  }
  return out;
}

/// The rule path naming a class or group key: quoted when a bare key would
/// end early.
std::string KeyPath(const std::string& name, const std::string& key,
                    const std::string& field = "") {
  Rule probe;
  const std::string suffix = field.empty() ? "" : "." + field;
  std::string bare = name + "[" + key + "]" + suffix;
  if (ParseRule(bare + " >= 0", &probe).ok() && probe.path.size() == (field.empty() ? 1u : 2u) &&
      probe.path[0].key == key) {
    return bare;
  }
  std::string quoted;
  for (char ch : key) {
    if (ch == '"' || ch == '\\') quoted += '\\';
    quoted += ch;
  }
  return name + "[\"" + quoted + "\"]" + suffix;
}

}  // namespace

Status CheckReportDocument(const json& report, const std::string& source) {
  if (!report.is_object() || !report.contains("schema_version") ||
      !report.contains("per_class") || !report.contains("summary")) {
    return Status::Error(fmt::format(
        "{}: not an errscope JSON report (write one with 'errscope analyze "
        "FILE --format json -o {}')",
        source, source));
  }
  const json& version = report.at("schema_version");
  if (!version.is_number_integer() ||
      version.get<int64_t>() != kReportSchemaVersion) {
    return Status::Error(fmt::format(
        "{}: report schema_version {} is not one this errscope reads ({})",
        source, version.dump(), kReportSchemaVersion));
  }
  return Status::Ok();
}

Status CompareWithBaseline(const json& baseline, const json& candidate,
                           const BaselineOptions& options,
                           BaselineResult* result) {
  *result = BaselineResult();
  std::vector<MetricComparison>& out = result->comparisons;
  try {
    const json& bs = baseline.at("summary");
    const json& cs = candidate.at("summary");
    out.push_back(Proportion("accuracy", "headline", Count(bs, "correct"),
                             Count(bs, "rows"), Count(cs, "correct"),
                             Count(cs, "rows"), true));
    const auto base_classes = ClassesOf(baseline);
    const auto cand_classes = ClassesOf(candidate);
    if (auto m = BalancedAccuracy(base_classes, cand_classes)) {
      out.push_back(*m);
    }
    AddUntested(baseline, candidate, "/averages/macro/f1", "macro.f1", true,
                &out);
    AddUntested(baseline, candidate, "/averages/weighted/f1", "weighted.f1",
                true, &out);
    AddUntested(baseline, candidate, "/metrics/cohen_kappa", "cohen_kappa",
                true, &out);
    AddUntested(baseline, candidate, "/metrics/mcc", "mcc", true, &out);
    AddUntested(baseline, candidate, "/calibration/ece", "ece", false, &out);
    AddUntested(baseline, candidate, "/calibration/brier", "brier", false,
                &out);
    AddUntested(baseline, candidate, "/calibration/log_loss", "log_loss",
                false, &out);

    for (const auto& [label, b] : base_classes) {
      auto it = cand_classes.find(label);
      if (it == cand_classes.end()) {
        result->only_in_baseline.push_back("class " + label);
        continue;
      }
      const ClassCounts& c = it->second;
      out.push_back(Proportion(KeyPath("recall", label), "class", b.tp,
                               b.support, c.tp, c.support, true));
      out.push_back(Proportion(KeyPath("precision", label), "class", b.tp,
                               b.predicted, c.tp, c.predicted, true));
    }
    for (const auto& [label, c] : cand_classes) {
      if (!base_classes.count(label)) {
        result->only_in_candidate.push_back("class " + label);
      }
    }

    const auto base_groups = GroupsOf(baseline);
    const auto cand_groups = GroupsOf(candidate);
    for (const auto& [key, b] : base_groups) {
      auto it = cand_groups.find(key);
      if (it == cand_groups.end()) {
        result->only_in_baseline.push_back("slice " + key);
        continue;
      }
      const json& c = *it->second;
      out.push_back(Proportion(KeyPath("slice", key, "error_rate"), "slice",
                               Count(*b, "errors"), Count(*b, "rows"),
                               Count(c, "errors"), Count(c, "rows"), false));
    }
    for (const auto& [key, c] : cand_groups) {
      if (!base_groups.count(key)) {
        result->only_in_candidate.push_back("slice " + key);
      }
    }
  } catch (const json::exception& e) {
    return Status::Error(std::string("the reports cannot be compared: ") +
                         e.what());
  }

  // One family: every comparison with a p-value.
  std::vector<double> p_values;
  for (const MetricComparison& c : out) {
    if (!c.p_value) continue;
    if (std::isnan(*c.p_value)) {  // a count above its total, or negative
      return Status::Error(fmt::format(
          "the reports cannot be compared: inconsistent counts for {}",
          c.metric));
    }
    p_values.push_back(*c.p_value);
  }
  const std::vector<double> adjusted = HolmAdjust(p_values);
  size_t i = 0;
  for (MetricComparison& c : out) {
    if (!c.p_value) continue;
    c.adjusted_p_value = adjusted[i++];
    const double better = c.higher_is_better ? c.delta : -c.delta;
    const bool significant = *c.adjusted_p_value <= options.alpha;
    if (significant && better < -options.tolerance) {
      c.verdict = Verdict::kRegression;
      ++result->regressions;
    } else if (significant && better > options.tolerance) {
      c.verdict = Verdict::kImprovement;
      ++result->improvements;
    } else {
      c.verdict = Verdict::kUnchanged;
    }
  }
  result->tests = static_cast<int>(p_values.size());
  return Status::Ok();
}

}  // namespace errscope
