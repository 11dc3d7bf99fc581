#pragma once

#include <string>
#include <string_view>

#include "errscope/status.h"

namespace errscope {

/// Writes `contents` to `path` so that readers see either the old file or
/// the whole new one: a temporary file in the same directory, flushed to
/// disk, then renamed over `path`. On failure the temporary is removed and
/// `path` is untouched. Through a symbolic link the link's target is
/// replaced; a device or FIFO (`/dev/null`, `/dev/stdout`) is written into
/// directly, since it cannot be replaced.
Status WriteFileAtomically(const std::string& path, std::string_view contents);

/// Keeps a temporary output file known while it exists, so that an
/// interrupt (SIGINT, SIGTERM, SIGHUP) removes it instead of leaving it
/// behind: register it once created, and the destructor forgets it (after
/// the rename, or after removing it). At most kMaxTempFiles at once; beyond,
/// a file is simply not cleaned up on interrupt.
class TempFileGuard {
 public:
  static constexpr int kMaxTempFiles = 16;
  explicit TempFileGuard(const std::string& path);
  ~TempFileGuard();
  TempFileGuard(const TempFileGuard&) = delete;
  TempFileGuard& operator=(const TempFileGuard&) = delete;

 private:
  int slot_ = -1;  ///< -1: not registered (too many, or the path too long).
};

/// Installs the handlers that remove the registered temporary files on
/// SIGINT, SIGTERM and SIGHUP and then die of the same signal (so the exit
/// status still says "interrupted": 130 for Ctrl-C in a shell).
void RemoveTempFilesOnInterrupt();

}  // namespace errscope
