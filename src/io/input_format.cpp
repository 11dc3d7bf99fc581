#include "errscope/input_format.h"

#include <algorithm>
#include <cctype>

namespace errscope {

std::string_view FormatName(InputFormat format) {
  switch (format) {
    case InputFormat::kCsv: return "csv";
    case InputFormat::kTsv: return "tsv";
    case InputFormat::kJson: return "json";
    case InputFormat::kJsonLines: return "jsonl";
    case InputFormat::kAuto: break;
  }
  return "auto";
}

bool ParseFormatName(std::string_view name, InputFormat* format) {
  struct Entry { std::string_view name; InputFormat format; };
  static constexpr Entry kNames[] = {
      {"auto", InputFormat::kAuto},      {"csv", InputFormat::kCsv},
      {"tsv", InputFormat::kTsv},        {"json", InputFormat::kJson},
      {"jsonl", InputFormat::kJsonLines}, {"ndjson", InputFormat::kJsonLines},
  };
  for (const Entry& e : kNames) {
    if (e.name == name) {
      *format = e.format;
      return true;
    }
  }
  return false;
}

namespace {
bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}
}  // namespace

InputFormat FormatFromPath(std::string_view path) {
  std::string lower(path);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  std::string_view p = lower;
  if (EndsWith(p, ".gz")) p.remove_suffix(3);
  if (EndsWith(p, ".csv")) return InputFormat::kCsv;
  if (EndsWith(p, ".tsv") || EndsWith(p, ".tab")) return InputFormat::kTsv;
  if (EndsWith(p, ".jsonl") || EndsWith(p, ".ndjson")) {
    return InputFormat::kJsonLines;
  }
  if (EndsWith(p, ".json")) return InputFormat::kJson;
  return InputFormat::kAuto;
}

}  // namespace errscope
