// The JSON and JSON Lines reader on arbitrary bytes: nesting, numbers
// (1e400, -0, nan), strings, keys missing or extra, chunk boundaries. The
// first byte picks the format and the chunk size.
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t control = data[0];
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t chunk_bytes = 1 + (control & 0x3f);
  const errscope::InputFormat format = (control & 0x40) != 0
                                           ? errscope::InputFormat::kJson
                                           : errscope::InputFormat::kJsonLines;
  const bool small = errscope::fuzz::ReadAll(input, format, chunk_bytes);
  const bool whole = errscope::fuzz::ReadAll(input, format, 1 << 20);
  errscope::fuzz::Expect(small == whole);
  return 0;
}
