// Errors by input feature: one group per categorical value or numeric bin,
// with its error rate, Wilson interval, lift, excess errors and a one-sided
// Fisher test against the rest, Benjamini-Hochberg corrected.
#include "analyzers/slices.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "analyzers/feature_cells.h"
#include "errscope/class_index.h"
#include "errscope/proportion.h"
#include "errscope/significance.h"

namespace errscope {

void to_json(nlohmann::json& j, const SlicesPartial& p) {
  nlohmann::json features = nlohmann::json::array();
  for (const FeatureTally& f : p.features) {
    // Text and numbers in one list, in byte order of the spellings, so
    // that the form is stable.
    struct Value {
      std::string_view text;
      const GroupCounts* counts;
    };
    std::vector<Value> sorted;
    for (const auto& e : f.values.entries()) {
      sorted.push_back({f.values.KeyOf(e), &e.value});
    }
    for (const NumberCount& n : f.numeric_values) {
      sorted.push_back({f.SpellingOf(n), &n.counts});
    }
    std::sort(sorted.begin(), sorted.end(),
              [](const Value& a, const Value& b) { return a.text < b.text; });
    nlohmann::json values = nlohmann::json::array();
    for (const Value& v : sorted) {
      const GroupCounts& c = *v.counts;
      values.push_back({std::string(v.text), c.rows, c.errors, c.first_row});
    }
    features.push_back({{"values", values},
                        {"untracked", {f.untracked.rows, f.untracked.errors}},
                        {"missing", {f.missing.rows, f.missing.errors}},
                        {"all_numeric", f.all_numeric},
                        {"tracking_closed", f.tracking_closed},
                        {"numbers", f.numbers}});
  }
  j = {{"version", 1},
       {"rows", p.rows},
       {"errors", p.errors},
       {"features", features}};
}

namespace {

/// Copies `text` to `out`, which has room for it. Inline for the few bytes
/// of a number, where a call to memcpy costs more than the copy.
void CopyShortText(std::string_view text, char* out) {
  const char* p = text.data();
  const size_t n = text.size();
  if (n >= 8 && n <= 16) {  // two 8-byte words that may overlap
    uint64_t head, tail;
    std::memcpy(&head, p, 8);
    std::memcpy(&tail, p + n - 8, 8);
    std::memcpy(out, &head, 8);
    std::memcpy(out + n - 8, &tail, 8);
  } else if (n > 16) {
    std::memcpy(out, p, n);
  } else {
    for (size_t i = 0; i < n; ++i) out[i] = p[i];
  }
}

NumberCount AppendNumber(double value, const GroupCounts& counts,
                         std::string_view spelling, FeatureTally* tally) {
  NumberCount n{value, counts, static_cast<uint32_t>(tally->spellings.size()),
                static_cast<uint32_t>(spelling.size())};
  tally->spellings.append(spelling);
  return n;
}

}  // namespace

void from_json(const nlohmann::json& j, SlicesPartial& p) {
  j.at("rows").get_to(p.rows);
  j.at("errors").get_to(p.errors);
  p.features.clear();
  auto counts = [](const nlohmann::json& pair) {
    return GroupCounts{pair.at(0).get<int64_t>(), pair.at(1).get<int64_t>()};
  };
  for (const nlohmann::json& f : j.at("features")) {
    FeatureTally t;
    for (const nlohmann::json& v : f.at("values")) {
      const std::string& value = v.at(0).get_ref<const std::string&>();
      const GroupCounts counts{v.at(1).get<int64_t>(), v.at(2).get<int64_t>(),
                               v.size() > 3 ? v.at(3).get<int64_t>() : 0};
      double number = 0;
      if (ParseFiniteNumber(value, &number)) {
        t.numeric_values.push_back(AppendNumber(number, counts, value, &t));
        continue;
      }
      if (t.values.Find(value) != nullptr) {
        throw std::invalid_argument("slices partial: duplicate value '" +
                                    value + "'");
      }
      t.values.Insert(value, counts);
    }
    std::sort(t.numeric_values.begin(), t.numeric_values.end(),
              [](const NumberCount& a, const NumberCount& b) {
                return a.value < b.value;
              });
    for (size_t i = 1; i < t.numeric_values.size(); ++i) {
      if (t.numeric_values[i].value == t.numeric_values[i - 1].value) {
        throw std::invalid_argument(
            "slices partial: two spellings of the number '" +
            std::string(t.SpellingOf(t.numeric_values[i])) + "'");
      }
    }
    t.untracked = counts(f.at("untracked"));
    t.missing = counts(f.at("missing"));
    f.at("all_numeric").get_to(t.all_numeric);
    t.tracking_closed = f.value("tracking_closed", false);
    f.at("numbers").get_to(t.numbers);
    p.features.push_back(std::move(t));
  }
}

NumberSet::NumberSet(const std::vector<NumberCount>& numbers) {
  int bits = 1;
  while ((size_t{1} << bits) < 2 * numbers.size()) ++bits;
  slots_.assign(size_t{1} << bits, kEmpty);
  mask_ = slots_.size() - 1;
  shift_ = 64 - bits;
  filter_.assign((size_t{1} << kFilterBits) / 64, 0);
  for (const NumberCount& n : numbers) {
    const uint64_t key = std::bit_cast<uint64_t>(n.value + 0.0);
    const size_t bit = FilterBit(key);
    filter_[bit / 64] |= uint64_t{1} << (bit % 64);
    size_t at = Home(key);
    while (slots_[at] != kEmpty && slots_[at] != key) at = (at + 1) & mask_;
    slots_[at] = key;
  }
}

void TrackedNumbersBoard::Publish(size_t feature,
                                  const std::vector<NumberCount>& tracked) {
  auto numbers = std::make_shared<const NumberSet>(tracked);
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<Numbers>& published = settled_.numbers;
  if (published.size() <= feature) published.resize(feature + 1);
  if (!published[feature]) published[feature] = std::move(numbers);
}

bool TrackedNumbersBoard::Published(size_t feature) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return feature < settled_.numbers.size() &&
         settled_.numbers[feature] != nullptr;
}

void TrackedNumbersBoard::PublishCells(size_t feature, Cells cells) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (invalid_) return;
  if (settled_.cells.size() <= feature) settled_.cells.resize(feature + 1);
  settled_.cells[feature] = std::move(cells);
}

TrackedNumbersBoard::Settled TrackedNumbersBoard::Read() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (invalid_) return {};
  return settled_;
}

void TrackedNumbersBoard::Invalidate() {
  std::lock_guard<std::mutex> lock(mutex_);
  invalid_ = true;
  settled_ = Settled();
}

namespace {

constexpr double kFalseDiscoveryRate = 0.05;

/// A value of `from` that `into` does not track yet.
struct NewValue {
  std::string_view text;
  const GroupCounts* counts;
  const NumberCount* number;  ///< nullptr for text.
};

/// Adds the values of `from` to `into`. A chunk's partial (`limited` false)
/// takes every new value. A running total (`limited`) tracks the first
/// kMaxTrackedValues distinct values in input order (their text at most
/// kMaxTrackedBytes); the rows of the rest go to `untracked`. Once one new
/// value is refused no later one is taken, so what is tracked is always a
/// prefix of the values in input order. Exact for every value `into`
/// tracks when `from` counted all of its values (a chunk's partial always
/// does).
void MergeValues(const FeatureTally& from, FeatureTally* into, bool limited) {
  // A total that takes no more values only adds counts: every value it does
  // not know goes to `untracked` (most of a continuous column's values,
  // every chunk: no list of them is built).
  const bool closed = limited && into->tracking_closed;
  std::vector<NewValue> fresh;
  // Numbers: a join of two lists sorted by value.
  std::vector<NumberCount>& known = into->numeric_values;
  // A chunk made for a closed total lists only the few numbers it tracks:
  // those are looked up, not found by a walk of its 10,000 (profiled: the
  // walks were 2% of an analysis with two continuous columns).
  const bool look_up = from.numeric_values.size() * 16 < known.size();
  size_t i = 0;
  for (const NumberCount& n : from.numeric_values) {
    if (look_up) {
      i = static_cast<size_t>(
          std::lower_bound(known.begin() + static_cast<std::ptrdiff_t>(i),
                           known.end(), n.value,
                           [](const NumberCount& k, double v) {
                             return k.value < v;
                           }) -
          known.begin());
    }
    while (i < known.size() && known[i].value < n.value) ++i;
    if (i < known.size() && known[i].value == n.value) {
      NumberCount& k = known[i];
      const int64_t earlier = k.counts.first_row;
      k.counts.Add(n.counts);
      if (k.counts.first_row != earlier) {  // `from` saw it first: its name
        k = AppendNumber(k.value, k.counts, from.SpellingOf(n), into);
      }
    } else if (closed) {
      into->untracked.Add(n.counts);
    } else {
      fresh.push_back({from.SpellingOf(n), &n.counts, &n});
    }
  }
  for (const auto& e : from.values.entries()) {
    const std::string_view text = from.values.KeyOf(e);
    if (GroupCounts* k = into->values.FindHashed(text, e.hash)) {
      k->Add(e.value);
    } else if (closed) {
      into->untracked.Add(e.value);
    } else {
      fresh.push_back({text, &e.value, nullptr});
    }
  }
  size_t take = fresh.size();
  if (limited) {
    size_t bytes = 0;
    for (const NewValue& v : fresh) bytes += v.text.size();
    const bool all_fit =
        into->tracked() + fresh.size() <= kMaxTrackedValues &&
        into->tracked_bytes() + bytes <= kMaxTrackedBytes;
    if (into->tracking_closed) {
      take = 0;
    } else if (!all_fit) {
      // Which values fit depends on the order they were first met in.
      std::sort(fresh.begin(), fresh.end(),
                [](const NewValue& a, const NewValue& b) {
                  if (a.counts->first_row != b.counts->first_row) {
                    return a.counts->first_row < b.counts->first_row;
                  }
                  return a.text < b.text;
                });
      size_t count = into->tracked(), text_bytes = into->tracked_bytes();
      take = 0;
      while (take < fresh.size() && count < kMaxTrackedValues &&
             text_bytes + fresh[take].text.size() <= kMaxTrackedBytes) {
        ++count;
        text_bytes += fresh[take].text.size();
        ++take;
      }
      into->tracking_closed = true;
    }
  }
  std::vector<NumberCount> added;
  for (size_t k = 0; k < fresh.size(); ++k) {
    const NewValue& v = fresh[k];
    if (k >= take) {
      into->untracked.Add(*v.counts);
    } else if (v.number != nullptr) {
      added.push_back(AppendNumber(v.number->value, *v.counts, v.text, into));
    } else {
      into->values.Insert(v.text, *v.counts);
    }
  }
  if (!added.empty()) {
    std::sort(added.begin(), added.end(),
              [](const NumberCount& a, const NumberCount& b) {
                return a.value < b.value;
              });
    std::vector<NumberCount> merged(known.size() + added.size());
    std::merge(known.begin(), known.end(), added.begin(), added.end(),
               merged.begin(), [](const NumberCount& a, const NumberCount& b) {
                 return a.value < b.value;
               });
    known = std::move(merged);
  }
  // Values `from` refused come after all it tracked: none can be taken now.
  if (limited && from.tracking_closed) into->tracking_closed = true;
}

/// What a running total has settled for good about one feature, for the
/// chunks still to be counted (see TrackedNumbersBoard); null: nothing.
struct SettledFeature {
  const NumberSet* tracks = nullptr;
  const BucketCells* cells = nullptr;
};

/// For numbers left ungrouped (numbers->rows): groups those `tracks` holds
/// into numbers->groups, and counts the rest in `untracked`, as the
/// merge would.
void GroupTracked(const NumberSet& tracks, ChunkNumbers* numbers,
                  FeatureTally* tally) {
  std::vector<ValueHistogram::Row> tracked;
  GroupCounts untracked;
  for (const ValueHistogram::Row& r : numbers->rows) {
    if (tracks.Contains(r.value)) {
      tracked.push_back(r);
    } else {
      ++untracked.rows;
      untracked.errors += r.is_error ? 1 : 0;
    }
  }
  if (untracked.rows > 0) {
    tally->untracked.Add(untracked);
    tally->tracking_closed = true;  // a value refused: none taken later
  }
  ValueHistogram::GroupByValue(tracked, &numbers->groups,
                               &numbers->first_index);
}

/// Lists the chunk's numbers in the tally's values, each with its spelling
/// and first row: all of them, or, when the total takes no new value
/// (`tracks`), only those it tracks (their counts go to it). The rest go
/// to `untracked`, as the merge would put them: their spellings and first
/// rows would never be read.
void ListNumbers(const PredictionBatch& batch, size_t f,
                 const ChunkNumbers& numbers, const NumberSet* tracks,
                 FeatureTally* tally) {
  const std::vector<ValueBucket>& groups = numbers.groups;
  const std::vector<uint32_t>& first_index = numbers.first_index;
  std::vector<uint32_t> listed;
  listed.reserve(groups.size());
  for (size_t g = 0; g < groups.size(); ++g) {
    if (tracks == nullptr || !numbers.rows.empty() ||
        tracks->Contains(groups[g].lo)) {
      listed.push_back(static_cast<uint32_t>(g));
    } else {
      tally->untracked.Add({groups[g].rows, groups[g].errors});
      tally->tracking_closed = true;  // a value refused: none taken later
    }
  }
  FeatureTally batch_numbers;
  batch_numbers.numeric_values.reserve(listed.size());
  // Spellings are copied inline into an arena sized once: a string append
  // per distinct number was a call to memcpy for a few bytes each.
  size_t spelling_total = 0;
  for (const uint32_t g : listed) {
    spelling_total += batch.feature(first_index[g], f).size();
  }
  batch_numbers.spellings.resize(spelling_total);
  size_t spelling_bytes = 0;
  for (const uint32_t g : listed) {
    const uint32_t first = first_index[g];
    const GroupCounts counts{groups[g].rows, groups[g].errors,
                             batch.row_number[first]};
    const std::string_view spelling = batch.feature(first, f);
    CopyShortText(spelling, batch_numbers.spellings.data() + spelling_bytes);
    batch_numbers.numeric_values.push_back(
        {groups[g].lo, counts, static_cast<uint32_t>(spelling_bytes),
         static_cast<uint32_t>(spelling.size())});
    spelling_bytes += spelling.size();
  }
  if (tally->numeric_values.empty()) {
    tally->numeric_values = std::move(batch_numbers.numeric_values);
    tally->spellings = std::move(batch_numbers.spellings);
  } else {
    MergeValues(batch_numbers, tally, /*limited=*/false);
  }
}

class SlicesAnalyzer : public AnalyzerOf<SlicesPartial> {
 public:
  explicit SlicesAnalyzer(const AnalyzerSettings& settings)
      : settings_(settings) {}

 protected:
  void AddRows(const PredictionBatch& batch, SlicesPartial* p) const override;
  void MergeInto(const SlicesPartial& from, SlicesPartial* into) const override;
  Status FinishInto(const SlicesPartial& partial,
                    Report* report) const override;

 private:
  std::unique_ptr<SlicesPartial> PartialFor(
      const SlicesPartial& total) const override {
    auto p = std::make_unique<SlicesPartial>();
    p->total_settled = total.board->Read();
    return p;
  }
  void AddFeature(const PredictionBatch& batch, size_t f,
                  const SettledFeature& settled, FeatureTally* tally) const;
  /// The groups of one feature, without their statistics.
  FeatureSlices Groups(const FeatureTally& tally,
                       const std::string& name) const;
  std::vector<SliceGroup> NumericGroups(const FeatureTally& tally) const;
  std::vector<SliceGroup> CategoricalGroups(const FeatureTally& tally) const;
  bool IsNumeric(const FeatureTally& tally) const {
    const size_t distinct =
        tally.tracked() + (tally.untracked.rows > 0 ? 1 : 0);
    return tally.all_numeric && distinct > settings_.options.max_categories;
  }

  AnalyzerSettings settings_;
};

void SlicesAnalyzer::AddFeature(const PredictionBatch& batch, size_t f,
                                const SettledFeature& settled,
                                FeatureTally* tally) const {
  bool all_numeric = tally->all_numeric;
  // A column whose running total tracks no new value and has coarse
  // buckets (a continuous one): its numbers are not grouped by value, only
  // those the total tracks (AddBatchWithin counts the rest).
  const bool within = settled.tracks != nullptr && settled.cells != nullptr;
  ChunkNumbers numbers;
  CountFeatureCells(batch, f, tally, &all_numeric, &numbers,
                    /*group_numbers=*/!within);
  if (!numbers.rows.empty()) GroupTracked(*settled.tracks, &numbers, tally);
  ListNumbers(batch, f, numbers, settled.tracks, tally);
  tally->all_numeric = all_numeric;
  if (!all_numeric) {
    tally->numbers = ValueHistogram();
  } else if (!numbers.rows.empty()) {
    tally->numbers.AddBatchWithin(numbers.rows, *settled.cells);
  } else {
    tally->numbers.AddGroups(std::move(numbers.groups));
  }
}

void SlicesAnalyzer::AddRows(const PredictionBatch& batch,
                             SlicesPartial* p) const {
  p->features.resize(batch.num_features);
  p->rows += static_cast<int64_t>(batch.rows());
  for (size_t r = 0; r < batch.rows(); ++r)
    p->errors += batch.correct(r) ? 0 : 1;
  // Rows added directly can give a closed partial new values (a chunk's
  // own tally takes every value): what its board says would not hold.
  p->board->Invalidate();
  const TrackedNumbersBoard::Settled& board = p->total_settled;
  for (size_t f = 0; f < batch.num_features; ++f) {
    SettledFeature settled;
    if (f < board.numbers.size()) settled.tracks = board.numbers[f].get();
    if (f < board.cells.size()) settled.cells = board.cells[f].get();
    AddFeature(batch, f, settled, &p->features[f]);
  }
}

void SlicesAnalyzer::MergeInto(const SlicesPartial& from,
                               SlicesPartial* into) const {
  into->rows += from.rows;
  into->errors += from.errors;
  if (into->features.size() < from.features.size()) {
    into->features.resize(from.features.size());
  }
  for (size_t f = 0; f < from.features.size(); ++f) {
    const FeatureTally& a = from.features[f];
    FeatureTally& b = into->features[f];
    MergeValues(a, &b, /*limited=*/true);
    if (b.tracking_closed && !into->board->Published(f)) {
      into->board->Publish(f, b.numeric_values);
    }
    b.untracked.Add(a.untracked);
    b.missing.Add(a.missing);
    if (!a.all_numeric) b.all_numeric = false;
    if (b.all_numeric) {
      const size_t before = b.numbers.buckets().size();
      b.numbers.Merge(a.numbers);
      // Compacted: the cells for the chunks still to come (coarser than
      // any published before, which stay valid: see AddBatchWithin).
      if (b.numbers.buckets().size() < before) {
        into->board->PublishCells(
            f, std::make_shared<const BucketCells>(b.numbers));
      }
    } else {
      b.numbers = ValueHistogram();
    }
  }
}

std::vector<SliceGroup> SlicesAnalyzer::NumericGroups(
    const FeatureTally& tally) const {
  const ValueHistogram& h = tally.numbers;
  const size_t bins = settings_.options.feature_bins;
  const std::vector<double> edges =
      settings_.options.binning == Binning::kQuantile
          ? h.QuantileEdges(static_cast<int>(bins))
          : h.UniformEdges(static_cast<int>(bins));
  std::vector<SliceGroup> groups;
  for (const auto& bin : h.CountBins(edges)) {
    SliceGroup g;
    g.lo = bin.lo;
    g.hi = bin.hi;
    g.rows = bin.rows;
    g.errors = bin.errors;
    groups.push_back(g);
  }
  if (!groups.empty()) groups.back().closed = true;
  return groups;
}

std::vector<SliceGroup> SlicesAnalyzer::CategoricalGroups(
    const FeatureTally& tally) const {
  struct Value {
    std::string_view text;
    GroupCounts counts;
  };
  std::vector<Value> values;
  for (const auto& e : tally.values.entries()) {
    values.push_back({tally.values.KeyOf(e), e.value});
  }
  for (const NumberCount& n : tally.numeric_values) {
    values.push_back({tally.SpellingOf(n), n.counts});
  }
  GroupCounts other = tally.untracked;
  const size_t keep = settings_.options.max_groups;
  if (values.size() > keep) {
    // Keep the values with the most errors; fold the rest.
    std::stable_sort(values.begin(), values.end(),
                     [](const Value& a, const Value& b) {
                       if (a.counts.errors != b.counts.errors)
                         return a.counts.errors > b.counts.errors;
                       if (a.counts.rows != b.counts.rows)
                         return a.counts.rows > b.counts.rows;
                       return a.text < b.text;
                     });
    for (size_t i = keep; i < values.size(); ++i) other.Add(values[i].counts);
    values.resize(keep);
  }
  // Most frequent first, as a value count lists them; ties by value (the
  // sort above may have reordered them).
  std::stable_sort(values.begin(), values.end(),
                   [](const Value& a, const Value& b) {
                     if (a.counts.rows != b.counts.rows)
                       return a.counts.rows > b.counts.rows;
                     return a.text < b.text;
                   });
  std::vector<SliceGroup> groups;
  for (const Value& v : values) {
    SliceGroup g;
    g.value = std::string(v.text);
    g.rows = v.counts.rows;
    g.errors = v.counts.errors;
    groups.push_back(g);
  }
  if (other.rows > 0) {
    SliceGroup g;
    g.value = "(other)";
    g.other = true;
    g.rows = other.rows;
    g.errors = other.errors;
    groups.push_back(g);
  }
  return groups;
}

FeatureSlices SlicesAnalyzer::Groups(const FeatureTally& tally,
                                     const std::string& name) const {
  FeatureSlices s;
  s.feature = name;
  if (IsNumeric(tally)) {
    s.kind = "numeric";
    s.groups = NumericGroups(tally);
  } else {
    s.kind = "categorical";
    s.groups = CategoricalGroups(tally);
  }
  if (tally.missing.rows > 0) {
    SliceGroup g;
    g.missing = true;
    g.rows = tally.missing.rows;
    g.errors = tally.missing.errors;
    s.groups.push_back(g);
  }
  return s;
}

Status SlicesAnalyzer::FinishInto(const SlicesPartial& partial,
                                  Report* report) const {
  if (settings_.mapping.features.empty()) return Status::Ok();
  SlicesSection section;
  section.min_rows = settings_.options.min_rows;
  section.binning =
      settings_.options.binning == Binning::kQuantile ? "quantile" : "uniform";
  const int64_t n = partial.rows;
  const int64_t e = partial.errors;
  const double rate =
      n > 0 ? static_cast<double>(e) / static_cast<double>(n) : 0;
  section.overall_error_rate = rate;
  std::vector<double> p_values;
  for (size_t f = 0; f < settings_.mapping.features.size(); ++f) {
    const FeatureTally empty;
    const FeatureTally& tally =
        f < partial.features.size() ? partial.features[f] : empty;
    FeatureSlices slices =
        Groups(tally, settings_.column_names[settings_.mapping.features[f]]);
    for (SliceGroup& g : slices.groups) {
      const auto rows = static_cast<double>(g.rows);
      g.error_rate = g.rows > 0 ? static_cast<double>(g.errors) / rows : 0;
      Interval ci = WilsonInterval95(g.errors, g.rows);
      g.error_rate_ci95_lo = ci.lo;
      g.error_rate_ci95_hi = ci.hi;
      if (rate > 0) g.lift = g.error_rate / rate;
      g.excess_errors = static_cast<double>(g.errors) - rows * rate;
      g.p_value = FisherExactGreater(g.errors, g.rows - g.errors, e - g.errors,
                                     (n - g.rows) - (e - g.errors));
      p_values.push_back(g.p_value);
    }
    section.features.push_back(std::move(slices));
  }
  // One family: every group of every feature.
  const std::vector<double> q_values = BenjaminiHochberg(p_values);
  size_t i = 0;
  for (FeatureSlices& slices : section.features) {
    for (SliceGroup& g : slices.groups) {
      g.q_value = q_values[i++];
      g.significant =
          g.q_value <= kFalseDiscoveryRate && g.rows >= section.min_rows;
    }
  }
  report->slices = std::move(section);
  return Status::Ok();
}

}  // namespace

std::unique_ptr<Analyzer> MakeSlicesAnalyzer(const AnalyzerSettings& settings) {
  return std::make_unique<SlicesAnalyzer>(settings);
}

}  // namespace errscope
