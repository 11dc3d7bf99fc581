// The program: one CLI::App, a subcommand per file, one catch.
#include <fmt/format.h>

#include "cli/cli.h"
#include "errscope/version.h"

namespace errscope::cli {
namespace {

/// "errscope analyze" for the analyze subcommand, "errscope" for the app.
std::string CommandPath(const CLI::App* command) {
  std::string path = command->get_name();
  for (const CLI::App* p = command->get_parent(); p != nullptr;
       p = p->get_parent()) {
    path = p->get_name() + " " + path;
  }
  return path;
}

}  // namespace

int Main(int argc, const char* const* argv, Streams& streams) {
  CLI::App app(
      "errscope: where and why is my classifier wrong?\n"
      "Reads exported predictions (CSV, TSV, JSON, JSON Lines; plain or gzip)\n"
      "and reports the confusion matrix, per-class metrics and the errors.",
      "errscope");
  app.set_version_flag("--version", std::string("errscope ") + kVersion);
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  errscope analyze predictions.csv\n"
      "  errscope analyze preds.jsonl.gz --format json -o report.json\n"
      "  errscope analyze scores.csv --threshold 0.5 --positive 1\n"
      "  errscope check preds.csv --rule 'accuracy >= 0.85' --baseline "
      "main.json\n"
      "  errscope compare base.csv candidate.csv --key id\n"
      "\n"
      "Exit codes: 0 success, 1 a gate failed, 2 usage or input error.\n"
      "Run 'errscope COMMAND --help' for a command's options.");
  SetupAnalyzeCommand(app, streams);
  SetupErrorsCommand(app, streams);
  SetupCheckCommand(app, streams);
  SetupCompareCommand(app, streams);
  SetupSchemaCommand(app, streams);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with exit code 0 in CLI11.
    if (e.get_exit_code() == 0) return app.exit(e, streams.out, streams.err);
    // Usage errors look like every other error, and point at the help of
    // the command that was being parsed.
    std::vector<CLI::App*> chosen = app.get_subcommands();
    streams.err << fmt::format(
        "errscope: error: {}\nRun '{} --help' for the options.\n", e.what(),
        CommandPath(chosen.empty() ? &app : chosen.front()));
    return kExitUsageOrInput;
  } catch (const CommandError& e) {
    // A failed gate is a verdict, not an error of the run.
    streams.err << (e.exit_code == kExitGateFailed ? "errscope: "
                                                   : "errscope: error: ")
                << e.what() << "\n";
    return e.exit_code;
  } catch (const BrokenPipe&) {
    return kExitOk;
  }
  return kExitOk;
}

}  // namespace errscope::cli
