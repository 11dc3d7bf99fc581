// OpenInput (files, directories, gzip by magic) and the format names.
#include <catch2/catch.hpp>
#include <string>

#include "errscope/byte_source.h"
#include "errscope/input_format.h"
#include "test_util.h"

namespace errscope::test {
namespace {

using Catch::Matchers::Contains;

/// Reads `source` to its end `capacity` bytes at a time; returns false (with
/// `status` set) on a read error.
bool ReadAll(ByteSource* source, size_t capacity, std::string* out,
             Status* status) {
  std::string buffer(capacity, '\0');
  for (;;) {
    size_t got = 0;
    if (!source->Read(buffer.data(), capacity, &got, status)) return false;
    if (got == 0) return true;
    out->append(buffer, 0, got);
  }
}

/// Opens `path` and reads it whole (with two buffer sizes, so that small
/// reads cross every boundary); fails the test on any error.
std::string ReadInput(const std::string& path, SourceInfo* info) {
  std::string whole;
  for (size_t capacity : {size_t{1} << 16, size_t{3}}) {
    Status status;
    auto source = OpenInput(path, info, &status);
    INFO("error: " << status.message());
    REQUIRE(source != nullptr);
    std::string data;
    REQUIRE(ReadAll(source.get(), capacity, &data, &status));
    if (capacity != 3) whole = data;
    CHECK(data == whole);
  }
  return whole;
}

/// The error of opening, then reading `path` whole.
std::string InputError(const std::string& path) {
  SourceInfo info;
  Status status;
  auto source = OpenInput(path, &info, &status);
  std::string data;
  if (source != nullptr) {
    CHECK(info.gzip);
    REQUIRE_FALSE(ReadAll(source.get(), 1 << 16, &data, &status));
  }
  REQUIRE_FALSE(status.ok());
  return status.message();
}

/// Text long enough to span several deflate blocks and read buffers.
std::string SampleText(int lines) {
  std::string text = "label,score\n";
  for (int i = 0; i < lines; ++i) {
    text += "class" + std::to_string(i * 7919 % 1000) + "," +
            std::to_string(i % 100) + "\n";
  }
  return text;
}

TEST_CASE("OpenInput: a missing file and a directory", "[byte_source]") {
  TempDir dir;
  std::string missing = dir.path() + "/nope.csv";
  std::string error = InputError(missing);
  CHECK_THAT(error, Contains(missing + ": no such file"));
  error = InputError(dir.path());
  CHECK_THAT(error, Contains(dir.path() + ": is a directory"));
}

TEST_CASE("OpenInput: a plain file is read whole", "[byte_source]") {
  TempDir dir;
  const std::string text = SampleText(20000);
  std::string path = dir.Write("plain.csv", text);
  SourceInfo info;
  CHECK(ReadInput(path, &info) == text);
  CHECK(info.name == path);
  CHECK_FALSE(info.gzip);
  CHECK(info.file_size == text.size());
}

TEST_CASE("OpenInput: an empty file", "[byte_source]") {
  TempDir dir;
  SourceInfo info;
  Status status;
  auto source = OpenInput(dir.Write("empty.csv", ""), &info, &status);
  REQUIRE(source != nullptr);
  char buffer[16];
  size_t got = 99;
  REQUIRE(source->Read(buffer, sizeof buffer, &got, &status));
  CHECK(got == 0);
  CHECK_FALSE(info.gzip);
  CHECK(info.file_size == 0);
}

TEST_CASE("OpenInput: gzip is detected by its magic", "[byte_source]") {
  TempDir dir;
  const std::string text = SampleText(20000);
  const std::string compressed = Gzip(text);
  REQUIRE(compressed.size() < text.size());
  for (const char* name : {"data.csv.gz", "data.csv", "data"}) {
    INFO(name);
    SourceInfo info;
    std::string path = dir.Write(name, compressed);
    CHECK(ReadInput(path, &info) == text);
    CHECK(info.gzip);
    CHECK(info.file_size == compressed.size());
  }
  SECTION("OpenString decompresses too") {
    SourceInfo info;
    Status status;
    auto source = OpenString(compressed, &info);
    std::string data;
    REQUIRE(ReadAll(source.get(), 5, &data, &status));
    CHECK(data == text);
    CHECK(info.gzip);
  }
}

TEST_CASE("OpenInput: gzip members concatenated decode to both parts",
          "[byte_source]") {
  TempDir dir;
  const std::string second = SampleText(3000);
  SourceInfo info;
  std::string path = dir.Write(
      "two.gz", Gzip("first part\n") + Gzip(second) + Gzip(""));
  CHECK(ReadInput(path, &info) == "first part\n" + second);
  CHECK(info.gzip);
}

TEST_CASE("OpenInput: broken gzip data", "[byte_source][error]") {
  TempDir dir;
  const std::string compressed = Gzip(SampleText(2000));
  SECTION("truncated") {
    std::string path = dir.Write(
        "cut.gz", compressed.substr(0, compressed.size() / 2));
    CHECK_THAT(InputError(path), Contains(path + ": truncated gzip data"));
    // Missing only the trailer (CRC and size) is truncated as well.
    path = dir.Write("trailer.gz",
                     compressed.substr(0, compressed.size() - 4));
    CHECK_THAT(InputError(path), Contains("truncated gzip data"));
  }
  SECTION("the magic followed by garbage") {
    std::string path = dir.Write(
        "bad.gz", "\x1f\x8b" + std::string(64, 'x') + "more garbage");
    CHECK_THAT(InputError(path), Contains(path + ": corrupt gzip data"));
  }
  SECTION("garbage after a complete member") {
    std::string path = dir.Write("tail.gz", compressed + "garbage");
    CHECK_THAT(InputError(path),
               Contains(path + ": unexpected bytes after the end of the gzip"));
    path = dir.Write("tail2.gz", compressed + "\x1fjunk and more junk");
    CHECK_THAT(InputError(path), Contains(path + ": corrupt gzip data"));
  }
}

TEST_CASE("FormatFromPath: the extension, ignoring .gz and case",
          "[input_format]") {
  struct Case {
    const char* path;
    InputFormat format;
  };
  const Case cases[] = {
      {"a.csv", InputFormat::kCsv},           {"a.csv.gz", InputFormat::kCsv},
      {"dir.d/A.CSV.GZ", InputFormat::kCsv},  {"a.TSV", InputFormat::kTsv},
      {"a.tab", InputFormat::kTsv},           {"a.tsv.gz", InputFormat::kTsv},
      {"a.json", InputFormat::kJson},         {"a.json.gz", InputFormat::kJson},
      {"a.jsonl", InputFormat::kJsonLines},   {"a.ndjson", InputFormat::kJsonLines},
      {"a.NDJSON.gz", InputFormat::kJsonLines}, {"data", InputFormat::kAuto},
      {"-", InputFormat::kAuto},              {"a.gz", InputFormat::kAuto},
      {"a.txt", InputFormat::kAuto},          {"csv", InputFormat::kAuto},
      {"a.csv.bak", InputFormat::kAuto},      {"", InputFormat::kAuto},
  };
  for (const Case& c : cases) {
    INFO(c.path);
    CHECK(FormatFromPath(c.path) == c.format);
  }
}

TEST_CASE("ParseFormatName and FormatName", "[input_format]") {
  struct Case {
    const char* name;
    InputFormat format;
  };
  const Case cases[] = {
      {"auto", InputFormat::kAuto},       {"csv", InputFormat::kCsv},
      {"tsv", InputFormat::kTsv},         {"json", InputFormat::kJson},
      {"jsonl", InputFormat::kJsonLines}, {"ndjson", InputFormat::kJsonLines},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    InputFormat format = InputFormat::kCsv;
    if (c.format == InputFormat::kCsv) format = InputFormat::kAuto;
    REQUIRE(ParseFormatName(c.name, &format));
    CHECK(format == c.format);
  }
  for (const char* bad : {"", "CSV", "xml", "json lines", "csv.gz"}) {
    INFO(bad);
    InputFormat format = InputFormat::kTsv;
    CHECK_FALSE(ParseFormatName(bad, &format));
    CHECK(format == InputFormat::kTsv);  // untouched on failure
  }
  CHECK(FormatName(InputFormat::kAuto) == "auto");
  CHECK(FormatName(InputFormat::kCsv) == "csv");
  CHECK(FormatName(InputFormat::kTsv) == "tsv");
  CHECK(FormatName(InputFormat::kJson) == "json");
  CHECK(FormatName(InputFormat::kJsonLines) == "jsonl");
  // Every name printed is one that parses back.
  for (InputFormat f : {InputFormat::kAuto, InputFormat::kCsv, InputFormat::kTsv,
                        InputFormat::kJson, InputFormat::kJsonLines}) {
    InputFormat back = InputFormat::kAuto;
    CHECK(ParseFormatName(FormatName(f), &back));
    CHECK(back == f);
  }
}

}  // namespace
}  // namespace errscope::test
