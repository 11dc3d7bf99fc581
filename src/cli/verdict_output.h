#pragma once
// Where and how the gate commands (check, compare) write their verdicts:
// text, JSON or Markdown to stdout or -o FILE, and JUnit XML to --junit.
#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "cli/cli.h"

namespace errscope::cli {

struct VerdictOutput {
  std::string format = "text";
  std::string output;
  std::string junit;
  std::string color = "auto";
};

/// Registers -o, --format, --junit and --color; `what` names the output
/// in the help ("the verdicts", "the comparison").
void AddVerdictOutputOptions(CLI::App* cmd, const std::string& what,
                             const std::string& junit_help, VerdictOutput* out);

/// The writers of one command's outcome.
struct VerdictWriters {
  std::function<std::string(bool color)> text;
  std::function<std::string()> json;
  std::function<std::string()> markdown;
  std::function<std::string()> junit;
};

/// Writes the JUnit file (when asked for), then the chosen format.
void WriteVerdicts(const VerdictOutput& out, const VerdictWriters& writers,
                   Streams& streams);

}  // namespace errscope::cli
