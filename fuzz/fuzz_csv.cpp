// The CSV/TSV reader on arbitrary bytes: quoting, delimiters, line ends,
// chunk boundaries. The first byte picks the chunk size (so that records
// meet chunk boundaries everywhere) and the delimiter.
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t control = data[0];
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t chunk_bytes = 1 + (control & 0x3f);  // 1 .. 64 bytes
  const errscope::InputFormat format = (control & 0x40) != 0
                                           ? errscope::InputFormat::kTsv
                                           : errscope::InputFormat::kCsv;
  // The same bytes in one chunk must be read the same way: either both
  // reads succeed or both fail.
  const bool small = errscope::fuzz::ReadAll(input, format, chunk_bytes);
  const bool whole = errscope::fuzz::ReadAll(input, format, 1 << 20);
  errscope::fuzz::Expect(small == whole);
  return 0;
}
