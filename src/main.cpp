#include <signal.h>
#include <unistd.h>

#include <iostream>

#include "cli/cli.h"
#include "errscope/atomic_file.h"

int main(int argc, char** argv) {
  // A closed pipe shows up as EPIPE on write, which ends the run quietly.
  ::signal(SIGPIPE, SIG_IGN);
  // Ctrl-C during `-o FILE` leaves neither FILE half-written nor the
  // temporary next to it.
  errscope::RemoveTempFilesOnInterrupt();
  std::ios::sync_with_stdio(false);
  errscope::cli::Streams streams{std::cout, std::cerr, ::isatty(1) == 1,
                                 ::isatty(2) == 1};
  return errscope::cli::Main(argc, argv, streams);
}
