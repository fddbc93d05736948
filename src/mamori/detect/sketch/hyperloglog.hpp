#pragma once
// HyperLogLog distinct counter (Flajolet et al. 2007) small enough to live in
// every tracked server: 2^P one-byte registers over a 32-bit hash, estimated
// with Ertl's improved estimator ("New cardinality estimation algorithms for
// HyperLogLog sketches", 2017), which needs no bias tables and is accurate
// from 0 up. While few items have been seen, the register bytes hold their
// 32-bit hashes instead (exact counting): most servers have a handful of
// clients, and for them the count is exact rather than off by ±1.04/√m.
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace mamori::detect::sketch {

// Ertl's estimate from the register-value histogram: counts[k] registers hold
// value k, for k = 0..q+1, where m = sum(counts) and q = 32 - p.
double hyperloglog_estimate(std::span<const std::uint32_t> counts, unsigned p) noexcept;

template <unsigned P>
class HyperLogLog {
  static_assert(P >= 4 && P <= 16);

 public:
  static constexpr std::size_t kRegisters = std::size_t{1} << P;
  // Exact mode holds at most 16 hashes: a longer linear scan per add would cost more than it saves.
  static constexpr std::size_t kSparseCapacity = kRegisters / 4 < 16 ? kRegisters / 4 : 16;
  // Relative standard error of the dense estimate.
  static double standard_error() noexcept { return 1.04 / std::sqrt(static_cast<double>(kRegisters)); }

  // `hash` must be well mixed (sketch::mix64 or hash_address).
  void add(std::uint64_t hash) noexcept {
    const auto h = static_cast<std::uint32_t>(hash >> 32);
    if (sparse_ != kDense) {
      std::uint32_t* items = sparse_items();
      for (std::uint16_t i = 0; i < sparse_; ++i)
        if (items[i] == h) return;
      if (sparse_ < kSparseCapacity) {
        items[sparse_++] = h;
        return;
      }
      densify();
    }
    insert_dense(h);
  }

  double estimate() const noexcept {
    if (sparse_ != kDense) return static_cast<double>(sparse_);
    std::array<std::uint32_t, 34 - P> counts{};
    for (std::uint8_t r : registers_) ++counts[r];
    return hyperloglog_estimate(counts, P);
  }
  std::uint64_t count() const noexcept { return static_cast<std::uint64_t>(estimate() + 0.5); }
  bool exact() const noexcept { return sparse_ != kDense; }
  void clear() noexcept {
    registers_.fill(0);
    sparse_ = 0;
  }

 private:
  static constexpr std::uint16_t kDense = 0xffff;

  std::uint32_t* sparse_items() noexcept { return reinterpret_cast<std::uint32_t*>(registers_.data()); }

  void insert_dense(std::uint32_t h) noexcept {
    const std::uint32_t index = h >> (32 - P);
    const std::uint32_t rest = h << P;  // the remaining 32 - P bits, left-aligned
    const auto rank = static_cast<std::uint8_t>(rest == 0 ? 33 - P : __builtin_clz(rest) + 1);
    if (rank > registers_[index]) registers_[index] = rank;
  }

  void densify() noexcept {
    std::array<std::uint32_t, kSparseCapacity> items;
    std::memcpy(items.data(), registers_.data(), sizeof items);
    registers_.fill(0);
    sparse_ = kDense;
    for (std::uint32_t h : items) insert_dense(h);
  }

  alignas(4) std::array<std::uint8_t, kRegisters> registers_{};
  std::uint16_t sparse_ = 0;
};

}  // namespace mamori::detect::sketch
