#pragma once
// Has this (source, destination) pair been seen before? TRW scores only a
// source's first contact with each destination, and remembering every pair
// exactly would grow without bound. Two Bloom filters take turns: inserts go
// to the current one, lookups check both, and when the current one has taken
// its design load it becomes the previous one and an empty one takes over.
// So memory is fixed, the false-positive rate stays near its design value,
// and a pair is remembered for at least one generation.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mamori::detect::sketch {

class FirstContactFilter {
 public:
  // `capacity` pairs per generation at false-positive rate ≈ `fp_rate`.
  // `max_probes` caps the hash functions: each is a cache miss, and an
  // admission filter on the hot path trades a higher rate for one probe.
  FirstContactFilter(std::size_t capacity, double fp_rate, unsigned max_probes = 8);

  // True when `hash` was (probably) inserted before; inserts it either way.
  bool test_and_set(std::uint64_t hash) noexcept;
  void clear() noexcept;
  // Requests the words of the first probe in both generations (see BoundedTable::prefetch_slot).
  void prefetch(std::uint64_t hash) const noexcept {
    const std::uint64_t bit = hash & mask_;
    __builtin_prefetch(&current_[bit >> 6]);
    __builtin_prefetch(&previous_[bit >> 6]);
  }

  std::size_t memory_bytes() const noexcept { return (current_.size() + previous_.size()) * sizeof(std::uint64_t); }
  std::uint64_t rotations() const noexcept { return rotations_; }

 private:
  bool test(const std::vector<std::uint64_t>& bits, std::uint64_t hash) const noexcept;
  std::vector<std::uint64_t> current_;
  std::vector<std::uint64_t> previous_;
  std::uint64_t mask_ = 0;  // bit index mask
  unsigned probes_ = 1;
  std::size_t capacity_;
  std::size_t inserted_ = 0;
  std::uint64_t rotations_ = 0;
};

}  // namespace mamori::detect::sketch
