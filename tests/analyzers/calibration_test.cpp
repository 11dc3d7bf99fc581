// The calibration analyzer on tiny inputs whose bins, ECE/MCE, Brier score,
// log loss and confidence summary are worked out by hand
// (docs/error-analysis.md, "Errors by confidence").
#include "analyzers/calibration.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "errscope/byte_source.h"
#include "errscope/writers.h"
#include "test_util.h"

namespace errscope {
namespace {

using test::AnalyzeInOrder;
using test::DecodeCsv;
using test::PartialPerBatch;

using Catch::Matchers::WithinAbs;

/// Runs the calibration analyzer over `csv` as the pipeline does: cut into
/// tiny chunks, one partial per chunk, merged in order.
Report Calibrate(const std::string& csv, const AnalysisOptions& options = {},
                 const ColumnOptions& columns = {}) {
  auto input = DecodeCsv(csv, 30, columns, options);  // a few rows a chunk
  return AnalyzeInOrder(*MakeCalibrationAnalyzer(input->settings), *input);
}

/// Checks one bin: rows, correct, and (for a non-empty bin) accuracy and
/// mean confidence; gap = mean confidence - accuracy.
void CheckBin(const CalibrationBin& bin, int64_t rows, int64_t correct,
              double mean_confidence = 0) {
  CHECK(bin.rows == rows);
  CHECK(bin.correct == correct);
  if (rows == 0) {
    CHECK_FALSE(bin.accuracy);
    CHECK_FALSE(bin.mean_confidence);
    CHECK_FALSE(bin.gap);
    return;
  }
  REQUIRE(bin.accuracy);
  const double accuracy =
      static_cast<double>(correct) / static_cast<double>(rows);
  CHECK_THAT(*bin.accuracy, WithinAbs(accuracy, 1e-15));
  CHECK_THAT(*bin.mean_confidence, WithinAbs(mean_confidence, 1e-12));
  CHECK_THAT(*bin.gap, WithinAbs(mean_confidence - accuracy, 1e-12));
}

// r1..r9: confidence, right (a,a) or wrong (a,b).
const char kNineRows[] =
    "label,pred,confidence\n"
    "a,a,0.0\n"      // bin 0 (the first bin holds 0)
    "a,b,0.1\n"      // bin 1: 0.1 is the edge 1/10
    "a,a,0.29999\n"  // bin 2
    "a,b,0.3\n"      // bin 3: 0.3 == 3/10 as doubles
    "a,a,0.3\n"      // bin 3
    "a,a,0.5\n"      // bin 5
    "a,a,0.7\n"      // bin 7
    "a,b,0.95\n"     // bin 9
    "a,a,1.0\n";     // bin 9: the last bin is closed

TEST_CASE("calibration: equal-width bins, values on the edges",
          "[calibration]") {
  Report report = Calibrate(kNineRows);
  REQUIRE(report.calibration);
  const CalibrationSection& c = *report.calibration;
  CHECK(c.binning == "uniform");
  CHECK(c.rows == 9);
  REQUIRE(c.bins.size() == 10);
  for (size_t i = 0; i < 10; ++i) {
    CHECK(c.bins[i].lo == static_cast<double>(i) / 10);
    CHECK(c.bins[i].hi == static_cast<double>(i + 1) / 10);
  }
  CheckBin(c.bins[0], 1, 1, 0.0);
  CheckBin(c.bins[1], 1, 0, 0.1);
  CheckBin(c.bins[2], 1, 1, 0.29999);
  CheckBin(c.bins[3], 2, 1, 0.3);
  CheckBin(c.bins[4], 0, 0);
  CheckBin(c.bins[5], 1, 1, 0.5);
  CheckBin(c.bins[6], 0, 0);
  CheckBin(c.bins[7], 1, 1, 0.7);
  CheckBin(c.bins[8], 0, 0);
  CheckBin(c.bins[9], 2, 1, (0.95 + 1.0) / 2);
  // |gap| x rows: bin 0: |0 - 1| = 1; bin 1: 0.1; bin 2: 0.70001; bin 3:
  // |0.3 - 0.5| x 2 = 0.4; bin 5: 0.5; bin 7: 0.3; bin 9: |0.975 - 0.5| x 2
  // = 0.95. ECE = 3.95001 / 9; MCE = 1 (bin 0).
  CHECK_THAT(c.ece, WithinAbs(3.95001 / 9, 1e-12));
  CHECK_THAT(c.mce, WithinAbs(1.0, 1e-12));
  // A confidence column alone gives no probabilities.
  CHECK_FALSE(c.brier);
  CHECK_FALSE(c.log_loss);
}

TEST_CASE("calibration: UniformBin compares with the edges i/bins",
          "[calibration]") {
  CHECK(UniformBin(0.0, 10) == 0);
  CHECK(UniformBin(0.3, 10) == 3);
  CHECK(UniformBin(0.7, 10) == 7);
  CHECK(UniformBin(std::nextafter(0.3, 0.0), 10) == 2);
  CHECK(UniformBin(1.0, 10) == 9);
  CHECK(UniformBin(1.0 / 3, 3) == 1);
  CHECK(UniformBin(0.999, 1) == 0);
}

TEST_CASE("calibration: UniformBinner counts the edges i/bins at or below",
          "[calibration]") {
  // By definition: the bin is the number of interior edges k/bins <= c.
  // Values at, just below and just above every edge, and a spread between.
  for (size_t bins : {1, 2, 3, 7, 10, 15, 100, 1000}) {
    const UniformBinner binner(bins);
    std::vector<double> values = {0.0, 1.0, 1e-300, std::nextafter(1.0, 0.0)};
    for (size_t k = 0; k <= bins; ++k) {
      const double edge = static_cast<double>(k) / static_cast<double>(bins);
      values.push_back(edge);
      values.push_back(std::nextafter(edge, 0.0));
      values.push_back(std::nextafter(edge, 1.0));
    }
    for (int i = 0; i <= 997; ++i) values.push_back(i / 997.0);
    for (double c : values) {
      if (c < 0 || c > 1) continue;
      size_t expected = 0;
      for (size_t k = 1; k < bins; ++k) {
        if (c >= static_cast<double>(k) / static_cast<double>(bins)) ++expected;
      }
      INFO("bins " << bins << " confidence " << c);
      REQUIRE(binner.Bin(c) == expected);
      REQUIRE(UniformBin(c, bins) == expected);
    }
  }
}

TEST_CASE("calibration: the confidence summary", "[calibration]") {
  Report report = Calibrate(kNineRows);
  REQUIRE(report.confidence_summary);
  const ConfidenceSummarySection& s = *report.confidence_summary;
  // Errors: 0.1, 0.3, 0.95; only 0.95 >= 0.9.
  CHECK(s.high_confidence == 0.9);
  CHECK(s.high_confidence_errors == 1);
  CHECK_THAT(s.high_confidence_error_share, WithinAbs(1.0 / 3, 1e-15));
  // Correct: 0.0, 0.29999, 0.3, 0.5, 0.7, 1.0; below 0.5: the first three
  // (0.5 itself is not low).
  CHECK(s.low_confidence == 0.5);
  CHECK(s.low_confidence_correct == 3);
  CHECK_THAT(s.low_confidence_correct_share, WithinAbs(3.0 / 6, 1e-15));

  // Coverage. Descending: 1.0 c, 0.95 e, 0.7 c, 0.5 c, 0.3 e, 0.3 c,
  // 0.29999 c, 0.1 e, 0.0 c. Target x keeps >= ceil(9x) rows: 1, 2, 3, 4,
  // 5, 6, 7, 8, 9, 9. At 50% the threshold 0.3 keeps both 0.3 rows (6).
  struct Expected {
    double threshold;
    int64_t rows;
    int64_t correct;
  };
  const Expected expected[] = {
      {1.0, 1, 1}, {0.95, 2, 1},    {0.7, 3, 2}, {0.5, 4, 3}, {0.3, 6, 4},
      {0.3, 6, 4}, {0.29999, 7, 5}, {0.1, 8, 5}, {0.0, 9, 6}, {0.0, 9, 6}};
  REQUIRE(s.coverage.size() == 10);
  for (size_t i = 0; i < 10; ++i) {
    INFO("target " << s.coverage[i].target);
    CHECK_THAT(s.coverage[i].target,
               WithinAbs(0.1 * static_cast<double>(i + 1), 1e-12));
    CHECK(s.coverage[i].threshold == expected[i].threshold);
    CHECK(s.coverage[i].rows == expected[i].rows);
    CHECK_THAT(s.coverage[i].coverage,
               WithinAbs(expected[i].rows / 9.0, 1e-15));
    CHECK_THAT(s.coverage[i].accuracy,
               WithinAbs(static_cast<double>(expected[i].correct) /
                             static_cast<double>(expected[i].rows),
                         1e-15));
  }
}

TEST_CASE("calibration: --high-confidence counts errors at the threshold",
          "[calibration]") {
  AnalysisOptions options;
  options.high_confidence = 0.95;  // 0.95 >= 0.95
  CHECK(Calibrate(kNineRows, options)
            .confidence_summary->high_confidence_errors == 1);
  options.high_confidence = 0.96;
  CHECK(Calibrate(kNineRows, options)
            .confidence_summary->high_confidence_errors == 0);
  options.high_confidence = 0.3;  // 0.3 and 0.95
  CHECK(Calibrate(kNineRows, options)
            .confidence_summary->high_confidence_errors == 2);
}

TEST_CASE("calibration: shares are 0 without errors or correct rows",
          "[calibration]") {
  Report right = Calibrate("label,pred,confidence\na,a,0.2\nb,b,0.9\n");
  CHECK(right.confidence_summary->high_confidence_errors == 0);
  CHECK(right.confidence_summary->high_confidence_error_share == 0);
  CHECK_THAT(right.confidence_summary->low_confidence_correct_share,
             WithinAbs(0.5, 1e-15));  // 0.2 of 2 correct rows
  Report wrong = Calibrate("label,pred,confidence\na,b,0.2\nb,a,0.9\n");
  CHECK(wrong.confidence_summary->low_confidence_correct == 0);
  CHECK(wrong.confidence_summary->low_confidence_correct_share == 0);
  CHECK_THAT(wrong.confidence_summary->high_confidence_error_share,
             WithinAbs(0.5, 1e-15));
}

TEST_CASE("calibration: multi-class Brier score and log loss",
          "[calibration]") {
  // Rows: Brier = sum over classes of (p_k - 1[y = k])^2; log loss term
  // -ln max(p_label, 1e-15).
  const std::string csv =
      "label,pred,p_a,p_b,p_c\n"
      "a,a,0.7,0.2,0.1\n"  // 0.09 + 0.04 + 0.01 = 0.14; -ln 0.7
      "b,a,0.5,0.4,0.1\n"  // 0.25 + 0.36 + 0.01 = 0.62; -ln 0.4
      "c,c,0,0,1\n"        // 0;                          -ln 1 = 0
      "c,a,1,0,0\n";       // 1 + 0 + 1 = 2;              -ln 1e-15 (clipped)
  Report report = Calibrate(csv);
  REQUIRE(report.calibration);
  const CalibrationSection& c = *report.calibration;
  REQUIRE(c.brier);
  CHECK_THAT(*c.brier, WithinAbs((0.14 + 0.62 + 0 + 2) / 4, 1e-12));  // 0.69
  REQUIRE(c.log_loss);
  CHECK_THAT(
      *c.log_loss,
      WithinAbs((-std::log(0.7) - std::log(0.4) + 15 * std::log(10.0)) / 4,
                1e-12));
  // The confidence is the probability of the predicted class: 0.7, 0.5, 1,
  // 1, correct in rows 1 and 3.
  CheckBin(c.bins[5], 1, 0, 0.5);
  CheckBin(c.bins[7], 1, 1, 0.7);
  CheckBin(c.bins[9], 2, 1, 1.0);
}

TEST_CASE("calibration: a label without a probability column has p = 0",
          "[calibration]") {
  // Label d: Brier 0.6^2 + 0.4^2 + (0 - 1)^2 = 1.52; log loss -ln 1e-15.
  Report report = Calibrate("label,pred,p_a,p_b\nd,a,0.6,0.4\n");
  CHECK_THAT(*report.calibration->brier, WithinAbs(1.52, 1e-12));
  CHECK_THAT(*report.calibration->log_loss, WithinAbs(-std::log(1e-15), 1e-12));
}

TEST_CASE("calibration: binary Brier is twice scikit-learn's",
          "[calibration]") {
  // y = 1, p_1 = 0.8: (0.2 - 0)^2 + (0.8 - 1)^2 = 0.08 (sklearn: 0.04);
  // y = 0, p_1 = 0.3: (0.7 - 1)^2 + (0.3 - 0)^2 = 0.18 (sklearn: 0.09).
  // Mean 0.13, sklearn's brier_score_loss 0.065.
  const double brier = 0.13;
  const double log_loss = (-std::log(0.8) - std::log(0.7)) / 2;
  SECTION("probability columns") {
    Report report = Calibrate("label,pred,p_0,p_1\n1,1,0.2,0.8\n0,0,0.7,0.3\n");
    CHECK_THAT(*report.calibration->brier, WithinAbs(brier, 1e-12));
    CHECK_THAT(*report.calibration->log_loss, WithinAbs(log_loss, 1e-12));
  }
  SECTION("threshold mode: the probabilities are score and 1 - score") {
    ColumnOptions columns;
    columns.threshold = 0.5;
    Report report = Calibrate("label,score\n1,0.8\n0,0.3\n", {}, columns);
    CHECK_THAT(*report.calibration->brier, WithinAbs(brier, 1e-12));
    CHECK_THAT(*report.calibration->log_loss, WithinAbs(log_loss, 1e-12));
    // Confidences: 0.8 (predicted 1) and 1 - 0.3 = 0.7 (predicted 0).
    CheckBin(report.calibration->bins[7], 1, 1, 0.7);
    CheckBin(report.calibration->bins[8], 1, 1, 0.8);
  }
}

TEST_CASE("calibration: no section without any confidence", "[calibration]") {
  Report report = Calibrate("label,pred\na,a\na,b\n");
  CHECK_FALSE(report.calibration);
  CHECK_FALSE(report.confidence_summary);
}

TEST_CASE("calibration: equal-mass bins with ties", "[calibration]") {
  // n = 8, 4 bins: targets 2, 4, 6. Candidates (not the minimum 0.2):
  // C(<0.5) = 4, C(<0.6) = 5, C(<0.9) = 6. k = 1: |4 - 2| is the least:
  // 0.5; k = 2: 0.5; k = 3: 0.9. Edges 0.5, 0.9: three bins, not four.
  const std::string csv =
      "label,pred,confidence\n"
      "a,a,0.2\na,b,0.2\na,a,0.2\na,b,0.2\n"
      "a,a,0.5\na,b,0.6\n"
      "a,a,0.9\na,a,0.9\n";
  AnalysisOptions options;
  options.calibration_bins = 4;
  options.calibration_binning = Binning::kQuantile;
  Report report = Calibrate(csv, options);
  const CalibrationSection& c = *report.calibration;
  CHECK(c.binning == "quantile");
  REQUIRE(c.bins.size() == 3);
  CHECK(c.bins[0].lo == 0.2);
  CHECK(c.bins[0].hi == 0.5);
  CHECK(c.bins[1].lo == 0.5);
  CHECK(c.bins[1].hi == 0.9);
  CHECK(c.bins[2].lo == 0.9);
  CHECK(c.bins[2].hi == 0.9);
  CheckBin(c.bins[0], 4, 2, 0.2);              // gap 0.2 - 0.5 = -0.3
  CheckBin(c.bins[1], 2, 1, (0.5 + 0.6) / 2);  // gap 0.55 - 0.5 = 0.05
  CheckBin(c.bins[2], 2, 2, 0.9);              // gap -0.1
  // ECE = (4 x 0.3 + 2 x 0.05 + 2 x 0.1) / 8 = 1.5 / 8; MCE = 0.3.
  CHECK_THAT(c.ece, WithinAbs(1.5 / 8, 1e-12));
  CHECK_THAT(c.mce, WithinAbs(0.3, 1e-12));
}

TEST_CASE("calibration: chunks counted within the total's cells change nothing",
          "[calibration]") {
  // Once the running total's histogram has compacted (past 65,536
  // distinct confidences), chunk partials made for it count their
  // confidences within its cells (AddBatchWithin) instead of sorting
  // them. The total must come out exactly as from plain partials, with
  // any number of chunks in flight (`lag`); with equal-mass bins, whose
  // means read the histogram's sums, chunks must not take that way.
  std::mt19937_64 rng(5);
  std::string csv = "label,pred,confidence\n";
  for (int i = 0; i < 150000; ++i) {
    // Seven decimals: about 100,000 distinct values.
    const double c = 0.3 + 0.7 * static_cast<double>(rng() % 1000000) / 1e6;
    csv += (rng() % 4 == 0 ? "a,b," : "a,a,") + fmt::format("{:.7f}", c) + "\n";
  }
  for (const Binning binning : {Binning::kUniform, Binning::kQuantile}) {
    AnalysisOptions options;
    options.calibration_binning = binning;
    auto input = DecodeCsv(csv, 128 << 10, {}, options);
    REQUIRE(input->batches.size() > 10);
    const auto analyzer = MakeCalibrationAnalyzer(input->settings);
    auto plain = analyzer->NewPartial();
    for (const auto& part : PartialPerBatch(*analyzer, *input)) {
      analyzer->Merge(*part, plain.get());
    }
    for (size_t lag : {0, 4}) {
      INFO("binning " << static_cast<int>(binning) << ", lag " << lag);
      auto total = analyzer->NewPartial();
      std::vector<std::unique_ptr<Partial>> parts;
      size_t merged = 0, within = 0;
      for (const PredictionBatch& batch : input->batches) {
        parts.push_back(analyzer->NewPartialFor(*total));
        if (static_cast<const CalibrationPartial&>(*parts.back()).total_cells !=
            nullptr) {
          ++within;
        }
        analyzer->Add(batch, parts.back().get());
        while (parts.size() - merged > lag) {
          analyzer->Merge(*parts[merged++], total.get());
        }
      }
      while (merged < parts.size()) {
        analyzer->Merge(*parts[merged++], total.get());
      }
      // The chunks did take the short way with equal-width bins (else
      // this test proves nothing), and never with equal-mass ones.
      if (binning == Binning::kUniform) {
        CHECK(within > 3);
      } else {
        CHECK(within == 0);
      }
      const auto& a = static_cast<const CalibrationPartial&>(*total);
      const auto& b = static_cast<const CalibrationPartial&>(*plain);
      REQUIRE(a.confidences.buckets().size() == b.confidences.buckets().size());
      for (size_t i = 0; i < a.confidences.buckets().size(); ++i) {
        const ValueBucket& x = a.confidences.buckets()[i];
        const ValueBucket& y = b.confidences.buckets()[i];
        CHECK((x.lo == y.lo && x.hi == y.hi && x.rows == y.rows &&
               x.errors == y.errors));
      }
      Report with, without;
      REQUIRE(analyzer->Finish(*total, &with).ok());
      REQUIRE(analyzer->Finish(*plain, &without).ok());
      REQUIRE(with.calibration);
      CHECK(WriteJsonReport(with) == WriteJsonReport(without));
    }
  }
}

TEST_CASE("calibration: a total added to directly publishes no cells",
          "[calibration]") {
  // Rows added to a partial (not merged): nothing it publishes is relied
  // on by chunks made for it afterwards, and a copy starts with nothing.
  std::string csv = "label,pred,confidence\n";
  for (int i = 0; i < 70000; ++i) {
    csv += "a,a," + fmt::format("{:.6f}", i / 70000.0) + "\n";
  }
  auto input = DecodeCsv(csv, 256 << 10);
  REQUIRE(input->batches.size() > 2);
  const auto analyzer = MakeCalibrationAnalyzer(input->settings);
  auto total = analyzer->NewPartial();
  for (const auto& part : PartialPerBatch(*analyzer, *input)) {
    analyzer->Merge(*part, total.get());
  }
  auto before = analyzer->NewPartialFor(*total);
  CHECK(static_cast<const CalibrationPartial&>(*before).total_cells != nullptr);
  const CalibrationPartial copy =
      static_cast<const CalibrationPartial&>(*total);
  CHECK(copy.board->Read() == nullptr);
  analyzer->Add(input->batches.front(), total.get());
  auto after = analyzer->NewPartialFor(*total);
  CHECK(static_cast<const CalibrationPartial&>(*after).total_cells == nullptr);
}

}  // namespace
}  // namespace errscope
