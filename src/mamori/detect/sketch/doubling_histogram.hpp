#pragma once
// Connection counts over an observation window in a fixed number of buckets
// whose width doubles as the window grows (RITA divides its whole dataset
// into 24 bins; a stream does not know its extent in advance). All
// histograms of a detector share one anchor and one schedule of widths:
// width(level) = finest << level. A histogram filled at a lower level is
// brought up by adding neighbouring buckets, which is exact because the
// boundaries nest.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

namespace mamori::detect::sketch {

template <std::size_t B>
class DoublingHistogram {
  static_assert(B % 2 == 0 && B >= 4 && B <= 255);

 public:
  static constexpr std::size_t kBuckets = B;

  // `offset` = time − anchor in units of the finest width; `level` is the
  // detector's current level, which must cover the offset.
  void add(std::uint64_t offset, std::uint8_t level) noexcept {
    align(level);
    const std::size_t b = std::min<std::uint64_t>(offset >> level_, B - 1);
    if (counts_[b] != UINT16_MAX) ++counts_[b];
  }
  // Merges neighbouring buckets until the histogram is at `level`.
  void align(std::uint8_t level) noexcept {
    while (level_ < level) {
      for (std::size_t i = 0; i < B / 2; ++i) {
        const unsigned sum = unsigned{counts_[2 * i]} + counts_[2 * i + 1];
        counts_[i] = static_cast<std::uint16_t>(std::min<unsigned>(sum, UINT16_MAX));
      }
      std::fill(counts_.begin() + B / 2, counts_.end(), std::uint16_t{0});
      ++level_;
    }
  }
  void clear() noexcept {
    counts_.fill(0);
    level_ = 0;
  }
  const std::array<std::uint16_t, B>& counts() const noexcept { return counts_; }
  std::uint8_t level() const noexcept { return level_; }

 private:
  std::array<std::uint16_t, B> counts_{};
  std::uint8_t level_ = 0;
};

// The shared schedule: the level whose B buckets cover `span` finest units.
template <std::size_t B>
constexpr std::uint8_t covering_level(std::uint64_t span) noexcept {
  std::uint8_t level = 0;
  while (level < 62 && (span >> level) >= B) ++level;
  return level;
}

}  // namespace mamori::detect::sketch
