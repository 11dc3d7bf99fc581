#include "errscope/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fmt/format.h>

namespace errscope {

Status WriteFileAtomically(const std::string& path, std::string_view contents) {
  // mkstemp needs a writable template in the target's directory, so that
  // the final rename stays on one file system.
  std::string temp = path + ".errscope-XXXXXX";
  int fd = ::mkstemp(temp.data());
  if (fd < 0) {
    return Status::Error(fmt::format("{}: cannot create the output file: {}",
                                     path, std::strerror(errno)));
  }
  auto fail = [&](const char* what) {
    int err = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    return Status::Error(
        fmt::format("{}: {}: {}", path, what, std::strerror(err)));
  };
  size_t written = 0;
  while (written < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write the output file");
    }
    written += static_cast<size_t>(n);
  }
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

}  // namespace errscope
