// Column roles: explicit options first, then auto-detection by name.
#include "errscope/columns.h"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <set>

#include "errscope/class_index.h"
#include "errscope/text_similarity.h"

namespace errscope {
namespace {

// Names recognised when an option is not given, compared after
// normalisation (lower case, letters and digits only), in priority order.
const std::vector<std::string> kLabelNames = {
    "label", "ytrue", "target", "truth", "truelabel", "groundtruth",
    "actual", "gold", "goldlabel", "y", "class", "expected"};
const std::vector<std::string> kPredNames = {
    "pred", "prediction", "predicted", "ypred", "predictedlabel", "predlabel",
    "yhat", "predictedclass", "predclass", "output"};
const std::vector<std::string> kConfidenceNames = {
    "confidence", "conf", "score", "prob", "probability", "proba",
    "maxproba", "maxprob", "yscore", "predproba", "predprob"};
/// When no confidence name matches exactly: a name ending with one of these
/// ("spam_score", "max_prob").
const std::vector<std::string> kConfidenceSuffixes = {
    "confidence", "score", "probability", "proba", "prob"};
const std::vector<std::string> kIdNames = {"id", "rowid", "exampleid",
                                           "sampleid", "recordid", "uid",
                                           "index", "key"};
const std::vector<std::string> kProbaPrefixes = {"p_", "prob_", "proba_",
                                                 "probability_"};
const std::vector<std::string> kProbaFieldNames = {"probs", "probas",
                                                   "probabilities", "proba"};

std::string Normalize(std::string_view name) {
  std::string out;
  for (unsigned char c : name) {
    if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
  }
  return out;
}

/// Whether `name` is `prefix` (lower case) followed by at least one byte.
bool StartsWithNoCase(std::string_view name, std::string_view prefix) {
  if (name.size() <= prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(name[i])) != prefix[i]) {
      return false;
    }
  }
  return true;
}

std::string ColumnList(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    out += (i ? ", " : "") + fmt::format("'{}'", names[i]);
  }
  return out;
}

class Resolver {
 public:
  Resolver(const std::vector<std::string>& names, const ColumnOptions& options,
           ColumnMapping* mapping)
      : names_(names), options_(options), m_(*mapping) {}

  Status Run();

 private:
  /// The index of an explicitly named column, or an error with suggestions.
  bool Find(const std::string& name, const char* option, int* index);
  /// The first unused column whose normalised name is in `candidates`.
  int Detect(const std::vector<std::string>& candidates) const;
  /// The first unused column whose normalised name ends with one of
  /// `suffixes` and that no probability prefix claims.
  int DetectSuffix(const std::vector<std::string>& suffixes) const;
  bool Used(int index) const { return used_.count(index) > 0; }
  bool Take(const std::optional<std::string>& name, const char* option,
            const std::vector<std::string>& candidates, int* index);
  bool ResolveProbabilities();
  bool ResolvePredSource();
  bool ResolveFeatures();

  const std::vector<std::string>& names_;
  const ColumnOptions& options_;
  ColumnMapping& m_;
  std::set<int> used_;
  Status status_;
};

bool Resolver::Find(const std::string& name, const char* option, int* index) {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) {
      *index = static_cast<int>(i);
      return true;
    }
  }
  std::vector<std::string> close = ClosestMatches(name, names_);
  status_ = Status::Error(
      close.empty()
          ? fmt::format("{} '{}': no such column; columns are {}", option,
                        name, ColumnList(names_))
          : fmt::format("{} '{}': no such column; did you mean {}?", option,
                        name, QuotedList(close)));
  return false;
}

int Resolver::Detect(const std::vector<std::string>& candidates) const {
  for (const std::string& wanted : candidates) {
    for (size_t i = 0; i < names_.size(); ++i) {
      if (!Used(static_cast<int>(i)) && Normalize(names_[i]) == wanted) {
        return static_cast<int>(i);
      }
    }
  }
  return -1;
}

int Resolver::DetectSuffix(const std::vector<std::string>& suffixes) const {
  for (const std::string& suffix : suffixes) {
    for (size_t i = 0; i < names_.size(); ++i) {
      std::string name = Normalize(names_[i]);
      bool prefixed = std::any_of(
          kProbaPrefixes.begin(), kProbaPrefixes.end(),
          [&](const std::string& p) { return StartsWithNoCase(names_[i], p); });
      if (!Used(static_cast<int>(i)) && !prefixed &&
          name.size() > suffix.size() &&
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) ==
              0) {
        return static_cast<int>(i);
      }
    }
  }
  return -1;
}

bool Resolver::Take(const std::optional<std::string>& name, const char* option,
                    const std::vector<std::string>& candidates, int* index) {
  if (name) {
    if (!Find(*name, option, index)) return false;
    if (Used(*index)) {
      status_ = Status::Error(fmt::format(
          "{} '{}': that column already has another role", option, *name));
      return false;
    }
  } else {
    *index = Detect(candidates);
  }
  if (*index >= 0) used_.insert(*index);
  return true;
}

bool Resolver::ResolveProbabilities() {
  if (options_.proba_field) {
    if (!Find(*options_.proba_field, "--proba-field", &m_.proba_field)) {
      return false;
    }
    // Found by fuzz_columns: --proba-field and --id on one column passed.
    if (Used(m_.proba_field)) {
      status_ = Status::Error(fmt::format(
          "--proba-field '{}': that column already has another role",
          *options_.proba_field));
      return false;
    }
  } else if (options_.proba_prefix) {
    const std::string& prefix = *options_.proba_prefix;
    for (size_t i = 0; i < names_.size(); ++i) {
      if (!Used(static_cast<int>(i)) && names_[i].size() > prefix.size() &&
          names_[i].compare(0, prefix.size(), prefix) == 0) {
        m_.proba_columns.push_back(static_cast<int>(i));
      }
    }
    if (m_.proba_columns.empty()) {
      status_ = Status::Error(fmt::format(
          "--proba-prefix '{}': no column name starts with it; columns are {}",
          prefix, ColumnList(names_)));
      return false;
    }
  } else {
    // A prefix counts only when it names two or more columns, so that a
    // feature such as "p_value" is not taken for a probability.
    for (const std::string& prefix : kProbaPrefixes) {
      std::vector<int> found;
      for (size_t i = 0; i < names_.size(); ++i) {
        if (!Used(static_cast<int>(i)) && StartsWithNoCase(names_[i], prefix)) {
          found.push_back(static_cast<int>(i));
        }
      }
      if (found.size() >= 2) {
        m_.proba_columns = found;
        break;
      }
    }
    if (m_.proba_columns.empty()) m_.proba_field = Detect(kProbaFieldNames);
  }
  for (int column : m_.proba_columns) {
    used_.insert(column);
    size_t prefix = options_.proba_prefix
                        ? options_.proba_prefix->size()
                        : names_[column].find('_') + 1;
    m_.proba_classes.push_back(names_[column].substr(prefix));
  }
  for (size_t i = 0; i < m_.proba_classes.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      bool numeric = false;
      double value = 0;
      if (ClassKey(m_.proba_classes[i], &numeric, &value) ==
          ClassKey(m_.proba_classes[j], &numeric, &value)) {
        status_ = Status::Error(fmt::format(
            "probability columns '{}' and '{}' name the same class",
            names_[m_.proba_columns[j]], names_[m_.proba_columns[i]]));
        return false;
      }
    }
  }
  if (m_.proba_field >= 0) {
    used_.insert(m_.proba_field);
    m_.proba_classes = options_.classes;
  } else if (!options_.classes.empty()) {
    status_ = Status::Error(
        "--classes gives the class order of a JSON probability array "
        "(--proba-field); there is none");
    return false;
  }
  return true;
}

bool Resolver::ResolvePredSource() {
  bool score_mode = m_.pred < 0 && !m_.has_probabilities();
  if (m_.pred >= 0) {
    m_.pred_source = PredSource::kColumn;
  } else if (m_.has_probabilities()) {
    m_.pred_source = PredSource::kArgmax;
  } else if (m_.confidence >= 0) {
    m_.pred_source = PredSource::kThreshold;
  } else {
    status_ = Status::Error(fmt::format(
        "no predictions found: expected a pred column (--pred), probability "
        "columns (--proba-prefix) or a score column (--confidence with "
        "--threshold); columns are {}",
        ColumnList(names_)));
    return false;
  }
  if (!score_mode && (options_.threshold || options_.positive ||
                      options_.negative)) {
    status_ = Status::Error(fmt::format(
        "--threshold, --positive and --negative apply to a binary problem "
        "with only a score column, but this input has {}",
        m_.pred >= 0 ? fmt::format("a pred column ('{}')", names_[m_.pred])
                     : std::string("probability columns")));
    return false;
  }
  if (score_mode) {
    m_.threshold = options_.threshold.value_or(0.5);
    m_.positive = options_.positive.value_or("1");
    m_.negative = options_.negative;
  }
  return true;
}

bool Resolver::ResolveFeatures() {
  std::set<int> ignored;
  for (const std::string& name : options_.ignore) {
    int index = -1;
    if (!Find(name, "--ignore", &index)) return false;
    ignored.insert(index);
  }
  if (!options_.features.empty()) {
    std::set<int> listed;
    for (const std::string& name : options_.features) {
      int index = -1;
      if (!Find(name, "--features", &index)) return false;
      if (Used(index)) {
        status_ = Status::Error(fmt::format(
            "--features '{}': that column is the label, prediction, "
            "confidence, id or a probability; it cannot be a feature",
            name));
        return false;
      }
      // A column named twice (--features age,age) is one feature: two
      // would show its groups twice and count them twice among the
      // comparisons the significance correction makes.
      if (!ignored.count(index) && !listed.count(index)) {
        m_.features.push_back(index);
        listed.insert(index);
      }
    }
    return true;
  }
  for (size_t i = 0; i < names_.size(); ++i) {
    int index = static_cast<int>(i);
    if (!Used(index) && !ignored.count(index)) m_.features.push_back(index);
  }
  return true;
}

Status Resolver::Run() {
  for (size_t i = 0; i < names_.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (names_[i] == names_[j]) {
        return Status::Error(
            fmt::format("duplicate column name '{}' (columns {} and {}); "
                        "column names must be unique",
                        names_[i], j + 1, i + 1));
      }
    }
  }
  if (!Take(options_.label, "--label", kLabelNames, &m_.label)) return status_;
  if (m_.label < 0) {
    return Status::Error(fmt::format(
        "no label column found (looked for label, y_true, target, truth, "
        "actual, ...); name it with --label; columns are {}",
        ColumnList(names_)));
  }
  if (!Take(options_.pred, "--pred", kPredNames, &m_.pred)) return status_;
  if (!Take(options_.id, options_.id_option.c_str(), kIdNames, &m_.id)) {
    return status_;
  }
  if (!Take(options_.confidence, "--confidence", kConfidenceNames,
            &m_.confidence)) {
    return status_;
  }
  if (m_.confidence < 0 && !options_.confidence) {
    m_.confidence = DetectSuffix(kConfidenceSuffixes);
    if (m_.confidence >= 0) used_.insert(m_.confidence);
  }
  if (!ResolveProbabilities() || !ResolvePredSource() || !ResolveFeatures()) {
    return status_;
  }
  return Status::Ok();
}

}  // namespace

Status ResolveColumns(const std::vector<std::string>& names,
                      const ColumnOptions& options, ColumnMapping* mapping) {
  *mapping = ColumnMapping();
  return Resolver(names, options, mapping).Run();
}

}  // namespace errscope
