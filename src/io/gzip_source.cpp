// gzip decompression as a ByteSource: zlib's inflate over another source.
#include <zlib.h>

#include <cstring>
#include <fmt/format.h>
#include <vector>

#include "errscope/byte_source.h"

namespace errscope {
namespace {

class GzipSource : public ByteSource {
 public:
  GzipSource(std::unique_ptr<ByteSource> compressed, std::string name)
      : compressed_(std::move(compressed)),
        name_(std::move(name)),
        input_(kInputSize) {
    std::memset(&stream_, 0, sizeof stream_);
    // 15 + 16: a gzip wrapper (not raw deflate or zlib) with a 32 KB window.
    initialized_ = inflateInit2(&stream_, 15 + 16) == Z_OK;
  }
  ~GzipSource() override {
    if (initialized_) inflateEnd(&stream_);
  }

  bool Read(char* buffer, size_t capacity, size_t* got,
            Status* status) override {
    *got = 0;
    if (!deferred_error_.ok()) {
      *status = deferred_error_;
      return false;
    }
    if (!initialized_) return Fail("cannot initialise zlib", status);
    if (!Inflate(buffer, capacity, status)) {
      // The bytes decompressed before the error are good: return them, and
      // the error on the next call.
      *got = capacity - stream_.avail_out;
      if (*got == 0) return false;
      deferred_error_ = *status;
      *status = Status::Ok();
      return true;
    }
    *got = capacity - stream_.avail_out;
    return true;
  }

  uint64_t raw_bytes_read() const override {
    return compressed_->raw_bytes_read();
  }

 private:
  static constexpr size_t kInputSize = 1 << 18;

  /// Fills `buffer` as far as the input goes; false on an error.
  bool Inflate(char* buffer, size_t capacity, Status* status) {
    stream_.next_out = reinterpret_cast<Bytef*>(buffer);
    stream_.avail_out = static_cast<uInt>(std::min<size_t>(capacity, 1 << 30));
    while (stream_.avail_out > 0 && !finished_) {
      if (stream_.avail_in == 0 && !Refill(status)) return false;
      if (stream_.avail_in == 0) {  // end of the compressed bytes
        if (member_started_) {
          return Fail("truncated gzip data (unexpected end of file)", status);
        }
        finished_ = true;
        break;
      }
      member_started_ = true;
      int rc = inflate(&stream_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        // Another gzip member may follow (as `cat a.gz b.gz` makes).
        member_started_ = false;
        inflateReset(&stream_);
        if (stream_.avail_in == 0 && !Refill(status)) return false;
        if (stream_.avail_in > 0 && stream_.next_in[0] != 0x1f) {
          return Fail("unexpected bytes after the end of the gzip data",
                      status);
        }
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return Fail(fmt::format("corrupt gzip data ({})",
                                stream_.msg ? stream_.msg : "inflate failed"),
                    status);
      }
    }
    return true;
  }

  bool Refill(Status* status) {
    size_t got = 0;
    if (!compressed_->Read(input_.data(), input_.size(), &got, status)) {
      return false;
    }
    stream_.next_in = reinterpret_cast<Bytef*>(input_.data());
    stream_.avail_in = static_cast<uInt>(got);
    return true;
  }

  bool Fail(const std::string& what, Status* status) {
    *status = Status::Error(fmt::format("{}: {}", name_, what));
    return false;
  }

  std::unique_ptr<ByteSource> compressed_;
  std::string name_;
  std::vector<char> input_;
  z_stream stream_;
  bool initialized_ = false;
  bool finished_ = false;
  bool member_started_ = false;
  Status deferred_error_;
};

}  // namespace

std::unique_ptr<ByteSource> MakeGzipSource(
    std::unique_ptr<ByteSource> compressed, std::string name) {
  return std::make_unique<GzipSource>(std::move(compressed), std::move(name));
}

}  // namespace errscope
