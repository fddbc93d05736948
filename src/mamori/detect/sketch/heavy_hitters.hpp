#pragma once
// The few most frequent values of a stream in K counters (Misra–Gries /
// "frequent" algorithm): any value whose share exceeds 1/(K+1) is kept, and
// kept counts underestimate by at most n/(K+1). Detectors use it to name the
// ports a scanner targets or the victims a reflector hits.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

namespace mamori::detect::sketch {

template <class T, std::size_t K>
class HeavyHitters {
 public:
  struct Item {
    T value{};
    std::uint32_t count = 0;
  };

  void add(const T& value, std::uint32_t weight = 1) noexcept {
    for (auto& item : items_) {
      if (item.count != 0 && item.value == value) {
        item.count += weight;
        return;
      }
    }
    for (auto& item : items_) {
      if (item.count == 0) {
        item = {value, weight};
        return;
      }
    }
    // Every counter is taken: decrement all by the smallest of them and the weight.
    std::uint32_t least = weight;
    for (const auto& item : items_) least = std::min(least, item.count);
    for (auto& item : items_) item.count -= least;
    if (weight > least) {
      for (auto& item : items_) {
        if (item.count == 0) {
          item = {value, weight - least};
          break;
        }
      }
    }
  }

  // Kept items, most frequent first.
  std::array<Item, K> sorted() const noexcept {
    auto out = items_;
    std::sort(out.begin(), out.end(), [](const Item& a, const Item& b) { return a.count > b.count; });
    return out;
  }
  void clear() noexcept { items_ = {}; }

 private:
  std::array<Item, K> items_{};
};

}  // namespace mamori::detect::sketch
