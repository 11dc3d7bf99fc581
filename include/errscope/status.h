#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace errscope {

/// Process exit codes: the one place they are defined.
enum ExitCode : int {
  kExitOk = 0,
  kExitGateFailed = 1,  ///< Reserved for failed CI gates.
  kExitUsageOrInput = 2,
};

/// The outcome of a library call that can fail on bad input or bad usage.
/// Library code returns a Status instead of throwing; the CLI turns a failed
/// Status into a message on stderr and exit code 2.
class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(std::string message) {
    Status s;
    s.ok_ = false;
    s.message_ = std::move(message);
    return s;
  }

  bool ok() const { return ok_; }
  const std::string& message() const { return message_; }

 private:
  bool ok_ = true;
  std::string message_;
};

/// "source:line: " or "source:line:column: " (line and column 1-based; a
/// zero column is left out), the prefix of every input error message.
std::string Where(std::string_view source, int64_t line, int64_t column = 0);

/// Quotes a cell for an error message, shortened if it is long.
std::string QuoteForMessage(std::string_view text);

}  // namespace errscope
