#pragma once

#include <string>

#include "errscope/report.h"

namespace errscope {

/// The version of the JSON report's structure (docs/report.md).
inline constexpr int kReportSchemaVersion = 1;

/// The report as one JSON object with a stable key order, newline-terminated.
std::string WriteJsonReport(const Report& report);

/// How the text report looks.
struct TextOptions {
  bool color = false;
  /// "none", "true" (rows sum to 1), "pred" (columns) or "all".
  std::string normalize = "none";
  /// Above this many classes the matrix is left out (top confusions stay).
  size_t max_matrix_classes = 20;
};

/// The report for a terminal: summary line, classification report,
/// confusion matrix, top confusions.
std::string WriteTextReport(const Report& report, const TextOptions& options);

/// The report as GitHub-flavoured Markdown (a PR comment,
/// $GITHUB_STEP_SUMMARY): every section the Report has, long tables in
/// <details> blocks, labels escaped so they render literally. Deterministic,
/// newline-terminated.
std::string WriteMarkdownReport(const Report& report);

}  // namespace errscope
