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
      {"partial", in.partial},
      {"partial_error",
       in.partial ? Json(in.partial_error) : Json(nullptr)},
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
  if (c.classes.size() <= kDenseConfusionLimit) {
    Json counts = Json::array();
    for (Eigen::Index i = 0; i < c.counts.rows(); ++i) {
      Json row = Json::array();
      for (Eigen::Index k = 0; k < c.counts.cols(); ++k) row.push_back(c.counts(i, k));
      counts.push_back(std::move(row));
    }
    j["confusion_matrix"] = Json{{"labels", c.classes}, {"counts", counts}};
  } else {
    // Dense would be classes^2 numbers: only the non-zero cells.
    Json cells = Json::array();
    for (const ConfusionCell& cell : c.cells) {
      cells.push_back(Json::array({cell.row, cell.col, cell.count}));
    }
    j["confusion_matrix"] =
        Json{{"labels", c.classes}, {"counts", nullptr}, {"cells", cells}};
  }
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

Json SlicesJson(const std::optional<SlicesSection>& slices) {
  Json out = Json::array();
  if (!slices) return out;
  for (const FeatureSlices& f : slices->features) {
    Json groups = Json::array();
    for (const SliceGroup& g : f.groups) {
      groups.push_back(Json{
          {"value", Optional(g.value)},
          {"lo", Optional(g.lo)},
          {"hi", Optional(g.hi)},
          {"missing", g.missing},
          {"other", g.other},
          {"rows", g.rows},
          {"errors", g.errors},
          {"error_rate", Number(g.error_rate)},
          {"error_rate_ci95", Json::array({g.error_rate_ci95_lo, g.error_rate_ci95_hi})},
          {"lift", Optional(g.lift)},
          {"excess_errors", Number(g.excess_errors)},
          {"p_value", Number(g.p_value)},
          {"q_value", Number(g.q_value)},
          {"significant", g.significant}});
    }
    out.push_back(Json{{"feature", f.feature}, {"kind", f.kind}, {"groups", groups}});
  }
  return out;
}

Json CalibrationJson(const CalibrationSection& c) {
  Json bins = Json::array();
  for (const CalibrationBin& b : c.bins) {
    bins.push_back(Json{{"lo", b.lo},
                        {"hi", b.hi},
                        {"rows", b.rows},
                        {"correct", b.correct},
                        {"accuracy", Optional(b.accuracy)},
                        {"mean_confidence", Optional(b.mean_confidence)},
                        {"gap", Optional(b.gap)}});
  }
  return Json{{"binning", c.binning},
              {"rows", c.rows},
              {"bins", bins},
              {"ece", Number(c.ece)},
              {"mce", Number(c.mce)},
              {"brier", Optional(c.brier)},
              {"log_loss", Optional(c.log_loss)}};
}

Json ConfidenceSummaryJson(const ConfidenceSummarySection& s) {
  Json coverage = Json::array();
  for (const CoveragePoint& p : s.coverage) {
    coverage.push_back(Json{{"target", p.target},
                            {"threshold", p.threshold},
                            {"rows", p.rows},
                            {"coverage", Number(p.coverage)},
                            {"accuracy", Number(p.accuracy)}});
  }
  return Json{{"high_confidence", s.high_confidence},
              {"high_confidence_errors", s.high_confidence_errors},
              {"high_confidence_error_share", Number(s.high_confidence_error_share)},
              {"low_confidence", s.low_confidence},
              {"low_confidence_correct", s.low_confidence_correct},
              {"low_confidence_correct_share", Number(s.low_confidence_correct_share)},
              {"coverage", coverage}};
}

Json TopErrorsJson(const std::optional<std::vector<ErrorRow>>& rows) {
  Json out = Json::array();
  if (!rows) return out;
  for (const ErrorRow& e : *rows) {
    Json features = Json::object();
    for (const auto& [name, value] : e.features) features[name] = Optional(value);
    out.push_back(Json{{"row", e.row},
                       {"line", e.line},
                       {"id", Optional(e.id)},
                       {"label", e.label},
                       {"pred", e.pred},
                       {"confidence", Optional(e.confidence)},
                       {"features", features}});
  }
  return out;
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
  j["slices"] = SlicesJson(report.slices);
  if (report.slices) {
    // What the slices were computed with: a gate on slices.max_error_rate
    // reads min_rows from here, also in a report written earlier.
    j["slices_settings"] = Json{{"min_rows", report.slices->min_rows},
                                {"binning", report.slices->binning},
                                {"overall_error_rate",
                                 Number(report.slices->overall_error_rate)}};
  }
  j["calibration"] =
      report.calibration ? CalibrationJson(*report.calibration) : Json(nullptr);
  j["confidence_summary"] = report.confidence_summary
                                ? ConfidenceSummaryJson(*report.confidence_summary)
                                : Json(nullptr);
  j["top_errors"] = TopErrorsJson(report.top_errors);
  // Invalid UTF-8 in labels is replaced rather than failing the run.
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace errscope
