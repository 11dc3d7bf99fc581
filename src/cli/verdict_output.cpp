// The outputs shared by check and compare.
#include "cli/verdict_output.h"

namespace errscope::cli {

void AddVerdictOutputOptions(CLI::App* cmd, const std::string& what,
                             const std::string& junit_help,
                             VerdictOutput* out) {
  cmd->add_option("-o,--output", out->output,
                  "Write " + what + " to this file (atomically) instead of "
                  "stdout")
      ->option_text("FILE");
  cmd->add_option("-f,--format", out->format,
                  "text, json, or markdown (for a PR comment or "
                  "$GITHUB_STEP_SUMMARY)")
      ->check(CLI::IsMember({"text", "json", "markdown"}))
      ->capture_default_str();
  cmd->add_option("--junit", out->junit, junit_help)->option_text("FILE");
  cmd->add_option("--color", out->color,
                  "Colour in the text output (auto: only on a terminal and "
                  "without NO_COLOR)")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
}

void WriteVerdicts(const VerdictOutput& out, const VerdictWriters& writers,
                   Streams& streams) {
  if (!out.junit.empty()) WriteOutput(out.junit, writers.junit(), streams);
  std::string text;
  if (out.format == "json") {
    text = writers.json();
  } else if (out.format == "markdown") {
    text = writers.markdown();
  } else {
    const bool to_terminal =
        (out.output.empty() || out.output == "-") && streams.out_is_tty;
    text = writers.text(WantColor(out.color, to_terminal));
  }
  WriteOutput(out.output, text, streams);
}

}  // namespace errscope::cli
