#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "errscope/gate_report.h"

namespace errscope {

// Number formats shared by the check writers (text, Markdown, JUnit), so
// that a value reads the same everywhere.

/// Counts as integers, rates to 4 decimals, tiny values in 3 digits.
std::string FormatMetricValue(double v);
/// FormatMetricValue with a sign: "+0.0123", "-3".
std::string FormatDelta(double v);
/// "0.012", "3.4e-07".
std::string FormatPValue(double p);
/// A rule's value, "undefined", and where an aggregate was found.
std::string RuleValueText(const RuleResult& r);

// Pieces of the comparison with a baseline that `check` and `compare` both
// write.

/// The heading and table of every comparison, for a terminal.
std::string ComparisonsText(const BaselineResult& b,
                            const BaselineOptions& options,
                            const std::string& title, bool color);
/// The table of the significant and headline comparisons, the rest folded.
std::string ComparisonsMarkdown(const BaselineResult& b);
/// {"alpha", "tolerance", "tests", "regressions", "improvements",
/// "comparisons", "only_in_baseline", "only_in_candidate"}.
nlohmann::ordered_json ComparisonsJson(const BaselineResult& b,
                                       const BaselineOptions& options);
/// One JUnit <testcase> per tested comparison (classname `suite`), a
/// failure for each regression; `tested` counts them.
std::string ComparisonsJunitCases(const BaselineResult& b,
                                  const std::string& suite, int* tested);
/// XML 1.0 text: the five entities, control characters as U+FFFD.
std::string XmlEscape(std::string_view text);

}  // namespace errscope
