// Interrupted runs leave nothing behind: no half-written output and no
// temporary file; a closed stdout ends quietly with exit code 0.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "test_util.h"

namespace errscope::test {
namespace {

/// Starts the real binary with `args`, its stdin the read end of a pipe
/// whose write end is returned in `*input`.
pid_t Start(const std::vector<std::string>& args, int* input) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(fds[0], 0);
    ::close(fds[0]);
    ::close(fds[1]);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 2);
    std::vector<char*> argv;
    std::string binary = ERRSCOPE_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    // The test runner may ignore SIGINT; the child must not inherit that.
    ::signal(SIGINT, SIG_DFL);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(fds[0]);
  *input = fds[1];
  return pid;
}

void Write(int fd, const std::string& text) {
  REQUIRE(::write(fd, text.data(), text.size()) ==
          static_cast<ssize_t>(text.size()));
}

/// Whether `dir` holds a file whose name contains `part`.
bool HasFile(const std::string& dir, const std::string& part) {
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().filename().string().find(part) != std::string::npos) {
      return true;
    }
  }
  return false;
}

void WaitFor(const std::string& dir, const std::string& part) {
  for (int i = 0; i < 200 && !HasFile(dir, part); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

TEST_CASE("signals: SIGINT and SIGTERM remove the temporary output",
          "[signals]") {
  for (int sig : {SIGINT, SIGTERM}) {
    INFO("signal " << sig);
    TempDir dir;
    const std::string out = dir.path() + "/errors.csv";
    int input = -1;
    // `errors -o` streams into a temporary file next to the output while
    // the input is still coming.
    const pid_t pid = Start({"errors", "-", "-o", out}, &input);
    Write(input, "label,pred\na,b\nb,b\n");
    WaitFor(dir.path(), ".errscope-");
    CHECK(HasFile(dir.path(), ".errscope-"));
    REQUIRE(::kill(pid, sig) == 0);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    ::close(input);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == sig);
    CHECK_FALSE(HasFile(dir.path(), ".errscope-"));
    CHECK_FALSE(std::filesystem::exists(out));
  }
}

TEST_CASE("signals: an existing output is left as it was", "[signals]") {
  TempDir dir;
  const std::string out = dir.Write("errors.csv", "the old contents\n");
  int input = -1;
  const pid_t pid = Start({"errors", "-", "-o", out}, &input);
  Write(input, "label,pred\na,b\n");
  WaitFor(dir.path(), ".errscope-");
  REQUIRE(::kill(pid, SIGINT) == 0);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  ::close(input);
  CHECK(ReadFile(out) == "the old contents\n");
  CHECK_FALSE(HasFile(dir.path(), ".errscope-"));
}

TEST_CASE("signals: a closed stdout pipe ends quietly with exit 0",
          "[signals]") {
  // `head -1` closes the pipe after one line; errscope must not print an
  // error or die of SIGPIPE.
  const CliResult r = RunShell(
      "f=$(mktemp)\n"
      "printf 'label,pred\\n' > \"$f\"\n"
      "i=0; while [ $i -lt 20000 ]; do echo a,b; i=$((i+1)); done >> \"$f\"\n"
      "{ \"$ERRSCOPE\" errors \"$f\"; echo \"status=$?\" >&2; } | head -1\n"
      "rm -f \"$f\"\n");
  CHECK(r.out == "row,label,pred\n");
  CHECK(r.err == "status=0\n");
}

}  // namespace
}  // namespace errscope::test
