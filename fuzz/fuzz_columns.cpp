// Column roles from a header and options: the input's first line is the
// header (comma-separated), each later line "option=value" sets one column
// option. Whatever the names, the mapping is valid or the error says why.
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "errscope/columns.h"
#include "fuzz_util.h"

namespace {

std::vector<std::string> Split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, sep)) out.push_back(item);
  return out;
}

void SetOption(const std::string& line, errscope::ColumnOptions* o) {
  const size_t eq = line.find('=');
  if (eq == std::string::npos) return;
  const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
  if (key == "label") o->label = value;
  if (key == "pred") o->pred = value;
  if (key == "confidence") o->confidence = value;
  if (key == "id") o->id = value;
  if (key == "proba_prefix") o->proba_prefix = value;
  if (key == "proba_field") o->proba_field = value;
  if (key == "classes") o->classes = Split(value, ',');
  if (key == "features") o->features = Split(value, ',');
  if (key == "ignore") o->ignore = Split(value, ',');
  if (key == "threshold") o->threshold = value.size() % 11 / 10.0;
  if (key == "positive") o->positive = value;
  if (key == "negative") o->negative = value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> lines = Split(input, '\n');
  if (lines.empty()) return 0;
  const std::vector<std::string> names = Split(lines[0], ',');
  errscope::ColumnOptions options;
  for (size_t i = 1; i < lines.size(); ++i) SetOption(lines[i], &options);
  errscope::ColumnMapping m;
  const errscope::Status s = errscope::ResolveColumns(names, options, &m);
  if (!s.ok()) {
    errscope::fuzz::Expect(!s.message().empty());
    return 0;
  }
  // Every role is a real column, and no column has two roles.
  const int n = static_cast<int>(names.size());
  std::set<int> used;
  auto role = [&](int column) {
    if (column < 0) return;
    errscope::fuzz::Expect(column < n);
    errscope::fuzz::Expect(used.insert(column).second);
  };
  errscope::fuzz::Expect(m.label >= 0);
  role(m.label);
  role(m.pred);
  role(m.confidence);
  role(m.id);
  role(m.proba_field);
  for (int c : m.proba_columns) role(c);
  for (int c : m.features) role(c);
  errscope::fuzz::Expect(m.proba_field < 0 || m.proba_columns.empty());
  errscope::fuzz::Expect(m.proba_columns.empty() ||
                         m.proba_classes.size() == m.proba_columns.size());
  return 0;
}
