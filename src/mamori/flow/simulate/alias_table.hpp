#pragma once
// Walker's alias method: O(1) draws from a fixed discrete distribution, used
// for picking subscribers, servers and services by weight at millions per second.
#include <cstdint>
#include <span>
#include <vector>

#include "mamori/flow/simulate/random.hpp"

namespace mamori::flow::sim {

class AliasTable {
 public:
  AliasTable() = default;
  // Weights need not be normalised; negative weights count as zero. All-zero
  // (or empty) weights give an empty table, and pick() must not be called on it.
  explicit AliasTable(std::span<const double> weights);

  std::uint32_t pick(Rng& rng) const noexcept {
    const std::uint64_t r = rng.next();
    const auto i = static_cast<std::uint32_t>((static_cast<__uint128_t>(r) * slots_.size()) >> 64);
    // The low 32 bits are independent enough of the high product bits for the coin.
    const auto coin = static_cast<std::uint32_t>(r);
    return coin < slots_[i].threshold ? i : slots_[i].alias;
  }
  std::size_t size() const noexcept { return slots_.size(); }
  bool empty() const noexcept { return slots_.empty(); }

 private:
  struct Slot {
    std::uint32_t threshold;  // keep i when the 32-bit coin is below this
    std::uint32_t alias;
  };
  std::vector<Slot> slots_;
};

}  // namespace mamori::flow::sim
