// The catalogue of malformed inputs (tests/bad_inputs/catalogue.json): each
// file with the exact error, or the documented tolerant result, and the
// exit code it must produce.
#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_util.h"

namespace errscope::test {
namespace {

using Catch::Matchers::Contains;
using nlohmann::json;

void CheckCase(const json& c, const std::string& path) {
  std::vector<std::string> args = {"analyze", path, "--format", "json"};
  for (const json& a : c.value("args", json::array())) args.push_back(a);
  const CliResult r = RunCli(args);
  INFO(c.at("file").get<std::string>() << ": " << c.at("why").get<std::string>());
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == c.at("exit").get<int>());
  for (const json& part : c.value("stderr", json::array())) {
    CHECK_THAT(r.err, Contains(part.get<std::string>()));
  }
  if (r.exit_code != 0) {
    CHECK(r.out.empty());  // nothing half-written
    CHECK_THAT(r.err, Contains("errscope: error: "));
    return;
  }
  const json report = json::parse(r.out);
  if (c.contains("classes")) CHECK(report.at("classes") == c.at("classes"));
  if (c.contains("rows")) CHECK(report.at("summary").at("rows") == c.at("rows"));
  if (c.contains("errors")) {
    CHECK(report.at("summary").at("errors") == c.at("errors"));
  }
  if (c.contains("features")) {
    CHECK(report.at("input").at("columns").at("features") == c.at("features"));
  }
  if (!c.contains("stderr")) CHECK(r.err.empty());
}

TEST_CASE("bad inputs: every file of the catalogue", "[bad_inputs]") {
  const json catalogue =
      json::parse(ReadFile(SourcePath("tests/bad_inputs/catalogue.json")));
  REQUIRE(catalogue.size() >= 40);
  for (const json& c : catalogue) {
    CheckCase(c, SourcePath("tests/bad_inputs/" + c.at("file").get<std::string>()));
  }
}

TEST_CASE("bad inputs: every file is in the catalogue", "[bad_inputs]") {
  const json catalogue =
      json::parse(ReadFile(SourcePath("tests/bad_inputs/catalogue.json")));
  std::set<std::string> listed;
  for (const json& c : catalogue) listed.insert(c.at("file").get<std::string>());
  for (const auto& entry : std::filesystem::directory_iterator(
           SourcePath("tests/bad_inputs"))) {
    const std::string name = entry.path().filename().string();
    if (name == "catalogue.json" || name == "make_bad_inputs.py") continue;
    INFO(name);
    CHECK(listed.count(name) == 1);
  }
}

TEST_CASE("bad inputs: a 10 MB field is read whole", "[bad_inputs]") {
  TempDir dir;
  const std::string big(10 << 20, 'x');
  const std::string path = dir.Write(
      "big.csv", "label,pred,note\na,a," + big + "\nb,a,\"" + big + "\"\n");
  const CliResult r = RunCli({"analyze", path, "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const json report = json::parse(r.out);
  CHECK(report["summary"]["rows"] == 2);
  CHECK(report["summary"]["errors"] == 1);
  // The one feature has one 10 MB value (2 rows).
  CHECK(report["slices"][0]["groups"][0]["rows"] == 2);
}

}  // namespace
}  // namespace errscope::test
