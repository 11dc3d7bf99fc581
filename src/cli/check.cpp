// errscope check: analyze predictions, then fail (exit 1) when a rule does
// not hold or when the model got significantly worse than a baseline report.
#include <errno.h>
#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "cli/analysis_options.h"
#include "cli/cli.h"
#include "cli/input_options.h"
#include "cli/verdict_output.h"
#include "errscope/baseline.h"
#include "errscope/gate_report.h"
#include "errscope/gates.h"
#include "errscope/pipeline.h"
#include "errscope/writers.h"

namespace errscope::cli {
namespace {

struct CheckOptions {
  InputOptions input;
  AnalyzeRequest request;
  AnalysisChoices analysis;
  std::vector<std::string> rules;
  std::string rules_file;
  std::string baseline;
  double tolerance = 0;
  double alpha = 0.05;
  CLI::Option* tolerance_option = nullptr;
  CLI::Option* alpha_option = nullptr;
  VerdictOutput out;
  std::string save_report;
};

std::string ReadWholeFile(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw CommandError(kExitUsageOrInput,
                       fmt::format("{}: cannot open {}: {}", path, what,
                                   std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    throw CommandError(kExitUsageOrInput,
                       fmt::format("{}: cannot read {}", path, what));
  }
  return text.str();
}

std::vector<Rule> LoadRules(CheckOptions& o) {
  std::vector<Rule> rules;
  if (!o.rules_file.empty()) {
    RulesFile file;
    Check(ParseRulesFile(o.rules_file,
                         ReadWholeFile(o.rules_file, "the rules file"), &file));
    rules = file.rules;
    // Flags given on the command line win over the file.
    if (file.tolerance && o.tolerance_option->count() == 0) {
      o.tolerance = *file.tolerance;
    }
    if (file.alpha && o.alpha_option->count() == 0) o.alpha = *file.alpha;
  }
  for (const std::string& text : o.rules) {
    Rule rule;
    Check(ParseRule(text, &rule));
    rules.push_back(std::move(rule));
  }
  for (const Rule& rule : rules) {
    const Status s = CheckMetricName(rule.path);
    if (!s.ok()) {
      throw CommandError(kExitUsageOrInput,
                         fmt::format("rule '{}': {}", rule.text, s.message()));
    }
  }
  return rules;
}

nlohmann::json LoadBaseline(const std::string& path) {
  const std::string text = ReadWholeFile(path, "the baseline report");
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) {
    throw CommandError(
        kExitUsageOrInput,
        fmt::format("{}: the baseline is not valid JSON (write it with "
                    "'errscope analyze FILE --format json -o {}')",
                    path, path));
  }
  Check(CheckReportDocument(doc, path));
  return doc;
}

void RunCheck(CheckOptions& o, Streams& streams) {
  // Everything that can be wrong with the rules or the baseline is found
  // before the input is read.
  const std::vector<Rule> rules = LoadRules(o);
  std::optional<nlohmann::json> baseline;
  if (!o.baseline.empty()) baseline = LoadBaseline(o.baseline);
  if (rules.empty() && !baseline) {
    throw CommandError(kExitUsageOrInput,
                       "nothing to check: give --rule, --rules FILE or "
                       "--baseline REPORT.json\nRun 'errscope check --help' "
                       "for the options.");
  }

  auto progress = ApplyInputOptions(o.input, streams, &o.request);
  ApplyAnalysisChoices(o.analysis, &o.request.analysis);
  Report report;
  Status status = RunAnalysis(o.request, &report);
  progress.reset();
  Check(status);
  PrintWarnings(report.input.warnings, streams);
  const std::string report_json = WriteJsonReport(report);
  const nlohmann::json candidate = nlohmann::json::parse(report_json);

  CheckOutcome outcome;
  outcome.source = report.input.source;
  Check(EvaluateRules(candidate, rules, &outcome.rules));
  if (baseline) {
    outcome.baseline_source = o.baseline;
    outcome.baseline_options = {o.tolerance, o.alpha};
    BaselineResult result;
    Check(CompareWithBaseline(*baseline, candidate, outcome.baseline_options,
                              &result));
    outcome.baseline = std::move(result);
  }

  if (!o.save_report.empty()) WriteOutput(o.save_report, report_json, streams);
  WriteVerdicts(o.out,
                {[&](bool color) { return WriteCheckText(outcome, color); },
                 [&] { return WriteCheckJson(outcome); },
                 [&] { return WriteCheckMarkdown(outcome); },
                 [&] { return WriteCheckJunit(outcome); }},
                streams);
  if (!outcome.passed()) {
    throw CommandError(kExitGateFailed,
                       "check failed: " + CheckSummaryLine(outcome));
  }
}

}  // namespace

void SetupCheckCommand(CLI::App& app, Streams& streams) {
  auto options = std::make_shared<CheckOptions>();
  CheckOptions& o = *options;
  CLI::App* cmd = app.add_subcommand(
      "check",
      "Fail a CI build (exit code 1) when a rule on the report does not hold "
      "or the model is significantly worse than a baseline report");
  AddInputOptions(cmd, &o.request, &o.input);

  const char* gates = "Gates";
  cmd->add_option("-r,--rule", o.rules,
                  "A rule 'METRIC OP NUMBER', e.g. 'accuracy >= 0.85', "
                  "'recall[>50K] >= 0.6', 'slice[sex=Female].error_rate <= "
                  "0.2' (repeatable; quote it for the shell)")
      ->option_text("EXPR")
      ->group(gates);
  cmd->add_option("--rules", o.rules_file,
                  "A JSON file of rules: {\"rules\": [\"accuracy >= 0.85\", "
                  "...], \"tolerance\": 0, \"alpha\": 0.05}")
      ->option_text("FILE")
      ->group(gates);
  cmd->add_option("-b,--baseline", o.baseline,
                  "A report written earlier by 'analyze --format json': fail "
                  "on significant regressions against it")
      ->option_text("REPORT.json")
      ->group(gates);
  o.tolerance_option =
      cmd->add_option("--tolerance", o.tolerance,
                      "Against the baseline, changes smaller than this (e.g. "
                      "0.01 = 1 point of accuracy) are never regressions")
          ->check(NumberBetween(0.0, 1.0))
          ->capture_default_str()
          ->group(gates);
  o.alpha_option =
      cmd->add_option("--alpha", o.alpha,
                      "Significance level of the baseline comparison, over "
                      "all its tests together (Holm)")
          ->check(NumberBetween(1e-12, 0.5))
          ->capture_default_str()
          ->group(gates);

  AddVerdictOutputOptions(cmd, "the verdicts",
                          "Also write JUnit XML here: one test case per rule "
                          "and per baseline comparison",
                          &o.out);
  cmd->add_option("--save-report", o.save_report,
                  "Also write the full JSON report here (the next run's "
                  "baseline)")
      ->option_text("FILE");
  AddAnalysisOptions(cmd, &o.request.analysis, &o.analysis);

  cmd->footer(
      "Exit codes: 0 every rule holds and nothing regressed, 1 a rule failed\n"
      "or a significant regression, 2 a usage or input error (an unknown\n"
      "metric, a bad rule, an unreadable baseline, bad predictions).\n"
      "\n"
      "Metrics (docs/gates.md): accuracy, error_rate, balanced_accuracy,\n"
      "cohen_kappa, mcc, macro.f1 (and .precision, .recall; weighted., micro.),\n"
      "recall[CLASS] (precision, f1, support, fp, fn, tp, tn), ece, mce,\n"
      "brier, log_loss, high_confidence_errors, low_confidence_correct,\n"
      "rows, errors, rows_skipped, slice[FEATURE=VALUE].error_rate (rows,\n"
      "errors, lift), slices.max_error_rate, slices.max_lift,\n"
      "slices.significant.\n"
      "\n"
      "Against --baseline, accuracy, balanced accuracy, each class's recall\n"
      "and precision and each slice's error rate are tested (two-proportion\n"
      "z-tests, Holm-adjusted together); a regression is worse by more than\n"
      "--tolerance with an adjusted p-value <= --alpha.\n"
      "\n"
      "Examples:\n"
      "  errscope check preds.csv --rule 'accuracy >= 0.85' --rule 'ece <= "
      "0.05'\n"
      "  errscope check preds.csv --rules gates.json --junit errscope.xml\n"
      "  errscope analyze main.csv --format json -o baseline.json\n"
      "  errscope check branch.csv --baseline baseline.json --tolerance 0.01 "
      "--format markdown >> \"$GITHUB_STEP_SUMMARY\"");
  cmd->callback([options, &streams] { RunCheck(*options, streams); });
}

}  // namespace errscope::cli
