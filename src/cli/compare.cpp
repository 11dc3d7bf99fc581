// errscope compare: two prediction files on the same examples (two models,
// or a model before and after a change), row by row and metric by metric.
#include <fmt/format.h>

#include <memory>

#include "analyzers/paired.h"
#include "cli/analysis_options.h"
#include "cli/cli.h"
#include "cli/input_options.h"
#include "cli/verdict_output.h"
#include "errscope/baseline.h"
#include "errscope/compare_report.h"
#include "errscope/pipeline.h"
#include "errscope/significance.h"
#include "errscope/writers.h"

namespace errscope::cli {
namespace {

struct CompareOptions {
  InputOptions input;
  AnalyzeRequest request;
  AnalysisChoices analysis;
  std::string base_path;
  std::string candidate_path;
  std::string key;
  double tolerance = 0;
  double alpha = 0.05;
  size_t top = 10;
  bool fail_on_regression = false;
  VerdictOutput out;
};

/// One file's analysis, with the extra analyzers' merged partials.
struct Analyzed {
  Report report;
  nlohmann::json json;
  std::vector<std::unique_ptr<Analyzer>> extra;
  std::vector<std::unique_ptr<Partial>> totals;
};

Analyzed Analyze(const AnalyzeRequest& request, const ExtraAnalyzers& extra,
                 Streams& streams) {
  Analyzed a;
  Check(RunAnalysisWith(request, extra, &a.report, &a.extra, &a.totals));
  PrintWarnings(a.report.input.warnings, streams, request.path + ": ");
  a.json = nlohmann::json::parse(WriteJsonReport(a.report));
  return a;
}

/// The candidate's rows with the column names of its features.
std::vector<ErrorRow> NewlyWrongRows(const PairedPartial& paired,
                                     const AnalyzerSettings& settings) {
  std::vector<ErrorRow> rows;
  for (const ErrorCandidate& c : paired.newly_wrong_rows) {
    rows.push_back(ToErrorRow(c, settings, c.label, c.pred));
  }
  return rows;
}

void RunCompare(CompareOptions& o, Streams& streams) {
  const JoinBy join = o.key.empty() ? JoinBy::kRowNumber : JoinBy::kKey;
  if (join == JoinBy::kKey) {
    o.request.columns.id = o.key;
    o.request.columns.id_option = "--key";
  }
  auto progress = ApplyInputOptions(o.input, streams, &o.request);
  ApplyAnalysisChoices(o.analysis, &o.request.analysis);

  AnalyzeRequest base_request = o.request;
  base_request.path = o.base_path;
  Analyzed base = Analyze(
      base_request,
      [join](const AnalyzerSettings& settings) {
        std::vector<std::unique_ptr<Analyzer>> extra;
        extra.push_back(MakeOutcomesAnalyzer(settings, join));
        return extra;
      },
      streams);
  BaseOutcomes outcomes;
  Check(BaseOutcomes::Build(
      std::move(static_cast<OutcomesPartial&>(*base.totals.at(0))), join,
      o.base_path, &outcomes));

  AnalyzeRequest candidate_request = o.request;
  candidate_request.path = o.candidate_path;
  AnalyzerSettings candidate_settings;
  Analyzed candidate = Analyze(
      candidate_request,
      [&](const AnalyzerSettings& settings) {
        candidate_settings = settings;
        std::vector<std::unique_ptr<Analyzer>> extra;
        extra.push_back(MakePairedAnalyzer(settings, &outcomes, join, o.top));
        return extra;
      },
      streams);
  progress.reset();
  // A chunk's partial is merged into a fresh total, which counts the
  // duplicates; merging it into an empty one does that for a single chunk.
  PairedPartial paired;
  candidate.extra.at(0)->Merge(*candidate.totals.at(0), &paired);
  if (paired.duplicates > 0) {
    throw CommandError(
        kExitUsageOrInput,
        fmt::format("{}: the key {} is in more than one row ({} repeated "
                    "keys): --key must name a column that identifies each "
                    "example",
                    o.candidate_path,
                    QuoteForMessage(outcomes.key(
                        static_cast<size_t>(paired.first_duplicate))),
                    paired.duplicates));
  }

  CompareOutcome outcome;
  outcome.base_source = base.report.input.source;
  outcome.candidate_source = candidate.report.input.source;
  outcome.join = join == JoinBy::kKey ? fmt::format("key '{}'", o.key)
                                      : std::string("row order");
  PairedCounts& c = outcome.counts;
  c.base_rows = base.report.input.rows_used;
  c.candidate_rows = candidate.report.input.rows_used;
  c.both_right = paired.both_right;
  c.both_wrong = paired.both_wrong;
  c.newly_wrong = paired.newly_wrong;
  c.newly_right = paired.newly_right;
  c.unmatched_candidate = paired.unmatched;
  c.unmatched_base = c.base_rows - c.matched();
  c.label_mismatch = paired.label_mismatch;
  c.first_mismatch_rows = paired.first_mismatch_rows;
  if (c.matched() == 0) {
    throw CommandError(
        kExitUsageOrInput,
        fmt::format("no row of {} matches a row of {} (joined by {}){}",
                    o.candidate_path, o.base_path, outcome.join,
                    join == JoinBy::kKey ? ""
                                         : "; give --key ID_COLUMN to join "
                                           "on an id"));
  }

  const auto matched = static_cast<double>(c.matched());
  outcome.base_accuracy =
      static_cast<double>(c.both_right + c.newly_wrong) / matched;
  outcome.candidate_accuracy =
      static_cast<double>(c.both_right + c.newly_right) / matched;
  outcome.mcnemar_p = McNemarExact(c.newly_wrong, c.newly_right);
  outcome.options = {o.tolerance, o.alpha};
  const double change = outcome.candidate_accuracy - outcome.base_accuracy;
  if (outcome.mcnemar_p <= o.alpha && change < -o.tolerance) {
    outcome.paired_verdict = Verdict::kRegression;
  } else if (outcome.mcnemar_p <= o.alpha && change > o.tolerance) {
    outcome.paired_verdict = Verdict::kImprovement;
  }
  Check(CompareWithBaseline(base.json, candidate.json, outcome.options,
                            &outcome.metrics));
  outcome.newly_wrong = NewlyWrongRows(paired, candidate_settings);
  outcome.fail_on_regression = o.fail_on_regression;

  if (c.label_mismatch > 0) {
    streams.err << fmt::format(
        "errscope: warning: {} matched rows have different true labels in "
        "the two files\n",
        c.label_mismatch);
  }
  WriteVerdicts(o.out,
                {[&](bool color) { return WriteCompareText(outcome, color); },
                 [&] { return WriteCompareJson(outcome); },
                 [&] { return WriteCompareMarkdown(outcome); },
                 [&] { return WriteCompareJunit(outcome); }},
                streams);
  if (outcome.failed()) {
    throw CommandError(kExitGateFailed,
                       "compare: regression: " + CompareSummaryLine(outcome));
  }
}

}  // namespace

void SetupCompareCommand(CLI::App& app, Streams& streams) {
  auto options = std::make_shared<CompareOptions>();
  CompareOptions& o = *options;
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "Compare two prediction files on the same examples: which rows got "
      "worse or better (McNemar's test), metric and slice deltas");
  cmd->add_option("BASE", o.base_path,
                  "Predictions of the base model (the reference)")
      ->required();
  cmd->add_option("CANDIDATE", o.candidate_path,
                  "Predictions of the candidate model, on the same examples")
      ->required();
  AddReadingOptions(cmd, &o.request, &o.input);

  const char* comparing = "Comparing";
  cmd->add_option("-k,--key", o.key,
                  "Join the two files on this id column (default: by row "
                  "order)")
      ->option_text("COLUMN")
      ->group(comparing);
  cmd->add_flag("--fail-on-regression", o.fail_on_regression,
                "Exit 1 when the candidate is significantly worse (paired "
                "test or any metric or slice)")
      ->group(comparing);
  cmd->add_option("--tolerance", o.tolerance,
                  "Changes smaller than this (e.g. 0.01 = 1 point) are never "
                  "regressions")
      ->check(NumberBetween(0.0, 1.0))
      ->capture_default_str()
      ->group(comparing);
  cmd->add_option("--alpha", o.alpha,
                  "Significance level (the metric and slice tests together, "
                  "Holm)")
      ->check(NumberBetween(1e-12, 0.5))
      ->capture_default_str()
      ->group(comparing);
  cmd->add_option("--newly-wrong", o.top,
                  "How many of the most confident newly wrong rows to list")
      ->check(IntegerAtLeast(0))
      ->capture_default_str()
      ->group(comparing);

  AddVerdictOutputOptions(cmd, "the comparison",
                          "Also write JUnit XML here: the paired test and one "
                          "test case per metric and slice",
                          &o.out);
  AddAnalysisOptions(cmd, &o.request.analysis, &o.analysis);

  cmd->footer(
      "Both files are read with the same options. Rows are matched by\n"
      "--key (an id column in both files) or by data row number; unmatched\n"
      "rows are counted. On the matched rows, McNemar's exact test on the\n"
      "rows one model gets right and the other wrong says whether the\n"
      "candidate is better or worse; each report's accuracy, balanced\n"
      "accuracy, per-class recall and precision and slice error rates are\n"
      "compared with two-proportion tests (Holm-adjusted), as 'check\n"
      "--baseline' does (docs/compare.md).\n"
      "\n"
      "Exit codes: 0 (also when worse, unless --fail-on-regression), 1 worse\n"
      "with --fail-on-regression, 2 a usage or input error (a duplicate\n"
      "key, no matching rows, bad predictions).\n"
      "\n"
      "Examples:\n"
      "  errscope compare old_preds.csv new_preds.csv\n"
      "  errscope compare base.jsonl cand.jsonl --key id --fail-on-regression\n"
      "  errscope compare base.csv cand.csv --key id --format markdown >> "
      "\"$GITHUB_STEP_SUMMARY\"");
  cmd->callback([options, &streams] { RunCompare(*options, streams); });
}

}  // namespace errscope::cli
