// errscope schema: print the JSON Schema of the report.
#include "cli/cli.h"
#include "errscope/schema.h"

namespace errscope::cli {

void SetupSchemaCommand(CLI::App& app, Streams& streams) {
  CLI::App* cmd = app.add_subcommand(
      "schema", "Print the JSON Schema of the report (analyze --format json)");
  cmd->footer("Example:\n  errscope schema > report.schema.json");
  cmd->callback([&streams] {
    std::string text(ReportSchemaText());
    if (text.empty() || text.back() != '\n') text += '\n';
    WriteOutput("", text, streams);
  });
}

}  // namespace errscope::cli
