// The JSON report: keys in a fixed order (docs/report.md is the contract).
#include <cmath>
#include <nlohmann/json.hpp>

#include "errscope/version.h"
#include "errscope/writers.h"

namespace errscope {
namespace {

using Json = nlohmann::ordered_json;

/// A JSON number, or null when undefined (NaN).
Json Number(double value) {
  if (std::isnan(value)) return nullptr;
  return value;
}

template <typename T>
Json Optional(const std::optional<T>& value) {
  if (!value) return nullptr;
  return *value;
}

Json Scores(const PrecisionRecallF1& s) {
  return Json{{"precision", Number(s.precision)},
              {"recall", Number(s.recall)},
              {"f1", Number(s.f1)}};
}

Json InputJson(const InputSection& in) {
  const ColumnsUsed& c = in.columns;
  Json probabilities = nullptr;
  if (!c.probability_columns.empty()) {
    probabilities = Json{{"classes", c.probability_classes},
                         {"columns", c.probability_columns}};
  }
  return Json{
      {"source", in.source},
      {"format", in.format},
      {"compression", in.compression},
      {"rows_read", in.rows_read},
      {"rows_used", in.rows_used},
      {"rows_skipped", in.rows_skipped},
      {"columns",
       Json{{"label", c.label},
            {"pred", Optional(c.pred)},
            {"confidence", Optional(c.confidence)},
            {"probabilities", probabilities},
            {"id", Optional(c.id)},
            {"features", c.features}}},
      {"pred_source", in.pred_source},
      {"threshold", Optional(in.threshold)},
      {"positive", Optional(in.positive)},
      {"warnings", in.warnings},
  };
}

Json SummaryJson(const SummarySection& s) {
  return Json{{"rows", s.rows},
              {"correct", s.correct},
              {"errors", s.errors},
              {"accuracy", Number(s.accuracy)},
              {"error_rate", Number(s.error_rate)},
              {"error_rate_ci95",
               Json::array({s.error_rate_ci95_lo, s.error_rate_ci95_hi})}};
}

void AddConfusion(const ConfusionSection& c, Json* out) {
  Json& j = *out;
  Json counts = Json::array();
  for (Eigen::Index i = 0; i < c.counts.rows(); ++i) {
    Json row = Json::array();
    for (Eigen::Index k = 0; k < c.counts.cols(); ++k) row.push_back(c.counts(i, k));
    counts.push_back(std::move(row));
  }
  j["confusion_matrix"] = Json{{"labels", c.classes}, {"counts", counts}};
  Json per_class = Json::array();
  for (const ClassMetrics& m : c.per_class) {
    per_class.push_back(Json{{"label", m.label},
                             {"support", m.support},
                             {"predicted", m.predicted},
                             {"tp", m.tp},
                             {"fp", m.fp},
                             {"fn", m.fn},
                             {"tn", m.tn},
                             {"precision", Number(m.scores.precision)},
                             {"recall", Number(m.scores.recall)},
                             {"f1", Number(m.scores.f1)}});
  }
  j["per_class"] = per_class;
  j["averages"] = Json{{"macro", Scores(c.macro)},
                       {"weighted", Scores(c.weighted)},
                       {"micro", Scores(c.micro)}};
  j["metrics"] = Json{{"accuracy", Number(c.accuracy)},
                      {"balanced_accuracy", Number(c.balanced_accuracy)},
                      {"cohen_kappa", Optional(c.cohen_kappa)},
                      {"mcc", Number(c.mcc)}};
  Json top = Json::array();
  for (const Confusion& t : c.top_confusions) {
    top.push_back(Json{{"label", t.label},
                       {"pred", t.pred},
                       {"count", t.count},
                       {"share_of_errors", Number(t.share_of_errors)}});
  }
  j["top_confusions"] = top;
}

}  // namespace

std::string WriteJsonReport(const Report& report) {
  Json j;
  j["schema_version"] = kReportSchemaVersion;
  j["tool"] = Json{{"name", "errscope"}, {"version", kVersion}};
  j["input"] = InputJson(report.input);
  if (report.confusion) j["classes"] = report.confusion->classes;
  if (report.summary) j["summary"] = SummaryJson(*report.summary);
  if (report.confusion) AddConfusion(*report.confusion, &j);
  // Invalid UTF-8 in labels is replaced rather than failing the run.
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace errscope
