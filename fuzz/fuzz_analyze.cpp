// The whole analysis on arbitrary bytes, as `errscope analyze FILE --format
// json` runs it: format sniffing, gzip, readers, column detection, decoding,
// every analyzer and the JSON writer. A run either fails with a message or
// writes a report that parses back.
#include <nlohmann/json.hpp>
#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

#include "errscope/pipeline.h"
#include "errscope/writers.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A file of its own per process: the pipeline reads a path (a JSON array
  // of probabilities is read twice).
  static const std::string path =
      "/tmp/errscope-fuzz-" + std::to_string(::getpid()) + ".input";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data),
              static_cast<std::streamsize>(size));
  }
  errscope::AnalyzeRequest request;
  request.path = path;
  request.threads = 1;
  request.reader.chunk_bytes = 64;  // many chunks, many merges
  errscope::Report report;
  const errscope::Status s = errscope::RunAnalysis(request, &report);
  if (!s.ok()) {
    errscope::fuzz::Expect(!s.message().empty());
    return 0;
  }
  const std::string json = errscope::WriteJsonReport(report);
  const auto parsed = nlohmann::json::parse(json, nullptr, false);
  errscope::fuzz::Expect(!parsed.is_discarded());
  errscope::fuzz::Expect(parsed["summary"]["rows"].get<int64_t>() ==
                         report.input.rows_used);
  return 0;
}
