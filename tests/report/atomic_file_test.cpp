#include "errscope/atomic_file.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "test_util.h"

namespace errscope::test {
namespace {

using Catch::Matchers::Contains;

TEST_CASE("atomic write: creates, replaces, leaves no temporary") {
  TempDir dir;
  const std::string path = dir.path() + "/report.txt";
  REQUIRE(WriteFileAtomically(path, "first").ok());
  CHECK(ReadFile(path) == "first");
  REQUIRE(WriteFileAtomically(path, "second").ok());
  CHECK(ReadFile(path) == "second");
  size_t entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++entries;
  }
  CHECK(entries == 1);
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0044) != 0);  // readable by others, like any report
}

TEST_CASE("atomic write: a missing directory is a clear error") {
  Status s = WriteFileAtomically("/nonexistent-dir/report.json", "x");
  CHECK_FALSE(s.ok());
  CHECK_THAT(s.message(), Contains("/nonexistent-dir/report.json"));
  CHECK_THAT(s.message(), Contains("cannot create the output file"));
}

TEST_CASE("atomic write: a directory in the way leaves it untouched") {
  TempDir dir;
  const std::string path = dir.path() + "/taken";
  std::filesystem::create_directory(path);
  Status s = WriteFileAtomically(path, "x");
  CHECK_FALSE(s.ok());
  CHECK(std::filesystem::is_directory(path));
  size_t entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++entries;
  }
  CHECK(entries == 1);
}

}  // namespace
}  // namespace errscope::test

namespace errscope::test {
namespace {

TEST_CASE("atomic write: a device is written into, never replaced") {
  // A rename over /dev/null would turn it into a regular file for every
  // process on the machine.
  REQUIRE(WriteFileAtomically("/dev/null", "report").ok());
  struct stat st {};
  REQUIRE(::stat("/dev/null", &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
  for (const auto& e : std::filesystem::directory_iterator("/dev")) {
    CHECK(e.path().filename().string().rfind("null.errscope-", 0) != 0);
  }
}

TEST_CASE("atomic write: through a symbolic link the target is replaced") {
  TempDir dir;
  const std::string target = dir.path() + "/target.json";
  const std::string link = dir.path() + "/link.json";
  dir.Write("target.json", "old");
  std::filesystem::create_symlink(target, link);
  REQUIRE(WriteFileAtomically(link, "new").ok());
  CHECK(std::filesystem::is_symlink(link));
  CHECK(ReadFile(target) == "new");
}

}  // namespace
}  // namespace errscope::test
