#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "errscope/status.h"

namespace errscope {

/// A stream of input bytes: a file, stdin, a string (tests) or a
/// decompressor wrapped around one of those. Readers depend only on this, so
/// tests feed them strings.
class ByteSource {
 public:
  virtual ~ByteSource() = default;

  /// Reads up to `capacity` bytes into `buffer` and stores the count in
  /// `*got`; `*got == 0` means end of input. Returns false on a read or
  /// decompression error (the message names the source).
  virtual bool Read(char* buffer, size_t capacity, size_t* got,
                    Status* status) = 0;

  /// Raw bytes taken from the underlying file so far (compressed bytes for
  /// gzip input); used for progress and throughput.
  virtual uint64_t raw_bytes_read() const = 0;
};

/// Where the bytes come from, for messages and the report.
struct SourceInfo {
  std::string name;         ///< The path as given, or "-" for stdin.
  bool gzip = false;        ///< Whether the bytes were gzip-compressed.
  uint64_t file_size = 0;   ///< Size on disk, 0 when unknown (pipes).
};

/// Opens `path` ("-" is stdin) and, when its first bytes are the gzip magic,
/// wraps it in a decompressor. Fails with a clear message when the file is
/// missing, unreadable or a directory.
std::unique_ptr<ByteSource> OpenInput(const std::string& path,
                                      SourceInfo* info, Status* status);

/// A source over an in-memory string (decompressed when it starts with the
/// gzip magic, like a file).
std::unique_ptr<ByteSource> OpenString(std::string data, SourceInfo* info);

/// Replays `prefix` (bytes already read from `rest` while sniffing the
/// format), then reads on from `rest`.
std::unique_ptr<ByteSource> MakePrefixedSource(std::string prefix,
                                               std::unique_ptr<ByteSource> rest);

/// Wraps `compressed` in a gzip decompressor (multi-member streams allowed).
std::unique_ptr<ByteSource> MakeGzipSource(std::unique_ptr<ByteSource> compressed,
                                           std::string name);

}  // namespace errscope
