// A read error in the middle of the input: an error (exit 2, nothing
// written), or with --allow-partial a report on the rows before that says
// so.
#include <zlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "test_util.h"

namespace errscope::test {
namespace {

using Catch::Matchers::Contains;
using nlohmann::json;

/// The whole lines that zlib itself recovers from a cut gzip stream (the
/// header line excluded).
int64_t RecoverableRows(const std::string& gz) {
  z_stream z{};
  REQUIRE(inflateInit2(&z, 15 + 16) == Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  std::string out(64 << 20, '\0');
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  inflate(&z, Z_NO_FLUSH);
  out.resize(out.size() - z.avail_out);
  inflateEnd(&z);
  return static_cast<int64_t>(std::count(out.begin(), out.end(), '\n')) - 1;
}

TEST_CASE("partial: a truncated gzip fails, or is reported as partial",
          "[partial]") {
  std::string csv = "label,pred,confidence,id\n";
  for (int64_t i = 0; i < 300000; ++i) {
    csv += fmt::format("{},{},0.{},{}\n", i % 3 == 0 ? "a" : "b",
                       i % 5 == 0 ? "a" : "b", (i * 7919) % 1000, i * 104729);
  }
  const std::string whole = Gzip(csv);
  const std::string cut = whole.substr(0, whole.size() / 2);
  const int64_t recoverable = RecoverableRows(cut);
  REQUIRE(recoverable > 1000);
  REQUIRE(recoverable < 300000);
  TempDir dir;
  const std::string path = dir.Write("cut.csv.gz", cut);
  const std::string out = dir.path() + "/report.json";

  const CliResult failed = RunCli({"analyze", path, "-o", out});
  CHECK(failed.exit_code == 2);
  CHECK_THAT(failed.err, Contains("truncated gzip data"));
  CHECK_FALSE(std::filesystem::exists(out));  // never a report on a part

  std::string first;
  for (const char* threads : {"1", "3"}) {
    for (const char* chunk : {"1048576", "5000"}) {
      INFO(threads << " threads, chunks of " << chunk);
      const CliResult r =
          RunCli({"analyze", path, "--allow-partial", "--format", "json",
                  "--threads", threads, "--chunk-bytes", chunk});
      REQUIRE(r.exit_code == 0);
      CHECK_THAT(r.err, Contains("the input could not be read to the end"));
      CHECK_THAT(r.err, Contains("(--allow-partial)"));
      const json report = json::parse(r.out);
      CHECK(report["input"]["partial"] == true);
      CHECK_THAT(report["input"]["partial_error"].get<std::string>(),
                 Contains("truncated gzip data"));
      // Every whole line before the cut, and nothing of the cut one.
      CHECK(report["input"]["rows_read"] == recoverable);
      if (first.empty()) first = r.out;
      CHECK(r.out == first);  // the same whatever the threads and chunks
    }
  }

  // errors: the error rows before the cut, and the warning.
  const CliResult rows = RunCli({"errors", path, "--allow-partial", "--all"});
  CHECK(rows.exit_code == 0);
  CHECK(std::count(rows.out.begin(), rows.out.end(), '\n') == recoverable + 1);
  CHECK_THAT(rows.err, Contains("only the"));
  CHECK(RunCli({"errors", path}).exit_code == 2);

  // A complete input is not partial.
  const CliResult complete =
      RunCli({"analyze", dir.Write("whole.csv.gz", whole), "--allow-partial",
              "--format", "json"});
  REQUIRE(complete.exit_code == 0);
  CHECK(json::parse(complete.out)["input"]["partial"] == false);
  CHECK(json::parse(complete.out)["input"]["partial_error"].is_null());
}

TEST_CASE("partial: a bad row before a read error is the error reported",
          "[partial]") {
  // The bad row (line 702) is in an early chunk and the read fails many
  // chunks later: whichever thread reads or decodes what, the row comes
  // first in the input, so it is the error (with or without
  // --allow-partial).
  std::string csv = "label,pred,confidence\n";
  for (int64_t i = 0; i < 200000; ++i) {
    csv += i == 700 ? "a,b,7\n"
                    : fmt::format("{},b,0.{}\n", i % 3 == 0 ? "a" : "b",
                                  (i * 7919) % 1000);
  }
  const std::string whole = Gzip(csv);
  TempDir dir;
  const std::string path =
      dir.Write("bad_then_cut.csv.gz", whole.substr(0, whole.size() / 2));
  for (const char* threads : {"1", "2", "5"}) {
    for (const char* chunk : {"2097152", "3000"}) {
      for (const bool partial : {false, true}) {
        INFO(threads << " threads, chunks of " << chunk << ", partial "
                     << partial);
        std::vector<std::string> args = {"analyze", path, "--threads", threads,
                                         "--chunk-bytes", chunk};
        if (partial) args.push_back("--allow-partial");
        const CliResult r = RunCli(args);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Contains("bad_then_cut.csv.gz:702:"));
        CHECK_THAT(r.err, !Contains("truncated"));
      }
    }
  }
}

}  // namespace
}  // namespace errscope::test
