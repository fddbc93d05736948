#pragma once
// A small, fast, seedable generator for sampling decisions (reservoirs,
// eviction candidates). Each detector owns one, seeded from its options, so
// runs are reproducible and there is no shared mutable state.
#include <cstdint>

namespace mamori::detect::sketch {

class SplitMix64 {
 public:
  explicit constexpr SplitMix64(std::uint64_t seed = 0x6d616d6f7269ULL) noexcept : state_(seed) {}

  constexpr std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) by multiply-shift (Lemire); the bias for n < 2^32 is
  // below 2^-32, far under what any sampling decision here can notice.
  constexpr std::uint32_t below(std::uint32_t n) noexcept {
    return static_cast<std::uint32_t>(((next() >> 32) * static_cast<std::uint64_t>(n)) >> 32);
  }

 private:
  std::uint64_t state_;
};

}  // namespace mamori::detect::sketch
