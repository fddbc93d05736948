#pragma once
// Has this (source, destination) pair been seen before? TRW scores only a
// source's first contact with each destination, and remembering every pair
// exactly would grow without bound. Two Bloom filters take turns: inserts go
// to the current one, lookups check both, and when the current one has taken
// its design load it becomes the previous one and an empty one takes over.
// So memory is fixed, the false-positive rate stays near its design value,
// and a pair is remembered for at least one generation.
//
// The filters are blocked (Putze, Sanders, Singler, "Cache-, Hash- and
// Space-Efficient Bloom Filters", 2007): all probes of a key fall in one
// 64-byte line, so a lookup costs one cache miss per generation instead of
// one per probe, for a slightly higher false-positive rate.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "mamori/core/prefetch.hpp"
#include "mamori/detect/sketch/huge_array.hpp"

namespace mamori::detect::sketch {

class FirstContactFilter {
 public:
  // `capacity` pairs per generation at false-positive rate ≈ `fp_rate`.
  // `max_probes` caps the bits set per key (an admission filter on the hot
  // path can take one).
  FirstContactFilter(std::size_t capacity, double fp_rate, unsigned max_probes = 7);
  FirstContactFilter(const FirstContactFilter&) = delete;
  FirstContactFilter& operator=(const FirstContactFilter&) = delete;
  FirstContactFilter(FirstContactFilter&&) noexcept = default;
  FirstContactFilter& operator=(FirstContactFilter&&) noexcept = default;

  // True when `hash` was (probably) inserted before; inserts it either way.
  bool test_and_set(std::uint64_t hash) noexcept;
  // True when `hash` was (probably) inserted before, and then moves it into
  // the current generation; an unseen hash is not inserted. A filter used as
  // a memory of keys (rare_server's known servers) asks on every contact
  // without admitting the unknown, and keeps the keys still in use from
  // aging out with their generation.
  bool refresh(std::uint64_t hash) noexcept;
  void clear() noexcept;
  // Requests the key's line in both generations (see BoundedTable::prefetch_slot).
  void prefetch(std::uint64_t hash) const noexcept {
    const std::size_t line = (hash & line_mask_) * kWordsPerLine;
    prefetch_read(current_ + line);
    if (!previous_empty_) prefetch_read(previous_ + line);
  }

  std::size_t memory_bytes() const noexcept { return 2 * words_ * sizeof(std::uint64_t); }
  std::uint64_t rotations() const noexcept { return rotations_; }
  unsigned probes() const noexcept { return probes_; }

 private:
  static constexpr std::size_t kWordsPerLine = 8;  // 512 bits, one cache line
  bool test(const std::uint64_t* bits, std::size_t line, std::uint64_t positions) const noexcept;
  void set(std::size_t line, std::uint64_t positions) noexcept;
  HugeArray<std::uint64_t> generations_[2];
  std::uint64_t* current_ = nullptr;
  std::uint64_t* previous_ = nullptr;
  std::size_t words_ = 0;  // per generation
  std::uint64_t line_mask_ = 0;
  unsigned probes_ = 1;
  std::size_t capacity_;
  std::size_t inserted_ = 0;
  std::uint64_t rotations_ = 0;
  // Until the first rotation the previous generation holds nothing: a test
  // of it would be a cache miss that always answers "not seen".
  bool previous_empty_ = true;
};

}  // namespace mamori::detect::sketch
