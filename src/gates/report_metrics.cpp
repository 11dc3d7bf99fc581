// Metric paths over a JSON report: what `errscope check` rules can name.
// The report is read as JSON (not as the Report struct) so that a rule means
// the same on a report written now and on one written earlier by
// `analyze --format json`.
#include <fmt/format.h>

#include <cmath>

#include "errscope/class_index.h"
#include "errscope/gates.h"
#include "errscope/text_similarity.h"
#include "report/text_table.h"

namespace errscope {
namespace {

using nlohmann::json;

/// A metric with one value: its name, where it lives in the report and the
/// section that must be there.
struct ScalarMetric {
  const char* name;
  const char* section;  ///< Top-level key of the report.
  const char* key;      ///< Within the section.
  const char* missing;  ///< Why the section can be absent.
};

constexpr const char* kNoConfidence =
    "the report has no calibration: the input has no confidence column (see "
    "--confidence-column and the probability options)";

constexpr ScalarMetric kScalars[] = {
    {"accuracy", "metrics", "accuracy", nullptr},
    {"balanced_accuracy", "metrics", "balanced_accuracy", nullptr},
    {"cohen_kappa", "metrics", "cohen_kappa", nullptr},
    {"kappa", "metrics", "cohen_kappa", nullptr},
    {"mcc", "metrics", "mcc", nullptr},
    {"error_rate", "summary", "error_rate", nullptr},
    {"rows", "summary", "rows", nullptr},
    {"errors", "summary", "errors", nullptr},
    {"correct", "summary", "correct", nullptr},
    {"rows_skipped", "input", "rows_skipped", nullptr},
    {"ece", "calibration", "ece", kNoConfidence},
    {"mce", "calibration", "mce", kNoConfidence},
    {"brier", "calibration", "brier",
     "the report has no Brier score: it needs probability columns or a score"},
    {"log_loss", "calibration", "log_loss",
     "the report has no log loss: it needs probability columns or a score"},
    {"high_confidence_errors", "confidence_summary", "high_confidence_errors",
     kNoConfidence},
    {"high_confidence_error_share", "confidence_summary",
     "high_confidence_error_share", kNoConfidence},
    {"low_confidence_correct", "confidence_summary", "low_confidence_correct",
     kNoConfidence},
    {"low_confidence_correct_share", "confidence_summary",
     "low_confidence_correct_share", kNoConfidence},
};

constexpr const char* kAverages[] = {"macro", "weighted", "micro"};
constexpr const char* kAverageFields[] = {"precision", "recall", "f1"};
constexpr const char* kClassFields[] = {"precision", "recall", "f1",
                                        "support",   "predicted", "tp",
                                        "fp",        "fn",        "tn"};
constexpr const char* kGroupFields[] = {"error_rate", "rows", "errors", "lift",
                                        "excess_errors"};
constexpr const char* kSliceAggregates[] = {"max_error_rate", "max_lift",
                                            "significant"};

template <size_t N>
std::vector<std::string> Names(const char* const (&a)[N]) {
  return {a, a + N};
}

/// Every metric path a rule can use, as a help list.
std::vector<std::string> AllMetricForms() {
  std::vector<std::string> out;
  for (const ScalarMetric& m : kScalars) out.push_back(m.name);
  for (const char* a : kAverages) {
    for (const char* f : kAverageFields) out.push_back(fmt::format("{}.{}", a, f));
  }
  for (const char* f : kClassFields) out.push_back(fmt::format("{}[CLASS]", f));
  for (const char* f : kGroupFields) {
    out.push_back(fmt::format("slice[FEATURE=VALUE].{}", f));
  }
  for (const char* f : kSliceAggregates) out.push_back(fmt::format("slices.{}", f));
  return out;
}

Status Unknown(std::string_view what, std::string_view name,
               const std::vector<std::string>& known,
               std::string_view list_heading) {
  std::string message = fmt::format("unknown {} '{}'", what, name);
  const std::vector<std::string> close = ClosestMatches(name, known);
  if (!close.empty()) message += fmt::format("; did you mean {}?", QuotedList(close));
  std::string list;
  for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
  message += fmt::format("\n{}: {}", list_heading, list);
  return Status::Error(message);
}

Status UnknownMetric(std::string_view name) {
  return Unknown("metric", name, AllMetricForms(),
                 "metrics (docs/gates.md)");
}

/// A JSON number or null as an optional double.
std::optional<double> NumberOrUndefined(const json& v) {
  if (v.is_number()) return v.get<double>();
  return std::nullopt;
}

bool IsOneOf(std::string_view name, std::initializer_list<std::string_view> set) {
  for (std::string_view s : set) {
    if (s == name) return true;
  }
  return false;
}

/// The per-class entry labelled `label` (numeric labels by value, as
/// classes are identified: "1.0" finds class "1").
const json* FindClass(const json& report, const std::string& label) {
  const json& classes = report.at("per_class");
  for (const json& c : classes) {
    if (c.at("label").get_ref<const std::string&>() == label) return &c;
  }
  bool numeric = false;
  double value = 0;
  const std::string key = ClassKey(label, &numeric, &value);
  if (!numeric) return nullptr;
  for (const json& c : classes) {
    if (ClassKey(c.at("label").get_ref<const std::string&>(), &numeric,
                 &value) == key) {
      return &c;
    }
  }
  return nullptr;
}

Status LookUpClass(const json& report, const PathSegment& s, MetricValue* out) {
  if (!report.contains("per_class")) {
    return Status::Error("the report has no per-class metrics");
  }
  const json* c = FindClass(report, *s.key);
  if (c == nullptr) {
    std::vector<std::string> labels;
    for (const json& k : report.at("per_class")) labels.push_back(k.at("label"));
    return Unknown("class", *s.key, labels, "classes");
  }
  out->value = NumberOrUndefined(c->at(s.name));
  return Status::Ok();
}

/// Without feature columns "slices" is an empty array.
bool HasSlices(const json& report) {
  return report.contains("slices") && report.at("slices").is_array() &&
         !report.at("slices").empty();
}

/// Removes blanks, so that "[17,26)" names the bin "[17, 26)".
std::string WithoutBlanks(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '\t') out.push_back(c);
  }
  return out;
}

Status LookUpGroup(const json& report, const std::string& key,
                   const std::vector<PathSegment>& path, MetricValue* out) {
  const std::string& field = path[1].name;  // checked by CheckMetricName
  const size_t eq = key.find('=');
  const std::string feature = key.substr(0, eq);
  const std::string value = key.substr(eq + 1);
  if (!HasSlices(report)) {
    return Status::Error(
        "the report has no slices: the input has no feature columns");
  }
  std::vector<std::string> features;
  for (const json& f : report.at("slices")) {
    features.push_back(f.at("feature"));
    if (f.at("feature") != feature) continue;
    const std::vector<std::string> labels = SliceGroupLabels(f);
    for (size_t i = 0; i < labels.size(); ++i) {
      if (labels[i] == value || WithoutBlanks(labels[i]) == WithoutBlanks(value)) {
        out->value = NumberOrUndefined(f.at("groups")[i].at(field));
        return Status::Ok();
      }
    }
    return Unknown(fmt::format("group of feature '{}':", feature), value,
                   labels, "groups");
  }
  return Unknown("feature", feature, features, "features");
}

/// slices.max_error_rate, slices.max_lift: over the groups with at least
/// min_rows rows (the smaller ones are shown, never significant);
/// slices.significant: how many groups are significant.
Status LookUpSliceAggregate(const json& report, const PathSegment& s,
                            MetricValue* out) {
  if (!HasSlices(report)) {
    return Status::Error(
        "the report has no slices: the input has no feature columns");
  }
  int64_t min_rows = 0;
  if (report.contains("slices_settings")) {
    min_rows = report.at("slices_settings").value("min_rows", int64_t{0});
  }
  int64_t significant = 0;
  for (const json& f : report.at("slices")) {
    const std::vector<std::string> labels = SliceGroupLabels(f);
    for (size_t i = 0; i < labels.size(); ++i) {
      const json& g = f.at("groups")[i];
      if (g.at("significant").get<bool>()) ++significant;
      if (g.at("rows").get<int64_t>() < std::max<int64_t>(min_rows, 1)) continue;
      const json& v = g.at(s.name == "max_lift" ? "lift" : "error_rate");
      if (!v.is_number()) continue;
      if (!out->value || v.get<double>() > *out->value) {
        out->value = v.get<double>();
        out->where =
            fmt::format("{}={}", f.at("feature").get<std::string>(), labels[i]);
      }
    }
  }
  if (s.name == "significant") {
    out->value = static_cast<double>(significant);
    out->where.clear();
  }
  return Status::Ok();
}

}  // namespace

std::vector<std::string> SliceGroupLabels(const json& feature) {
  const json& groups = feature.at("groups");
  // Bins come before the missing group; the last bin includes its hi.
  size_t last_bin = groups.size();
  for (size_t i = 0; i < groups.size(); ++i) {
    if (groups[i].contains("lo") && groups[i].at("lo").is_number()) last_bin = i;
  }
  std::vector<std::string> labels;
  for (size_t i = 0; i < groups.size(); ++i) {
    const json& g = groups[i];
    if (g.value("missing", false)) {
      labels.push_back("(missing)");
    } else if (g.contains("value") && g.at("value").is_string()) {
      labels.push_back(g.at("value").get<std::string>());
    } else {
      // The reports' own form (BinEdge), so that a rule can be copied from
      // the text report.
      labels.push_back(fmt::format("[{}, {}{}", BinEdge(g.at("lo").get<double>()),
                                   BinEdge(g.at("hi").get<double>()),
                                   i == last_bin ? "]" : ")"));
    }
  }
  return labels;
}

Status CheckMetricName(const std::vector<PathSegment>& path) {
  if (path.empty()) return Status::Error("empty metric path");
  const PathSegment& head = path[0];
  const std::string shown = head.key ? head.name + "[" + *head.key + "]"
                                     : head.name;
  if (head.name == "slice") {
    if (!head.key) {
      return Status::Error(
          "'slice' needs a group: slice[FEATURE=VALUE].error_rate");
    }
    if (head.key->find('=') == std::string::npos) {
      return Status::Error(fmt::format(
          "'slice[{}]': expected FEATURE=VALUE, e.g. slice[sex=Female]",
          *head.key));
    }
    if (path.size() != 2) {
      return Status::Error(fmt::format("'slice[{}]' needs a field: {}",
                                       *head.key,
                                       QuotedList(Names(kGroupFields))));
    }
    const PathSegment& field = path[1];
    if (field.key || !IsOneOf(field.name, {"error_rate", "rows", "errors",
                                           "lift", "excess_errors"})) {
      return Unknown("slice field", field.name, Names(kGroupFields), "fields");
    }
    return Status::Ok();
  }
  if (path.size() > 2 || (path.size() == 2 && head.key)) {
    return UnknownMetric(shown + "." + path[1].name);
  }
  if (head.key) {
    if (!IsOneOf(head.name, {"precision", "recall", "f1", "support",
                             "predicted", "tp", "fp", "fn", "tn"})) {
      return UnknownMetric(shown);
    }
    return Status::Ok();
  }
  if (path.size() == 2) {
    const PathSegment& field = path[1];
    const bool aggregate =
        head.name == "slices" && !field.key &&
        IsOneOf(field.name, {"max_error_rate", "max_lift", "significant"});
    const bool average = IsOneOf(head.name, {"macro", "weighted", "micro"}) &&
                         !field.key &&
                         IsOneOf(field.name, {"precision", "recall", "f1"});
    if (aggregate || average) return Status::Ok();
    return UnknownMetric(head.name + "." + field.name);
  }
  for (const ScalarMetric& m : kScalars) {
    if (head.name == m.name) return Status::Ok();
  }
  if (IsOneOf(head.name, {"precision", "recall", "f1", "support", "predicted",
                          "tp", "fp", "fn", "tn"})) {
    return Status::Error(fmt::format(
        "'{}' is per class: name one, e.g. {}[CLASS], or use macro.{}",
        head.name, head.name, head.name));
  }
  return UnknownMetric(head.name);
}

Status LookUpMetric(const json& report, const std::vector<PathSegment>& path,
                    MetricValue* out) {
  *out = MetricValue();
  Status s = CheckMetricName(path);
  if (!s.ok()) return s;
  // The name is valid: what is left is whether the report has it.
  const PathSegment& head = path[0];
  if (head.name == "slice") return LookUpGroup(report, *head.key, path, out);
  if (head.key) return LookUpClass(report, head, out);
  if (path.size() == 2) {
    const PathSegment& field = path[1];
    if (head.name == "slices") return LookUpSliceAggregate(report, field, out);
    out->value =
        NumberOrUndefined(report.at("averages").at(head.name).at(field.name));
    return Status::Ok();
  }
  for (const ScalarMetric& m : kScalars) {
    if (head.name != m.name) continue;
    if (!report.contains(m.section) || report.at(m.section).is_null() ||
        !report.at(m.section).contains(m.key)) {
      return Status::Error(fmt::format(
          "{}: {}", m.name,
          m.missing != nullptr ? m.missing : "not in the report"));
    }
    const json& v = report.at(m.section).at(m.key);
    if (v.is_null() && (std::string_view(m.key) == "brier" ||
                        std::string_view(m.key) == "log_loss")) {
      return Status::Error(fmt::format("{}: {}", m.name, m.missing));
    }
    out->value = NumberOrUndefined(v);
    return Status::Ok();
  }
  return UnknownMetric(head.name);  // not reached: CheckMetricName knows
}

Status EvaluateRules(const json& report, const std::vector<Rule>& rules,
                     std::vector<RuleResult>* results) {
  results->clear();
  for (const Rule& rule : rules) {
    RuleResult r;
    r.rule = rule;
    Status s = LookUpMetric(report, rule.path, &r.value);
    if (!s.ok()) {
      return Status::Error(fmt::format("rule '{}': {}", rule.text, s.message()));
    }
    if (r.value.value) {
      const double v = *r.value.value, t = rule.threshold;
      switch (rule.op) {
        case Comparison::kLess: r.passed = v < t; break;
        case Comparison::kLessEqual: r.passed = v <= t; break;
        case Comparison::kGreater: r.passed = v > t; break;
        case Comparison::kGreaterEqual: r.passed = v >= t; break;
        case Comparison::kEqual: r.passed = v == t; break;
        case Comparison::kNotEqual: r.passed = v != t; break;
      }
    }
    results->push_back(std::move(r));
  }
  return Status::Ok();
}

}  // namespace errscope
