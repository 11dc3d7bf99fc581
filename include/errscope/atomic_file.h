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

}  // namespace errscope
