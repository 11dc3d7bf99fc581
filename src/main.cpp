#include <signal.h>
#include <unistd.h>

#include <iostream>

#include "cli/cli.h"

int main(int argc, char** argv) {
  // A closed pipe shows up as EPIPE on write, which ends the run quietly.
  ::signal(SIGPIPE, SIG_IGN);
  std::ios::sync_with_stdio(false);
  errscope::cli::Streams streams{std::cout, std::cerr, ::isatty(1) == 1,
                                 ::isatty(2) == 1};
  return errscope::cli::Main(argc, argv, streams);
}
