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

/// Checks that every value in `expected` is in `actual` (extra keys in
/// `actual` are fine); floats to 1e-9 relative or absolute.
void ExpectSubset(const json& expected, const json& actual,
                  const std::string& path) {
  INFO("at " << path);
  if (expected.is_object()) {
    REQUIRE(actual.is_object());
    for (const auto& [key, value] : expected.items()) {
      REQUIRE(actual.contains(key));
      ExpectSubset(value, actual.at(key), path + "." + key);
    }
  } else if (expected.is_array()) {
    REQUIRE(actual.is_array());
    REQUIRE(actual.size() == expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      ExpectSubset(expected[i], actual[i], path + "[" + std::to_string(i) + "]");
    }
  } else if (expected.is_number_float()) {
    REQUIRE(actual.is_number());
    double e = expected.get<double>(), a = actual.get<double>();
    CHECK_THAT(a, Catch::Matchers::WithinAbs(e, 1e-9) ||
                      Catch::Matchers::WithinRel(e, 1e-9));
  } else {
    CHECK(actual == expected);
  }
}

std::vector<std::string> FixtureNames() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(
           SourcePath("tests/fixtures/metrics"))) {
    std::string file = entry.path().filename().string();
    const std::string suffix = ".expected.json";
    if (file.size() > suffix.size() &&
        file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0) {
      names.push_back(file.substr(0, file.size() - suffix.size()));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

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
  std::vector<std::string> names = FixtureNames();
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
  for (const std::string& name : FixtureNames()) {
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
