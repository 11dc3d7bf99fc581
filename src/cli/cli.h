#pragma once

#include <CLI/CLI.hpp>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "errscope/status.h"

namespace errscope::cli {

/// Where a command writes, and whether those are terminals (for colour and
/// progress). Tests pass string streams.
struct Streams {
  std::ostream& out;
  std::ostream& err;
  bool out_is_tty = false;
  bool err_is_tty = false;
};

/// A failure that ends the command with `exit_code` after printing
/// `message`; thrown by commands, caught once in Main.
struct CommandError : std::runtime_error {
  CommandError(int code, const std::string& message)
      : std::runtime_error(message), exit_code(code) {}
  int exit_code;
};

/// Thrown when stdout is a closed pipe (`errscope ... | head`): the command
/// ends quietly with exit code 0.
struct BrokenPipe {};

/// Throws CommandError(2) when `status` failed.
void Check(const Status& status);

/// Prints the report's warnings on stderr, one "errscope: warning: " line
/// each, after `prefix` (e.g. the file name when a command reads two).
void PrintWarnings(const std::vector<std::string>& warnings, Streams& streams,
                   const std::string& prefix = "");

/// Writes `text` to `path` atomically, or to the output stream when `path`
/// is empty or "-".
void WriteOutput(const std::string& path, std::string_view text,
                 Streams& streams);

/// Whether colour is wanted: "always", "never", or "auto" (a terminal,
/// NO_COLOR unset, TERM not "dumb").
bool WantColor(const std::string& mode, bool is_tty);

/// An option check: a whole number >= `min`, with a message naming both.
CLI::Validator IntegerAtLeast(long long min);
/// An option check: a whole number in [min, max].
CLI::Validator IntegerInRange(long long min, long long max);
/// An option check: a number in [lo, hi] (NaN is rejected).
CLI::Validator NumberBetween(double lo, double hi);

/// `errscope analyze`: registers the subcommand and its options.
void SetupAnalyzeCommand(CLI::App& app, Streams& streams);
/// `errscope check`: CI gates (rules and a baseline report).
void SetupCheckCommand(CLI::App& app, Streams& streams);
/// `errscope compare`: two prediction files on the same examples.
void SetupCompareCommand(CLI::App& app, Streams& streams);
/// `errscope schema`.
void SetupSchemaCommand(CLI::App& app, Streams& streams);
/// `errscope errors`: writes the misclassified rows.
void SetupErrorsCommand(CLI::App& app, Streams& streams);

/// The whole program: parses `argv`, runs the command, prints any error.
/// Returns the exit code (see ExitCode).
int Main(int argc, const char* const* argv, Streams& streams);

}  // namespace errscope::cli
