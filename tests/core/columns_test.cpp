// ResolveColumns: auto-detected and explicit roles, features, prediction
// source, and the error messages users see.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "errscope/columns.h"

namespace errscope {
namespace {

using Strings = std::vector<std::string>;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

/// The mapping of a header that must resolve.
ColumnMapping Resolve(const Strings& names, const ColumnOptions& options = {}) {
  ColumnMapping mapping;
  Status status = ResolveColumns(names, options, &mapping);
  INFO(status.message());
  REQUIRE(status.ok());
  return mapping;
}

/// The error message of a header that must not resolve.
std::string ResolveError(const Strings& names,
                         const ColumnOptions& options = {}) {
  ColumnMapping mapping;
  Status status = ResolveColumns(names, options, &mapping);
  REQUIRE_FALSE(status.ok());
  return status.message();
}

/// The names of the columns at `indices`.
Strings NamesOf(const Strings& names, const std::vector<int>& indices) {
  Strings out;
  for (int i : indices) out.push_back(names.at(static_cast<size_t>(i)));
  return out;
}

/// Each spelling in `spellings` is found at index 1 of {"x", spelling, rest}.
template <typename Role>
void ExpectDetected(const Strings& spellings, const Strings& rest, Role role) {
  for (const std::string& spelling : spellings) {
    INFO("column: " << spelling);
    Strings names = {"x", spelling};
    names.insert(names.end(), rest.begin(), rest.end());
    CHECK(role(Resolve(names)) == 1);
  }
}

TEST_CASE("Label, pred, confidence and id columns are found by name",
          "[columns]") {
  ExpectDetected({"label", "y_true", "Target", "ground_truth"}, {"pred"},
                 [](const ColumnMapping& m) { return m.label; });
  ExpectDetected({"pred", "y_pred", "prediction"}, {"label"},
                 [](const ColumnMapping& m) { return m.pred; });
  ExpectDetected({"confidence", "score"}, {"label", "pred"},
                 [](const ColumnMapping& m) { return m.confidence; });
  ExpectDetected({"id", "row_id"}, {"label", "pred"},
                 [](const ColumnMapping& m) { return m.id; });
}

TEST_CASE("A plain header maps every role and keeps the rest as features",
          "[columns]") {
  const Strings names = {"id", "age", "label", "pred", "confidence", "city"};
  ColumnMapping m = Resolve(names);
  CHECK(m.id == 0);
  CHECK(m.label == 2);
  CHECK(m.pred == 3);
  CHECK(m.confidence == 4);
  CHECK(m.pred_source == PredSource::kColumn);
  CHECK_FALSE(m.has_probabilities());
  CHECK(NamesOf(names, m.features) == Strings{"age", "city"});
}

TEST_CASE("Probability columns are found by prefix; the rest names the class",
          "[columns]") {
  for (const std::string& prefix : Strings{"p_", "prob_", "proba_"}) {
    INFO("prefix: " << prefix);
    const Strings names = {"label", prefix + "<=50K", prefix + ">50K", "age"};
    ColumnMapping m = Resolve(names);
    CHECK(m.proba_columns == std::vector<int>{1, 2});
    CHECK(m.proba_classes == Strings{"<=50K", ">50K"});
    CHECK(m.proba_field == -1);
    CHECK(m.pred_source == PredSource::kArgmax);  // no pred column
    CHECK(NamesOf(names, m.features) == Strings{"age"});
  }
}

TEST_CASE("A single p_value column is a feature, not a probability",
          "[columns]") {
  const Strings names = {"label", "pred", "p_value"};
  ColumnMapping m = Resolve(names);
  CHECK(m.proba_columns.empty());
  CHECK(m.proba_classes.empty());
  CHECK(NamesOf(names, m.features) == Strings{"p_value"});

  CHECK_THAT(ResolveError({"label", "p_value"}),
             StartsWith("no predictions found"));
}

TEST_CASE("Explicit --label and --pred take columns with any name",
          "[columns]") {
  const Strings names = {"who knows", "model-out", "age", "label"};
  ColumnOptions options;
  options.label = "who knows";
  options.pred = "model-out";
  ColumnMapping m = Resolve(names, options);
  CHECK(m.label == 0);
  CHECK(m.pred == 1);
  // "label" is left alone: an ordinary feature now.
  CHECK(NamesOf(names, m.features) == Strings{"age", "label"});
}

TEST_CASE("columns: --features restricts and --ignore removes features", "[columns]") {
  const Strings names = {"label", "pred", "age", "city", "zip", "score2"};
  ColumnOptions options;
  CHECK(NamesOf(names, Resolve(names, options).features) ==
        Strings{"age", "city", "zip", "score2"});

  options.ignore = {"city", "score2"};
  CHECK(NamesOf(names, Resolve(names, options).features) ==
        Strings{"age", "zip"});

  options.features = {"zip", "city", "age"};
  CHECK(NamesOf(names, Resolve(names, options).features) ==
        Strings{"zip", "age"});

  // A column named twice is one feature, where it was first named (found
  // by fuzz_columns: the slices showed it twice).
  options.ignore.clear();
  options.features = {"zip", "age", "zip", "zip"};
  CHECK(NamesOf(names, Resolve(names, options).features) ==
        Strings{"zip", "age"});
}

TEST_CASE("An unknown explicit column suggests close names or lists all",
          "[columns]") {
  const Strings names = {"label", "pred", "age"};
  ColumnOptions options;
  options.label = "lable";
  CHECK(ResolveError(names, options) ==
        "--label 'lable': no such column; did you mean 'label'?");

  options.label = "zzzzzz";
  CHECK(ResolveError(names, options) ==
        "--label 'zzzzzz': no such column; columns are 'label', 'pred', "
        "'age'");

  ColumnOptions ignore;
  ignore.ignore = {"aeg"};
  CHECK_THAT(ResolveError(names, ignore),
             StartsWith("--ignore 'aeg': no such column; did you mean 'age'"));
}

TEST_CASE("No label column is an error listing the columns seen",
          "[columns]") {
  std::string error = ResolveError({"truthy", "pred", "age"});
  CHECK_THAT(error, StartsWith("no label column found"));
  CHECK_THAT(error, Contains("--label"));
  CHECK_THAT(error, Contains("columns are 'truthy', 'pred', 'age'"));
}

TEST_CASE("A column cannot have two roles", "[columns]") {
  ColumnOptions features;
  features.features = {"age", "label"};
  CHECK_THAT(ResolveError({"label", "pred", "age"}, features),
             StartsWith("--features 'label': that column is the label"));

  ColumnOptions pred;
  pred.pred = "label";
  CHECK_THAT(ResolveError({"label", "pred"}, pred),
             Contains("'label': that column already has another role"));

  // Found by fuzz_columns: --proba-field on the --id column was accepted,
  // so one column was both the id and the probabilities.
  ColumnOptions field;
  field.proba_field = "probs";
  field.id = "probs";
  CHECK_THAT(ResolveError({"target", "probs", "f1"}, field),
             Contains("--proba-field 'probs': that column already has "
                      "another role"));
  ColumnOptions label_field;
  label_field.proba_field = "target";
  CHECK_THAT(ResolveError({"target", "probs"}, label_field),
             Contains("--proba-field 'target': that column already has "
                      "another role"));
}

TEST_CASE("Duplicate column names are an error", "[columns]") {
  CHECK_THAT(ResolveError({"label", "pred", "age", "pred"}),
             StartsWith("duplicate column name 'pred' (columns 2 and 4)"));
}

TEST_CASE("Without pred, probabilities or a score, there is nothing to judge",
          "[columns]") {
  std::string error = ResolveError({"label", "age"});
  CHECK_THAT(error, StartsWith("no predictions found"));
  CHECK_THAT(error, Contains("columns are 'label', 'age'"));
}

TEST_CASE("A score column without pred or probabilities is threshold mode",
          "[columns]") {
  const Strings names = {"label", "score", "age"};
  ColumnMapping m = Resolve(names);
  CHECK(m.pred_source == PredSource::kThreshold);
  CHECK(m.pred == -1);
  CHECK(m.confidence == 1);
  CHECK_THAT(m.threshold, Catch::Matchers::WithinAbs(0.5, 0));
  CHECK(m.positive == "1");
  CHECK_FALSE(m.negative.has_value());
  CHECK(NamesOf(names, m.features) == Strings{"age"});

  ColumnOptions options;
  options.threshold = 0.7;
  options.positive = "spam";
  options.negative = "ham";
  m = Resolve(names, options);
  CHECK_THAT(m.threshold, Catch::Matchers::WithinAbs(0.7, 0));
  CHECK(m.positive == "spam");
  CHECK(m.negative == std::optional<std::string>("ham"));
}

TEST_CASE("columns: --threshold with a pred column is an error", "[columns]") {
  ColumnOptions options;
  options.threshold = 0.3;
  std::string error = ResolveError({"label", "pred", "score"}, options);
  CHECK_THAT(error, StartsWith("--threshold"));
  CHECK_THAT(error, Contains("a pred column ('pred')"));

  CHECK_THAT(ResolveError({"label", "p_a", "p_b"}, options),
             Contains("probability columns"));
}

TEST_CASE("columns: --classes without a probability array field is an error",
          "[columns]") {
  ColumnOptions options;
  options.classes = {"a", "b"};
  CHECK_THAT(ResolveError({"label", "pred"}, options),
             Contains("--classes"));
  CHECK_THAT(ResolveError({"label", "p_a", "p_b"}, options),
             Contains("--proba-field"));
}

TEST_CASE("columns: --proba-field takes the class order from --classes", "[columns]") {
  const Strings names = {"label", "probs", "age"};
  ColumnOptions options;
  options.proba_field = "probs";
  options.classes = {"neg", "pos"};
  ColumnMapping m = Resolve(names, options);
  CHECK(m.proba_field == 1);
  CHECK(m.proba_columns.empty());
  CHECK(m.proba_classes == Strings{"neg", "pos"});
  CHECK(m.has_probabilities());
  CHECK(m.pred_source == PredSource::kArgmax);
  CHECK(NamesOf(names, m.features) == Strings{"age"});
}

TEST_CASE("Probabilities with a pred column keep the column as the source",
          "[columns]") {
  ColumnMapping m = Resolve({"label", "pred", "p_a", "p_b"});
  CHECK(m.pred_source == PredSource::kColumn);
  CHECK(m.pred == 1);
  CHECK(m.proba_classes == Strings{"a", "b"});
  CHECK(m.features.empty());
}

TEST_CASE("columns: --proba-prefix takes the columns starting with it", "[columns]") {
  const Strings names = {"label", "out:cat", "out:dog", "age"};
  ColumnOptions options;
  options.proba_prefix = "out:";
  ColumnMapping m = Resolve(names, options);
  CHECK(m.proba_columns == std::vector<int>{1, 2});
  CHECK(m.proba_classes == Strings{"cat", "dog"});
  CHECK(m.pred_source == PredSource::kArgmax);

  options.proba_prefix = "zz_";
  CHECK_THAT(ResolveError(names, options),
             StartsWith("--proba-prefix 'zz_': no column name starts"));
}

}  // namespace
}  // namespace errscope
