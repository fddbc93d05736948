#include "mamori/flow/simulate/alias_table.hpp"

#include <algorithm>
#include <cmath>

namespace mamori::flow::sim {

AliasTable::AliasTable(std::span<const double> weights) {
  double total = 0.0;
  for (double w : weights) total += std::max(w, 0.0);
  if (weights.empty() || !(total > 0.0)) return;
  const std::size_t n = weights.size();
  std::vector<double> scaled(n);
  std::vector<std::uint32_t> small, large;
  small.reserve(n);
  large.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    scaled[i] = std::max(weights[i], 0.0) * static_cast<double>(n) / total;
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
  }
  slots_.assign(n, Slot{0xffffffffu, 0});
  for (std::size_t i = 0; i < n; ++i) slots_[i].alias = static_cast<std::uint32_t>(i);
  while (!small.empty() && !large.empty()) {
    const std::uint32_t s = small.back();
    small.pop_back();
    const std::uint32_t l = large.back();
    slots_[s].threshold = static_cast<std::uint32_t>(std::min(scaled[s] * 4294967296.0, 4294967295.0));
    slots_[s].alias = l;
    scaled[l] -= 1.0 - scaled[s];
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // Leftovers are 1.0 up to rounding: they always keep themselves.
  for (std::uint32_t i : small) slots_[i] = Slot{0xffffffffu, i};
  for (std::uint32_t i : large) slots_[i] = Slot{0xffffffffu, i};
}

}  // namespace mamori::flow::sim
