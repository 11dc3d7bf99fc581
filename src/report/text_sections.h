#pragma once
// The error-analysis sections of the text report (the classification
// sections are in text_writer.cpp).
#include <string>
#include <vector>

#include "errscope/report.h"

namespace errscope {

/// The worst groups across all features, then a compact table per feature.
std::string SlicesText(const SlicesSection& slices, bool color);
std::string CalibrationText(const CalibrationSection& calibration, bool color);
std::string ConfidenceSummaryText(const ConfidenceSummarySection& summary,
                                  bool color);
std::string TopErrorsText(const std::vector<ErrorRow>& rows, bool color);

}  // namespace errscope
