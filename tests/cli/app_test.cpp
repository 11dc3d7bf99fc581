// The program's surface: help text (golden), version, schema, exit codes.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "errscope/version.h"
#include "test_util.h"

namespace errscope::test {
namespace {

using Catch::Matchers::Contains;

/// Compares `actual` with tests/cli/golden/NAME; ERRSCOPE_UPDATE_GOLDEN=1
/// rewrites the file instead (then review the diff).
void CheckGolden(const std::string& name, const std::string& actual) {
  const std::string path = SourcePath("tests/cli/golden/" + name);
  if (std::getenv("ERRSCOPE_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
  }
  CHECK(actual == ReadFile(path));
}

TEST_CASE("help texts are the golden ones") {
  CliResult top = RunCli({"--help"});
  CHECK(top.exit_code == 0);
  CheckGolden("errscope_help.txt", top.out);
  CliResult analyze = RunCli({"analyze", "--help"});
  CHECK(analyze.exit_code == 0);
  CheckGolden("analyze_help.txt", analyze.out);
  CHECK_THAT(analyze.out, Contains("--proba-prefix"));
  CHECK_THAT(analyze.out, Contains("Examples:"));
  CliResult check = RunCli({"check", "--help"});
  CHECK(check.exit_code == 0);
  CheckGolden("check_help.txt", check.out);
  CliResult compare = RunCli({"compare", "--help"});
  CHECK(compare.exit_code == 0);
  CheckGolden("compare_help.txt", compare.out);
}

TEST_CASE("version") {
  CliResult r = RunCli({"--version"});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Contains(std::string("errscope ") + kVersion));
}

TEST_CASE("usage errors exit 2") {
  CHECK(RunCli({}).exit_code == 2);
  CHECK(RunCli({"frobnicate"}).exit_code == 2);
  CHECK(RunCli({"analyze"}).exit_code == 2);
  CliResult r = RunCli({"analyze", "x.csv", "--format", "yaml"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("--format"));
}

TEST_CASE("schema prints docs/report.schema.json, a valid JSON Schema") {
  CliResult r = RunCli({"schema"});
  REQUIRE(r.exit_code == 0);
  std::string file = ReadFile(SourcePath("docs/report.schema.json"));
  if (file.empty() || file.back() != '\n') file += '\n';
  CHECK(r.out == file);
  nlohmann::json schema = nlohmann::json::parse(r.out);
  CHECK(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema");
  CHECK(schema["properties"]["schema_version"]["const"] == 1);
}

/// Every key of the report is described in the schema (keys of objects
/// whose members are free-form, like class names, aside).
void CheckKeysDescribed(const nlohmann::json& value,
                        const nlohmann::json& schema, const std::string& path) {
  INFO("at " << path);
  if (value.is_object() && !schema.contains("properties")) {
    // A map with free-form keys (feature names): its values are described.
    REQUIRE(schema.contains("additionalProperties"));
    REQUIRE(schema["additionalProperties"].is_object());
    for (const auto& [key, child] : value.items()) {
      CheckKeysDescribed(child, schema["additionalProperties"], path + "." + key);
    }
  } else if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      REQUIRE(schema["properties"].contains(key));
      CheckKeysDescribed(child, schema["properties"][key], path + "." + key);
    }
  } else if (value.is_array() && schema.contains("items") &&
             schema["items"].is_object()) {
    for (const auto& child : value) {
      CheckKeysDescribed(child, schema["items"], path + "[]");
    }
  }
}

TEST_CASE("every key of a report is in the schema") {
  // The adult example has every section: features, confidence, an id.
  CliResult r = RunCli({"analyze", SourcePath("examples/adult_predictions.csv.gz"),
                        "--format", "json"});
  REQUIRE(r.exit_code == 0);
  nlohmann::json schema =
      nlohmann::json::parse(ReadFile(SourcePath("docs/report.schema.json")));
  CheckKeysDescribed(nlohmann::json::parse(r.out), schema, "report");
}

}  // namespace
}  // namespace errscope::test
