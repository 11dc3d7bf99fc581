// Seeded random numbers for the benchmark data generator, with every
// distribution written out here: <random>'s distributions are
// implementation-defined, so the same seed could give other files with
// another standard library.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <utility>
#include <vector>

namespace errscope::bench {

/// splitmix64 (Steele, Lea, Flood 2014): expands one seed into the state of
/// the main generator, as its authors recommend.
inline uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// xoshiro256** 1.0 (Blackman, Vigna 2018) and the few distributions the
/// generator needs, each defined here so that the output is the same
/// everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& word : s_) word = SplitMix64(&seed);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  /// Uniform in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  bool Chance(double p) { return Uniform() < p; }

  /// Standard normal by Box-Muller; both values of a pair are used.
  double Normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u = 1.0 - Uniform();  // (0, 1]: log(u) is finite
    const double v = Uniform();
    const double r = std::sqrt(-2.0 * std::log(u));
    spare_ = r * std::sin(2.0 * std::numbers::pi * v);
    has_spare_ = true;
    return r * std::cos(2.0 * std::numbers::pi * v);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  uint64_t s_[4];
  double spare_ = 0;
  bool has_spare_ = false;
};

/// A categorical distribution over named values.
class Categorical {
 public:
  Categorical(std::vector<const char*> names,
              const std::vector<double>& weights)
      : names_(std::move(names)) {
    double total = 0;
    for (double w : weights) total += w;
    double running = 0;
    for (double w : weights) {
      running += w;
      cumulative_.push_back(running / total);
    }
    cumulative_.back() = 1.0;
  }

  int Sample(Rng& rng) const {
    const double u = rng.Uniform();
    return static_cast<int>(
        std::upper_bound(cumulative_.begin(), cumulative_.end(), u) -
        cumulative_.begin());
  }

  const char* Name(int i) const { return names_[i]; }

 private:
  std::vector<const char*> names_;
  std::vector<double> cumulative_;
};

/// Weights 1/rank^s: a few values hold most rows, as countries do.
inline std::vector<double> Zipf(int n, double s) {
  std::vector<double> w;
  for (int rank = 1; rank <= n; ++rank) w.push_back(std::pow(rank, -s));
  return w;
}

}  // namespace errscope::bench
