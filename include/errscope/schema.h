#pragma once

#include <string_view>

namespace errscope {

/// The JSON Schema of the report (docs/report.schema.json, embedded at
/// build time).
std::string_view ReportSchemaText();

}  // namespace errscope
