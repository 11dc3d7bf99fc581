#include "errscope/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>

namespace errscope {

namespace {

/// Writes all of `contents` to `fd`; false with errno set on failure.
bool WriteAll(int fd, std::string_view contents) {
  size_t written = 0;
  while (written < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    written += static_cast<size_t>(n);
  }
  return true;
}

/// A device or a pipe (`-o /dev/null`, `/dev/stdout`, a FIFO) cannot be
/// replaced by a rename, and must not be: the report is written into it.
Status WriteInPlace(const std::string& path, std::string_view contents) {
  int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0 || !WriteAll(fd, contents)) {
    int err = errno;
    if (fd >= 0) ::close(fd);
    return Status::Error(fmt::format("{}: cannot write the output file: {}",
                                     path, std::strerror(err)));
  }
  ::close(fd);
  return Status::Ok();
}

}  // namespace

Status WriteFileAtomically(const std::string& requested,
                           std::string_view contents) {
  struct stat st {};
  if (::stat(requested.c_str(), &st) == 0 && !S_ISREG(st.st_mode) &&
      !S_ISDIR(st.st_mode)) {
    return WriteInPlace(requested, contents);
  }
  // Through a symbolic link, the file it points to is replaced and the link
  // stays a link.
  std::string path = requested;
  std::error_code ignored;
  if (std::filesystem::is_symlink(requested, ignored)) {
    std::filesystem::path target =
        std::filesystem::weakly_canonical(requested, ignored);
    if (!ignored) path = target.string();
  }
  // mkstemp needs a writable template in the target's directory, so that
  // the final rename stays on one file system.
  std::string temp = path + ".errscope-XXXXXX";
  int fd = ::mkstemp(temp.data());
  if (fd < 0) {
    return Status::Error(fmt::format("{}: cannot create the output file: {}",
                                     path, std::strerror(errno)));
  }
  const TempFileGuard guard(temp);
  auto fail = [&](const char* what) {
    int err = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    return Status::Error(
        fmt::format("{}: {}: {}", path, what, std::strerror(err)));
  };
  if (!WriteAll(fd, contents)) return fail("cannot write the output file");
  // mkstemp creates 0600; give the report the usual permissions.
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  if (::fsync(fd) != 0) return fail("cannot flush the output file");
  if (::close(fd) != 0) {
    ::unlink(temp.c_str());
    return Status::Error(fmt::format("{}: cannot close the output file: {}",
                                     path, std::strerror(errno)));
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    return Status::Error(fmt::format("{}: cannot write the output file: {}",
                                     path, std::strerror(err)));
  }
  return Status::Ok();
}

namespace {

// The registry lives in fixed storage: a signal handler may only read it
// and call unlink (async-signal-safe); it must not allocate or lock.
constexpr size_t kMaxPath = 4096;
char temp_paths[TempFileGuard::kMaxTempFiles][kMaxPath];
/// A slot the handler may read (its path is complete).
std::atomic<bool> temp_used[TempFileGuard::kMaxTempFiles];
/// A slot some guard owns (it may still be filling the path in).
std::atomic<bool> temp_claimed[TempFileGuard::kMaxTempFiles];

extern "C" void RemoveTempFilesAndDie(int sig) {
  for (int i = 0; i < TempFileGuard::kMaxTempFiles; ++i) {
    if (temp_used[i].load()) ::unlink(temp_paths[i]);
  }
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

}  // namespace

TempFileGuard::TempFileGuard(const std::string& path) {
  if (path.size() >= kMaxPath) return;
  for (int i = 0; i < kMaxTempFiles; ++i) {
    bool expected = false;
    // Claim the slot first (still unused to the handler), then fill it in
    // and publish it.
    if (!temp_claimed[i].compare_exchange_strong(expected, true)) continue;
    std::memcpy(temp_paths[i], path.c_str(), path.size() + 1);
    temp_used[i].store(true);
    slot_ = i;
    return;
  }
}

TempFileGuard::~TempFileGuard() {
  if (slot_ < 0) return;
  temp_used[slot_].store(false);
  temp_claimed[slot_].store(false);
}

void RemoveTempFilesOnInterrupt() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    // A signal ignored at start (a background job's SIGINT, nohup's SIGHUP)
    // stays ignored, as the shell meant.
    if (::signal(sig, RemoveTempFilesAndDie) == SIG_IGN) ::signal(sig, SIG_IGN);
  }
}

}  // namespace errscope
