#include "analyzers/summary.h"

#include "errscope/proportion.h"

namespace errscope {

void to_json(nlohmann::json& j, const SummaryPartial& p) {
  j = {{"version", 1}, {"rows", p.rows}, {"correct", p.correct}};
}

void from_json(const nlohmann::json& j, SummaryPartial& p) {
  j.at("rows").get_to(p.rows);
  j.at("correct").get_to(p.correct);
}

namespace {

class SummaryAnalyzer : public AnalyzerOf<SummaryPartial> {
 protected:
  void AddRows(const PredictionBatch& batch,
               SummaryPartial* partial) const override {
    const size_t rows = batch.rows();
    int64_t correct = 0;
    for (size_t i = 0; i < rows; ++i) correct += batch.correct(i) ? 1 : 0;
    partial->rows += static_cast<int64_t>(rows);
    partial->correct += correct;
  }

  void MergeInto(const SummaryPartial& from,
                 SummaryPartial* into) const override {
    into->rows += from.rows;
    into->correct += from.correct;
  }

  Status FinishInto(const SummaryPartial& partial,
                    Report* report) const override {
    SummarySection s;
    s.rows = partial.rows;
    s.correct = partial.correct;
    s.errors = partial.rows - partial.correct;
    if (s.rows > 0) {
      s.accuracy = static_cast<double>(s.correct) / static_cast<double>(s.rows);
      s.error_rate = static_cast<double>(s.errors) / static_cast<double>(s.rows);
    }
    Interval ci = WilsonInterval95(s.errors, s.rows);
    s.error_rate_ci95_lo = ci.lo;
    s.error_rate_ci95_hi = ci.hi;
    report->summary = s;
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Analyzer> MakeSummaryAnalyzer(const AnalyzerSettings&) {
  return std::make_unique<SummaryAnalyzer>();
}

}  // namespace errscope
