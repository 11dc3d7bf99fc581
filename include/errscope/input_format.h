#pragma once

#include <string>
#include <string_view>

namespace errscope {

/// The textual formats errscope reads (each possibly gzip-compressed).
enum class InputFormat { kAuto, kCsv, kTsv, kJson, kJsonLines };

/// "csv", "tsv", "json", "jsonl" (and "auto").
std::string_view FormatName(InputFormat format);

/// Parses a --input-format value ("ndjson" is accepted for JSON Lines).
bool ParseFormatName(std::string_view name, InputFormat* format);

/// The format implied by a path's extension, ignoring a trailing ".gz":
/// .csv, .tsv/.tab, .json, .jsonl/.ndjson; kAuto when there is none.
InputFormat FormatFromPath(std::string_view path);

}  // namespace errscope
