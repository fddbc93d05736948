#pragma once
// The simulator's random numbers. Hand-rolled rather than <random> because
// the standard distributions are implementation-defined: the same seed must
// give the same traffic with any standard library.
#include <cmath>
#include <cstdint>

namespace mamori::flow::sim {

// wyrand: one multiply per draw, passes BigCrush, and its whole state is one
// word, so a generator per sub-stream is free.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) noexcept : state_(seed) {}

  std::uint64_t next() noexcept {
    state_ += 0xa0761d6478bd642fULL;
    const __uint128_t m = static_cast<__uint128_t>(state_ ^ 0xe7037ed1a0b428dbULL) * state_;
    return static_cast<std::uint64_t>(m >> 64) ^ static_cast<std::uint64_t>(m);
  }
  // Uniform in [0, 1).
  double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1]: safe to take the logarithm of.
  double uniform_pos() noexcept { return static_cast<double>((next() >> 11) + 1) * 0x1.0p-53; }
  // Uniform integer in [0, n) (Lemire's multiply-shift; the bias is below 2^-40 for our n).
  std::uint64_t below(std::uint64_t n) noexcept {
    return static_cast<std::uint64_t>((static_cast<__uint128_t>(next()) * n) >> 64);
  }
  std::uint64_t between(std::uint64_t lo, std::uint64_t hi_inclusive) noexcept {
    return lo + below(hi_inclusive - lo + 1);
  }
  bool chance(double p) noexcept { return uniform() < p; }
  double exponential() noexcept { return -std::log(uniform_pos()); }
  // Standard normal by Marsaglia's polar method; the second value is kept.
  double normal() noexcept {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }
  // Log-normal given its median (e^mu) and shape sigma: heavy-tailed sizes and durations.
  double lognormal(double median, double sigma) noexcept { return median * std::exp(sigma * normal()); }
  // Pareto with scale x_m and tail index alpha (smaller alpha, heavier tail).
  double pareto(double x_m, double alpha) noexcept { return x_m * std::pow(uniform_pos(), -1.0 / alpha); }

 private:
  std::uint64_t state_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

// SplitMix64 finaliser: derives independent sub-seeds from one --seed.
constexpr std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t stream) noexcept {
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace mamori::flow::sim
