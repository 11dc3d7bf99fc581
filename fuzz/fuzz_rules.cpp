// Gate rules and rules files on arbitrary text, and the metric lookup of
// every rule that parses, against a fixed report.
#include <nlohmann/json.hpp>
#include <string>

#include "errscope/gates.h"
#include "fuzz_util.h"

namespace {

const nlohmann::json& Report() {
  static const nlohmann::json report = nlohmann::json::parse(R"({
    "schema_version": 1,
    "input": {"rows_skipped": 0},
    "summary": {"rows": 10, "correct": 7, "errors": 3, "accuracy": 0.7,
                "error_rate": 0.3},
    "per_class": [
      {"label": "a", "support": 5, "predicted": 4, "tp": 3, "fp": 1, "fn": 2,
       "tn": 4, "precision": 0.75, "recall": 0.6, "f1": 0.666},
      {"label": "1", "support": 5, "predicted": 6, "tp": 4, "fp": 2, "fn": 1,
       "tn": 3, "precision": 0.666, "recall": 0.8, "f1": 0.727}],
    "averages": {"macro": {"precision": 0.7, "recall": 0.7, "f1": 0.7},
                 "weighted": {"precision": 0.7, "recall": 0.7, "f1": 0.7},
                 "micro": {"precision": 0.7, "recall": 0.7, "f1": 0.7}},
    "metrics": {"accuracy": 0.7, "balanced_accuracy": 0.7,
                "cohen_kappa": null, "mcc": 0.4},
    "slices": [{"feature": "sex", "kind": "categorical", "groups": [
                  {"value": "F", "lo": null, "hi": null, "missing": false,
                   "other": false, "rows": 5, "errors": 1, "error_rate": 0.2,
                   "lift": 0.66, "excess_errors": -0.5, "significant": false},
                  {"value": null, "lo": null, "hi": null, "missing": true,
                   "other": false, "rows": 5, "errors": 2, "error_rate": 0.4,
                   "lift": null, "excess_errors": 0.5, "significant": true}]},
               {"feature": "age", "kind": "numeric", "groups": [
                  {"value": null, "lo": 1.5, "hi": 20, "missing": false,
                   "other": false, "rows": 10, "errors": 3, "error_rate": 0.3,
                   "lift": 1, "excess_errors": 0, "significant": false}]}],
    "slices_settings": {"min_rows": 3, "binning": "quantile",
                        "overall_error_rate": 0.3},
    "calibration": {"ece": 0.1, "mce": 0.2, "brier": null, "log_loss": null},
    "confidence_summary": null
  })");
  return report;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  errscope::Rule rule;
  const errscope::Status parsed = errscope::ParseRule(text, &rule);
  if (parsed.ok()) {
    errscope::fuzz::Expect(!rule.path.empty());
    // The canonical form parses back to the same path.
    errscope::Rule again;
    if (errscope::ParseRule(rule.metric + " >= 0", &again).ok()) {
      errscope::fuzz::Expect(again.metric == rule.metric);
    }
    errscope::MetricValue value;
    const errscope::Status found =
        errscope::LookUpMetric(Report(), rule.path, &value);
    errscope::fuzz::Expect(found.ok() || !found.message().empty());
  } else {
    errscope::fuzz::Expect(!parsed.message().empty());
  }
  errscope::RulesFile file;
  const errscope::Status s = errscope::ParseRulesFile("rules.json", text, &file);
  errscope::fuzz::Expect(s.ok() || !s.message().empty());
  return 0;
}
