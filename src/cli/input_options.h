#pragma once
// The options shared by every command that reads predictions (analyze,
// errors): the input, its format, the column roles and the threads.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>

#include "cli/cli.h"
#include "errscope/pipeline.h"

namespace errscope::cli {

/// Option texts that need checking before they become an AnalyzeRequest.
struct InputOptions {
  std::string input_format = "auto";
  std::string delimiter;
};

/// Registers FILE, the input options, the column options and the binary
/// threshold options on `cmd`, writing into `request` and `input`.
void AddInputOptions(CLI::App* cmd, AnalyzeRequest* request,
                     InputOptions* input);

/// AddInputOptions without FILE, for a command that reads several files
/// with the same options (compare).
void AddReadingOptions(CLI::App* cmd, AnalyzeRequest* request,
                       InputOptions* input);

/// Completes `request` from `input`; throws CommandError (exit 2) for a bad
/// format name or delimiter. Sets up progress on a terminal: keep the
/// returned object alive while the input is read.
class Progress;
std::unique_ptr<Progress> ApplyInputOptions(const InputOptions& input,
                                            Streams& streams,
                                            AnalyzeRequest* request);

/// Shows "reading 120.5 MB (42%)" on a terminal for runs longer than a
/// second, at most five times a second; erases it when destroyed.
class Progress {
 public:
  explicit Progress(std::ostream& err) : err_(err) {}
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  void Update(uint64_t bytes, uint64_t total);

 private:
  using Clock = std::chrono::steady_clock;
  std::ostream& err_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_{};
  bool shown_ = false;
};

}  // namespace errscope::cli
