#include "errscope/byte_source.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fmt/format.h>

namespace errscope {

namespace {

/// Bytes already read while sniffing the format are replayed before the rest.
class PrefixedSource : public ByteSource {
 public:
  PrefixedSource(std::string prefix, std::unique_ptr<ByteSource> rest)
      : prefix_(std::move(prefix)), rest_(std::move(rest)) {}

  bool Read(char* buffer, size_t capacity, size_t* got,
            Status* status) override {
    if (offset_ < prefix_.size()) {
      size_t n = std::min(capacity, prefix_.size() - offset_);
      std::memcpy(buffer, prefix_.data() + offset_, n);
      offset_ += n;
      *got = n;
      return true;
    }
    return rest_->Read(buffer, capacity, got, status);
  }
  uint64_t raw_bytes_read() const override { return rest_->raw_bytes_read(); }

 private:
  std::string prefix_;
  size_t offset_ = 0;
  std::unique_ptr<ByteSource> rest_;
};

class FdSource : public ByteSource {
 public:
  FdSource(int fd, std::string name, bool owned)
      : fd_(fd), name_(std::move(name)), owned_(owned) {}
  ~FdSource() override {
    if (owned_) ::close(fd_);
  }

  bool Read(char* buffer, size_t capacity, size_t* got,
            Status* status) override {
    for (;;) {
      ssize_t n = ::read(fd_, buffer, capacity);
      if (n >= 0) {
        *got = static_cast<size_t>(n);
        raw_bytes_ += *got;
        return true;
      }
      if (errno == EINTR) continue;
      *status = Status::Error(
          fmt::format("{}: read error: {}", name_, std::strerror(errno)));
      return false;
    }
  }
  uint64_t raw_bytes_read() const override { return raw_bytes_; }

 private:
  int fd_;
  std::string name_;
  bool owned_;
  uint64_t raw_bytes_ = 0;
};

class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string data) : data_(std::move(data)) {}
  bool Read(char* buffer, size_t capacity, size_t* got, Status*) override {
    size_t n = std::min(capacity, data_.size() - offset_);
    std::memcpy(buffer, data_.data() + offset_, n);
    offset_ += n;
    *got = n;
    return true;
  }
  uint64_t raw_bytes_read() const override { return offset_; }

 private:
  std::string data_;
  size_t offset_ = 0;
};

bool HasGzipMagic(std::string_view head) {
  return head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
         static_cast<unsigned char>(head[1]) == 0x8b;
}

/// Reads the first bytes (to look for the gzip magic) and returns a source
/// that replays them, decompressing when needed.
std::unique_ptr<ByteSource> SniffCompression(std::unique_ptr<ByteSource> raw,
                                             SourceInfo* info,
                                             Status* status) {
  std::string head(2, '\0');
  size_t have = 0;
  while (have < head.size()) {
    size_t got = 0;
    if (!raw->Read(head.data() + have, head.size() - have, &got, status)) {
      return nullptr;
    }
    if (got == 0) break;
    have += got;
  }
  head.resize(have);
  info->gzip = HasGzipMagic(head);
  auto replay = MakePrefixedSource(std::move(head), std::move(raw));
  if (!info->gzip) return replay;
  return MakeGzipSource(std::move(replay), info->name);
}

}  // namespace

std::unique_ptr<ByteSource> MakePrefixedSource(
    std::string prefix, std::unique_ptr<ByteSource> rest) {
  return std::make_unique<PrefixedSource>(std::move(prefix), std::move(rest));
}

std::unique_ptr<ByteSource> OpenInput(const std::string& path, SourceInfo* info,
                                      Status* status) {
  info->name = path;
  if (path == "-") {
    auto raw = std::make_unique<FdSource>(0, "stdin", false);
    return SniffCompression(std::move(raw), info, status);
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    *status = Status::Error(
        err == ENOENT ? fmt::format("{}: no such file", path)
                      : fmt::format("{}: cannot open: {}", path,
                                    std::strerror(err)));
    return nullptr;
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    *status = Status::Error(
        fmt::format("{}: is a directory, expected a predictions file", path));
    return nullptr;
  }
  info->file_size = S_ISREG(st.st_mode) ? static_cast<uint64_t>(st.st_size) : 0;
#ifdef POSIX_FADV_SEQUENTIAL
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  auto raw = std::make_unique<FdSource>(fd, path, true);
  return SniffCompression(std::move(raw), info, status);
}

std::unique_ptr<ByteSource> OpenString(std::string data, SourceInfo* info) {
  info->file_size = data.size();
  Status ignored;  // a string source cannot fail
  return SniffCompression(std::make_unique<StringSource>(std::move(data)), info,
                          &ignored);
}

}  // namespace errscope
