// The analysis sections of the report (slices, calibration,
// confidence_summary, top_errors) against values computed independently with
// numpy/pandas/scipy/scikit-learn and kept as fixtures
// (tests/fixtures/analysis/make_analysis_fixtures.py made them).
#include <zlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>
#include <vector>

#include "test_util.h"

namespace errscope::test {
namespace {

using nlohmann::json;

const char kFixtureDir[] = "tests/fixtures/analysis";
const char* const kSections[] = {"slices", "calibration",
                                 "confidence_summary", "top_errors"};

json LoadFixture(const std::string& name) {
  return json::parse(ReadFile(
      SourcePath(fmt::format("{}/{}.expected.json", kFixtureDir, name))));
}

json RunFixture(const json& fixture, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"analyze", SourcePath(fixture.at("input")),
                                   "--format", "json"};
  for (const json& a : fixture.at("args")) args.push_back(a.get<std::string>());
  args.insert(args.end(), extra.begin(), extra.end());
  CliResult result = RunCli(args);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return json::parse(result.out);
}

/// The value of a numeric CLI option in the fixture's args, or `fallback`.
int IntOption(const json& fixture, const std::string& option, int fallback) {
  const json& args = fixture.at("args");
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == option) return std::stoi(args[i + 1].get<std::string>());
  }
  return fallback;
}

bool Close(double a, double e, double rel = 1e-9, double abs = 1e-9) {
  return std::fabs(a - e) <= std::max(abs, rel * std::fabs(e));
}

/// Every group of every feature of the report, with its feature's name.
std::vector<std::pair<std::string, json>> AllGroups(const json& report) {
  std::vector<std::pair<std::string, json>> groups;
  for (const json& feature : report.at("slices")) {
    for (const json& group : feature.at("groups")) {
      groups.emplace_back(feature.at("feature").get<std::string>(), group);
    }
  }
  return groups;
}

/// q-values are Benjamini-Hochberg over all groups of all features:
/// recomputed here from the report's own p-values (which the fixtures check,
/// except those of sketch-binned features).
void CheckBenjaminiHochberg(const json& report, int min_rows) {
  std::vector<std::pair<std::string, json>> groups = AllGroups(report);
  size_t m = groups.size();
  REQUIRE(m > 0);
  std::vector<double> p(m);
  for (size_t i = 0; i < m; ++i) p[i] = groups[i].second.at("p_value");
  std::vector<size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return p[a] < p[b]; });
  std::vector<double> q(m);
  double running = 1.0;
  for (size_t r = m; r-- > 0;) {
    size_t i = order[r];
    running = std::min(running, p[i] * static_cast<double>(m) /
                                    static_cast<double>(r + 1));
    q[i] = running;
  }
  for (size_t i = 0; i < m; ++i) {
    const json& g = groups[i].second;
    INFO(fmt::format("slices {} group {}", groups[i].first, g.dump()));
    REQUIRE(g.contains("q_value"));
    double reported = g.at("q_value");
    CHECK(Close(reported, q[i]));
    if (std::fabs(q[i] - 0.05) > 1e-12) {
      bool significant = q[i] <= 0.05 && g.at("rows").get<int64_t>() >= min_rows;
      CHECK(g.at("significant") == significant);
    }
  }
}

std::string Gunzip(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  REQUIRE(file != nullptr);
  std::string out;
  char buffer[1 << 16];
  int n;
  while ((n = gzread(file, buffer, sizeof buffer)) > 0) out.append(buffer, n);
  REQUIRE(n == 0);
  gzclose(file);
  return out;
}

std::vector<std::string> Split(const std::string& line, char sep) {
  std::vector<std::string> cells;
  size_t start = 0;
  while (true) {
    size_t end = line.find(sep, start);
    cells.push_back(line.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return cells;
}

/// One-sided Fisher exact p-value, P(X >= a) for X hypergeometric: `rows`
/// draws from `n` rows of which `e` are errors.
double FisherGreater(int64_t a, int64_t rows, int64_t e, int64_t n) {
  auto log_choose = [](int64_t top, int64_t k) {
    return std::lgamma(static_cast<double>(top) + 1) -
           std::lgamma(static_cast<double>(k) + 1) -
           std::lgamma(static_cast<double>(top - k) + 1);
  };
  int64_t lowest = std::max<int64_t>(0, rows - (n - e));
  if (a <= lowest) return 1.0;
  int64_t highest = std::min(rows, e);
  double base = log_choose(n, rows);
  std::vector<double> terms;
  for (int64_t x = a; x <= highest; ++x) {
    terms.push_back(log_choose(e, x) + log_choose(n - e, rows - x) - base);
  }
  double top = *std::max_element(terms.begin(), terms.end());
  double sum = 0;
  for (double t : terms) sum += std::exp(t - top);
  return std::min(1.0, std::exp(top) * sum);
}

/// Wilson 95% score interval (scipy's binomtest(k, n).proportion_ci).
std::pair<double, double> Wilson(int64_t k, int64_t n) {
  const double z = 1.959963984540054;
  double dn = static_cast<double>(n), p = static_cast<double>(k) / dn;
  double denom = 2 * (dn + z * z);
  double center = (2 * dn * p + z * z) / denom;
  double half = z * std::sqrt(z * z + 4 * dn * p * (1 - p)) / denom;
  return {center - half, center + half};
}

/// A numeric feature binned from errscope's quantile sketch: the fixture
/// cannot know its edges, so every reported bin is checked against a
/// brute-force count over the input (a plain CSV without quoted fields).
void CheckSketchFeature(const json& fixture, const json& report,
                        const std::string& feature) {
  INFO("sketch-binned feature " << feature);
  std::string input = fixture.at("input");
  std::string data = input.size() > 3 && input.substr(input.size() - 3) == ".gz"
                         ? Gunzip(SourcePath(input))
                         : ReadFile(SourcePath(input));
  REQUIRE(data.find('"') == std::string::npos);
  std::vector<std::string> lines = Split(data, '\n');
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  REQUIRE(lines.size() > 1);
  std::vector<std::string> header = Split(lines[0], ',');
  auto column = [&](const std::string& name) {
    auto it = std::find(header.begin(), header.end(), name);
    REQUIRE(it != header.end());
    return static_cast<size_t>(it - header.begin());
  };
  size_t f = column(feature), label = column("label"), pred = column("pred");
  std::vector<double> values;
  std::vector<bool> wrong;
  int64_t missing = 0, missing_errors = 0;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> cells = Split(lines[i], ',');
    REQUIRE(cells.size() == header.size());
    REQUIRE(!cells[label].empty());
    REQUIRE(!cells[pred].empty());
    bool is_wrong = cells[label] != cells[pred];
    if (cells[f].empty()) {
      ++missing;
      missing_errors += is_wrong;
      continue;
    }
    values.push_back(std::stod(cells[f]));
    wrong.push_back(is_wrong);
  }
  const int64_t n = static_cast<int64_t>(lines.size()) - 1;
  REQUIRE(report.at("input").at("rows_used") == n);
  const int64_t total_errors =
      std::count(wrong.begin(), wrong.end(), true) + missing_errors;
  const double r = static_cast<double>(total_errors) / static_cast<double>(n);

  const json* entry = nullptr;
  for (const json& s : report.at("slices")) {
    if (s.at("feature") == feature) entry = &s;
  }
  REQUIRE(entry != nullptr);
  CHECK(entry->at("kind") == "numeric");
  std::vector<json> bins;
  for (const json& g : entry->at("groups")) {
    if (g.at("missing") == true) {
      CHECK(g.at("rows") == missing);
      CHECK(g.at("errors") == missing_errors);
    } else {
      bins.push_back(g);
    }
  }
  if (missing == 0) CHECK(bins.size() == entry->at("groups").size());
  const int feature_bins = IntOption(fixture, "--feature-bins", 5);
  // 21648 distinct values in 32561 rows: no two sketch edges coincide.
  REQUIRE(bins.size() == static_cast<size_t>(feature_bins));
  const double lowest = *std::min_element(values.begin(), values.end());
  const double highest = *std::max_element(values.begin(), values.end());
  CHECK(bins.front().at("lo").get<double>() == lowest);
  CHECK(bins.back().at("hi").get<double>() == highest);
  const int64_t present = static_cast<int64_t>(values.size());
  int64_t covered = 0;
  for (size_t b = 0; b < bins.size(); ++b) {
    const json& g = bins[b];
    INFO(fmt::format("bin {}: {}", b, g.dump()));
    double lo = g.at("lo"), hi = g.at("hi");
    bool last = b + 1 == bins.size();
    CHECK(g.at("value").is_null());
    if (b > 0) CHECK(lo == bins[b - 1].at("hi").get<double>());
    CHECK((last ? lo <= hi : lo < hi));
    int64_t rows = 0, errors = 0;
    for (size_t i = 0; i < values.size(); ++i) {
      if (values[i] >= lo && (values[i] < hi || (last && values[i] == hi))) {
        ++rows;
        errors += wrong[i];
      }
    }
    covered += rows;
    REQUIRE(g.at("rows") == rows);
    REQUIRE(g.at("errors") == errors);
    // Quantile bins: each should hold about 1/feature_bins of the rows.
    CHECK(rows >= present / feature_bins / 2);
    CHECK(rows <= present * 3 / feature_bins / 2);
    double rate = static_cast<double>(errors) / static_cast<double>(rows);
    CHECK(Close(g.at("error_rate"), rate));
    auto [ci_lo, ci_hi] = Wilson(errors, rows);
    CHECK(Close(g.at("error_rate_ci95")[0], ci_lo));
    CHECK(Close(g.at("error_rate_ci95")[1], ci_hi));
    CHECK(Close(g.at("lift"), rate / r));
    CHECK(Close(g.at("excess_errors"),
                static_cast<double>(errors) - static_cast<double>(rows) * r));
    CHECK(Close(g.at("p_value"), FisherGreater(errors, rows, total_errors, n),
                1e-6, 1e-12));
  }
  CHECK(covered == present);
}

/// The planted bad slice has the most excess errors and is significant; the
/// top confidence bin is over-confident.
void CheckPlanted(const json& fixture, const json& report) {
  const json& planted = fixture.at("planted");
  std::vector<std::pair<std::string, json>> groups = AllGroups(report);
  REQUIRE(!groups.empty());
  auto worst = std::max_element(
      groups.begin(), groups.end(), [](const auto& a, const auto& b) {
        return a.second.at("excess_errors").template get<double>() <
               b.second.at("excess_errors").template get<double>();
      });
  INFO(fmt::format("worst group: {} {}", worst->first, worst->second.dump()));
  CHECK(worst->first == planted.at("feature"));
  CHECK(worst->second.at("value") == planted.at("value"));
  CHECK(worst->second.at("significant") == true);
  const json& bins = report.at("calibration").at("bins");
  REQUIRE(!bins.empty());
  INFO(fmt::format("top calibration bin: {}", bins.back().dump()));
  REQUIRE(bins.back().at("gap").is_number());
  CHECK(bins.back().at("gap").get<double>() >
        fixture.at("min_top_bin_gap").get<double>());
}

TEST_CASE("analysis sections equal the independent reference values",
          "[analysis]") {
  std::vector<std::string> names = FixtureNames(kFixtureDir);
  REQUIRE(names.size() >= 4);
  for (const std::string& name : names) {
    DYNAMIC_SECTION(name) {
      json fixture = LoadFixture(name);
      json report = RunFixture(fixture, {});
      ExpectSubset(fixture.at("expected"), report, name);
      for (const json& feature : fixture.at("sketch_features")) {
        CheckSketchFeature(fixture, report, feature.get<std::string>());
      }
      CheckBenjaminiHochberg(report, IntOption(fixture, "--min-rows", 30));
      if (fixture.contains("planted")) CheckPlanted(fixture, report);
    }
  }
}

TEST_CASE("analysis sections do not depend on threads or chunk size",
          "[analysis]") {
  for (const std::string& name : FixtureNames(kFixtureDir)) {
    if (name == "adult") continue;  // large, and its sketch may differ
    DYNAMIC_SECTION(name) {
      json fixture = LoadFixture(name);
      json one = RunFixture(fixture, {"--threads", "1"});
      json many =
          RunFixture(fixture, {"--threads", "4", "--chunk-bytes", "512"});
      for (const char* section : kSections) {
        if (!one.contains(section)) FAIL("missing key '" << section << "'");
        REQUIRE(many.contains(section));
        ExpectSubset(one.at(section), many.at(section),
                     fmt::format("{}.{}", name, section));
      }
    }
  }
}

}  // namespace
}  // namespace errscope::test
