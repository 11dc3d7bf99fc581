// errscope_gen: writes a deterministic, realistic prediction file for the
// benchmarks (bench/run.sh): a five-class ticket-routing model's predictions
// with per-class probabilities and eight input features, at > 150 MB/s.
//
// Usage: errscope_gen [--rows N] [--format csv|jsonl] [--seed S] [-o FILE]
//
// Columns: id, label, pred, confidence, p_account, p_billing, p_bug,
// p_sales, p_shipping (6 decimals, summing to exactly 1), age, income,
// latency_ms, engagement (numeric), country, device, plan, channel
// (categorical). About 1% of the feature cells are missing: empty in CSV,
// null in JSON Lines. A CSV row is about 124 bytes, a JSON Lines row 300.
//
// Planted patterns, so that the report has something to find:
// - device=tablet rows are much harder (36% errors against 19% overall),
//   rows with latency_ms >= 200 or age >= 65 and tv rows a little harder,
//   enterprise rows easier;
// - the reported probabilities are sharper than the truth and 3% of the
//   labels are noise, so the model is over-confident, most at high
//   confidence.
//
// Determinism: the same seed gives the same rows, and the CSV and JSON Lines
// files of one seed hold the same rows. Random numbers come from
// xoshiro256** seeded by splitmix64, with every distribution written out in
// random.h rather than taken from <random>, whose distributions are
// implementation-defined. Every printed number is an integer computed once
// (probabilities in millionths, income in cents); the only floating-point
// steps that could differ between machines are the C library's exp, log,
// sin, cos and pow, which could move a row across a rounding boundary with
// another libm. With glibc on x86-64 the files are byte-identical.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "random.h"

namespace {

using errscope::bench::Categorical;
using errscope::bench::Rng;
using errscope::bench::Zipf;

// ------------------------------------------------------------- the world

constexpr int kClasses = 5;
constexpr std::array<const char*, kClasses> kClassNames = {
    "account", "billing", "bug", "sales", "shipping"};
// Class order = column order = sorted order, as errscope lists them.
enum ClassId { kAccount, kBilling, kBug, kSales, kShipping };
constexpr std::array<double, kClasses> kClassBias = {0.2, 0.6, 0.0, -0.4, -0.1};
constexpr double kSpread = 6.0;       // scale of the true logits
constexpr double kSharpen = 1.35;     // reported logits = truth * kSharpen
constexpr double kLabelNoise = 0.03;  // labels replaced by a random class
constexpr double kMissing = 0.01;     // per feature cell
constexpr int64_t kMicro = 1000000;

// The features: four numeric, each held as an integer in the units it is
// printed in (value / 10^decimals), then four categorical.
constexpr int kNumeric = 4;
constexpr int kCategorical = 4;
constexpr int kFeatures = kNumeric + kCategorical;
constexpr std::array<const char*, kFeatures> kFeatureNames = {
    "age",     "income", "latency_ms", "engagement",  // numeric
    "country", "device", "plan",       "channel"};    // categorical
enum NumericId { kAge, kIncome, kLatency, kEngagement };
constexpr std::array<int, kNumeric> kDecimals = {0, 2, 2, 3};
enum CategoricalId { kCountry, kDevice, kPlan, kChannel };
enum DeviceValue { kMobile, kDesktop, kTablet, kTv };
enum PlanValue { kFree, kBasic, kPro, kTeam, kEnterprise };
enum ChannelValue { kEmail = 3 };

const Categorical& Values(CategoricalId feature) {
  static const std::array<Categorical, kCategorical> tables = {
      Categorical({"US", "IN", "GB", "DE", "BR", "FR", "CA", "JP", "MX", "ES",
                   "IT", "AU", "NL", "PL", "TR", "ID", "KR", "SE", "AR", "CO",
                   "ZA", "NG", "PH", "VN", "EG", "PK", "CH", "BE", "PT", "IE"},
                  Zipf(30, 1.1)),
      Categorical({"mobile", "desktop", "tablet", "tv"},
                  {0.55, 0.30, 0.10, 0.05}),
      Categorical({"free", "basic", "pro", "team", "enterprise"},
                  {0.45, 0.25, 0.18, 0.08, 0.04}),
      Categorical({"organic", "paid_search", "social", "email", "referral",
                   "direct", "affiliate", "display"},
                  {0.28, 0.20, 0.15, 0.12, 0.09, 0.08, 0.05, 0.03})};
  return tables[feature];
}

struct Row {
  int64_t id = 0;
  int label = 0;
  int pred = 0;
  std::array<int64_t, kClasses> micro{};  // probabilities in millionths
  std::array<int64_t, kNumeric> numbers{};
  std::array<int, kCategorical> category{};
  std::array<bool, kFeatures> missing{};
};

void DrawFeatures(Rng& rng, Row* row) {
  auto& n = row->numbers;
  n[kAge] = std::lround(std::clamp(40.0 + 13.0 * rng.Normal(), 18.0, 90.0));
  const double age_factor = n[kAge] < 25 ? 0.6 : n[kAge] > 65 ? 0.8 : 1.0;
  const double income = age_factor * std::exp(10.7 + 0.55 * rng.Normal());
  n[kIncome] = std::min<int64_t>(std::llround(income * 100), 99999999);
  for (int c = 0; c < kCategorical; ++c) {
    row->category[c] = Values(CategoricalId(c)).Sample(rng);
  }
  const double slow = row->category[kDevice] == kMobile ? 1.4 : 1.0;
  const double latency = slow * std::exp(4.3 + 0.6 * rng.Normal());
  n[kLatency] = std::min<int64_t>(std::llround(latency * 100), 9999999);
  n[kEngagement] = std::lround(1000 * std::pow(rng.Uniform(), 1.5));
  for (bool& m : row->missing) m = rng.Chance(kMissing);
}

/// How separable the classes are for this row: smaller means more errors.
/// Some rows are easy and some hard whatever their features.
double Spread(const Row& row, Rng& rng) {
  double s = kSpread * std::exp(0.4 * rng.Normal());
  if (row.category[kDevice] == kTablet) s *= 0.35;
  if (row.category[kDevice] == kTv) s *= 0.85;
  if (row.category[kPlan] == kEnterprise) s *= 1.2;
  if (row.numbers[kLatency] >= 200 * 100) s *= 0.7;
  if (row.numbers[kAge] >= 65) s *= 0.85;
  return s;
}

/// softmax(scale * z) rounded to millionths that sum to exactly 1e6.
std::array<int64_t, kClasses> RoundedSoftmax(
    const std::array<double, kClasses>& z, double scale) {
  const double top = *std::max_element(z.begin(), z.end());
  std::array<double, kClasses> e;
  double sum = 0;
  for (int k = 0; k < kClasses; ++k) {
    e[k] = std::exp(scale * (z[k] - top));
    sum += e[k];
  }
  std::array<int64_t, kClasses> micro;
  int64_t total = 0;
  for (int k = 0; k < kClasses; ++k) {
    micro[k] = std::llround(kMicro * e[k] / sum);
    total += micro[k];
  }
  // The rounding residue (a few millionths) goes to the largest.
  *std::max_element(micro.begin(), micro.end()) += kMicro - total;
  return micro;
}

/// The label is drawn from softmax(z), the truth; the model reports
/// softmax(kSharpen * z): the same ranking, hence the same errors, but
/// over-confident. Label noise adds confident errors on top.
void DrawPrediction(Rng& rng, Row* row) {
  const double spread = Spread(*row, rng);
  std::array<double, kClasses> z;
  for (int k = 0; k < kClasses; ++k) {
    z[k] = kClassBias[k] + spread * rng.Normal();
  }
  if (row->category[kChannel] == kEmail) z[kBilling] += 0.5;
  if (row->category[kPlan] == kFree) z[kSales] += 0.4;
  if (row->category[kPlan] == kEnterprise) z[kAccount] += 0.5;

  const std::array<int64_t, kClasses> truth = RoundedSoftmax(z, 1.0);
  int64_t u = static_cast<int64_t>(rng.Uniform() * kMicro);
  row->label = 0;
  while (row->label < kClasses - 1 && u >= truth[row->label]) {
    u -= truth[row->label++];
  }
  if (rng.Chance(kLabelNoise)) {
    row->label = static_cast<int>(rng.Next() % kClasses);
  }
  row->micro = RoundedSoftmax(z, kSharpen);
  // argmax with ties to the first column: errscope's own rule.
  const auto top = std::max_element(row->micro.begin(), row->micro.end());
  row->pred = static_cast<int>(top - row->micro.begin());
}

// ----------------------------------------------------------------- output

/// A large output buffer with the few appends the rows need.
class Writer {
 public:
  explicit Writer(std::FILE* file) : file_(file) { buf_.reserve(kSize + 4096); }
  ~Writer() { Flush(); }

  void Text(std::string_view s) { buf_.append(s); }
  void Char(char c) { buf_.push_back(c); }
  void Int(int64_t v) {
    char tmp[24];
    buf_.append(tmp, std::to_chars(tmp, tmp + sizeof tmp, v).ptr);
  }
  /// value / 10^decimals with exactly `decimals` digits after the point;
  /// value >= 0.
  void Fixed(int64_t value, int decimals) {
    int64_t scale = 1;
    for (int i = 0; i < decimals; ++i) scale *= 10;
    Int(value / scale);
    if (decimals == 0) return;
    char digits[20];
    int64_t frac = value % scale;
    for (int i = decimals - 1; i >= 0; --i, frac /= 10) {
      digits[i] = static_cast<char>('0' + frac % 10);
    }
    Char('.');
    buf_.append(digits, decimals);
  }
  /// Called after each row: writes when the buffer is full.
  void EndRow() {
    if (buf_.size() >= kSize) Flush();
  }
  void Flush() {
    if (!buf_.empty() &&
        std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size()) {
      failed_ = true;
    }
    buf_.clear();
  }
  bool failed() const { return failed_; }

 private:
  static constexpr size_t kSize = 4 << 20;
  std::FILE* file_;
  std::string buf_;
  bool failed_ = false;
};

/// Writes feature `f` of `row` (not missing). Categorical values are plain
/// words: they need no CSV quoting or JSON escaping, only JSON's quotes.
void WriteFeature(const Row& row, int f, bool json, Writer& w) {
  if (f < kNumeric) {
    w.Fixed(row.numbers[f], kDecimals[f]);
    return;
  }
  const int c = f - kNumeric;
  if (json) w.Char('"');
  w.Text(Values(CategoricalId(c)).Name(row.category[c]));
  if (json) w.Char('"');
}

void WriteCsvHeader(Writer& w) {
  w.Text("id,label,pred,confidence");
  for (const char* name : kClassNames) {
    w.Text(",p_");
    w.Text(name);
  }
  for (const char* name : kFeatureNames) {
    w.Char(',');
    w.Text(name);
  }
  w.Char('\n');
}

void WriteCsvRow(const Row& row, Writer& w) {
  w.Int(row.id);
  w.Char(',');
  w.Text(kClassNames[row.label]);
  w.Char(',');
  w.Text(kClassNames[row.pred]);
  w.Char(',');
  w.Fixed(row.micro[row.pred], 6);
  for (int64_t p : row.micro) {
    w.Char(',');
    w.Fixed(p, 6);
  }
  for (int f = 0; f < kFeatures; ++f) {
    w.Char(',');
    if (!row.missing[f]) WriteFeature(row, f, false, w);
  }
  w.Char('\n');
}

void WriteJsonRow(const Row& row, Writer& w) {
  w.Text("{\"id\":");
  w.Int(row.id);
  w.Text(",\"label\":\"");
  w.Text(kClassNames[row.label]);
  w.Text("\",\"pred\":\"");
  w.Text(kClassNames[row.pred]);
  w.Text("\",\"confidence\":");
  w.Fixed(row.micro[row.pred], 6);
  for (int k = 0; k < kClasses; ++k) {
    w.Text(",\"p_");
    w.Text(kClassNames[k]);
    w.Text("\":");
    w.Fixed(row.micro[k], 6);
  }
  for (int f = 0; f < kFeatures; ++f) {
    w.Text(",\"");
    w.Text(kFeatureNames[f]);
    w.Text("\":");
    if (row.missing[f]) {
      w.Text("null");
    } else {
      WriteFeature(row, f, true, w);
    }
  }
  w.Text("}\n");
}

struct Options {
  int64_t rows = 1000;
  std::string format = "csv";
  uint64_t seed = 42;
  std::string output = "-";
};

int Generate(const Options& o) {
  std::FILE* file =
      o.output == "-" ? stdout : std::fopen(o.output.c_str(), "wb");
  if (file == nullptr) {
    std::fprintf(stderr, "errscope_gen: error: %s: %s\n", o.output.c_str(),
                 std::strerror(errno));
    return 2;
  }
  const bool csv = o.format == "csv";
  Rng rng(o.seed);
  bool failed = false;
  {
    Writer w(file);
    if (csv) WriteCsvHeader(w);
    Row row;
    for (int64_t i = 1; i <= o.rows && !w.failed(); ++i) {
      row.id = i;
      DrawFeatures(rng, &row);
      DrawPrediction(rng, &row);
      csv ? WriteCsvRow(row, w) : WriteJsonRow(row, w);
      w.EndRow();
    }
    w.Flush();
    failed = w.failed();
  }
  if (std::fflush(file) != 0) failed = true;
  if (file != stdout && std::fclose(file) != 0) failed = true;
  if (failed) {
    std::fprintf(stderr, "errscope_gen: error: %s: cannot write: %s\n",
                 o.output.c_str(), std::strerror(errno));
    return 2;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app(
      "Writes a deterministic, realistic file of classifier predictions (five "
      "classes, probabilities, eight features, planted error patterns) for "
      "benchmarking errscope.",
      "errscope_gen");
  app.add_option("--rows", o.rows, "Data rows to write")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--format", o.format, "Output format")
      ->check(CLI::IsMember({"csv", "jsonl"}))
      ->capture_default_str();
  app.add_option("--seed", o.seed,
                 "Random seed; the same seed gives the same file")
      ->capture_default_str();
  app.add_option("-o,--output", o.output, "Output file ('-': stdout)")
      ->option_text("FILE")
      ->capture_default_str();
  app.footer(
      "Examples:\n"
      "  errscope_gen --rows 1000000 -o preds.csv\n"
      "  errscope_gen --rows 10 --format jsonl --seed 7");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    std::fprintf(stderr, "errscope_gen: error: %s\n", e.what());
    return 2;
  }
  return Generate(o);
}
