#pragma once
// A bounded uniform sample of a stream (Vitter's Algorithm R): after n
// additions every item has been kept with probability N/n. Detectors keep
// inter-arrival times and per-connection sizes this way, so dispersion
// statistics stay unbiased however long a pair lives, in fixed memory.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "mamori/detect/sketch/random.hpp"

namespace mamori::detect::sketch {

template <class T, std::size_t N>
class Reservoir {
  static_assert(N > 0 && N < 65536);

 public:
  void add(T value, SplitMix64& rng) noexcept {
    if (seen_ < N) {
      items_[seen_] = value;
    } else {
      const std::uint32_t j = rng.below(seen_ + 1);
      if (j < N) items_[j] = value;
    }
    if (seen_ != UINT32_MAX) ++seen_;
  }
  void clear() noexcept { seen_ = 0; }

  std::span<const T> items() const noexcept { return {items_.data(), size()}; }
  std::size_t size() const noexcept { return std::min<std::size_t>(seen_, N); }
  std::uint32_t seen() const noexcept { return seen_; }
  static constexpr std::size_t capacity() noexcept { return N; }

 private:
  std::array<T, N> items_{};
  std::uint32_t seen_ = 0;
};

}  // namespace mamori::detect::sketch
