#include <errno.h>

#include <cstdlib>
#include <cstring>

#include "cli/cli.h"
#include "errscope/atomic_file.h"

namespace errscope::cli {

void Check(const Status& status) {
  if (!status.ok()) throw CommandError(kExitUsageOrInput, status.message());
}

void WriteOutput(const std::string& path, std::string_view text,
                 Streams& streams) {
  if (!path.empty() && path != "-") {
    Check(WriteFileAtomically(path, text));
    return;
  }
  errno = 0;
  streams.out.write(text.data(), static_cast<std::streamsize>(text.size()));
  streams.out.flush();
  if (!streams.out) {
    if (errno == EPIPE) throw BrokenPipe();
    throw CommandError(kExitUsageOrInput,
                       std::string("cannot write to stdout: ") +
                           std::strerror(errno));
  }
}

void PrintWarnings(const std::vector<std::string>& warnings, Streams& streams,
                   const std::string& prefix) {
  for (const std::string& warning : warnings) {
    streams.err << "errscope: warning: " << prefix << warning << "\n";
  }
}

bool WantColor(const std::string& mode, bool is_tty) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::strcmp(term, "dumb") == 0) return false;
  return is_tty;
}

}  // namespace errscope::cli
