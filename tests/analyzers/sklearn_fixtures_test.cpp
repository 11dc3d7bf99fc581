// Every number of the report against scikit-learn 1.2 / scipy values kept
// as fixtures (tests/fixtures/make_fixtures.py made them).
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace errscope::test {
namespace {

using nlohmann::json;

json RunFixture(const json& fixture, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"analyze",
                                   SourcePath(fixture.at("input")),
                                   "--format", "json"};
  for (const json& a : fixture.at("args")) args.push_back(a.get<std::string>());
  args.insert(args.end(), extra.begin(), extra.end());
  CliResult result = RunCli(args);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return json::parse(result.out);
}

TEST_CASE("every metric equals scikit-learn's on the fixtures") {
  std::vector<std::string> names = FixtureNames("tests/fixtures/metrics");
  REQUIRE(names.size() >= 15);
  for (const std::string& name : names) {
    DYNAMIC_SECTION(name) {
      json fixture = json::parse(
          ReadFile(SourcePath("tests/fixtures/metrics/" + name +
                              ".expected.json")));
      json report = RunFixture(fixture, {});
      ExpectSubset(fixture.at("expected"), report, name);
      CHECK(report.at("schema_version") == 1);
    }
  }
}

TEST_CASE("small chunks and many threads give the same report") {
  for (const std::string& name : FixtureNames("tests/fixtures/metrics")) {
    if (name == "adult") continue;  // large: covered by the CLI test
    DYNAMIC_SECTION(name) {
      json fixture = json::parse(
          ReadFile(SourcePath("tests/fixtures/metrics/" + name +
                              ".expected.json")));
      json one = RunFixture(fixture, {"--threads", "1"});
      json many =
          RunFixture(fixture, {"--threads", "4", "--chunk-bytes", "512"});
      CHECK(one.dump() == many.dump());
    }
  }
}

}  // namespace
}  // namespace errscope::test
