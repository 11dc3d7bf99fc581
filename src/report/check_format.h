#pragma once

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

}  // namespace errscope
