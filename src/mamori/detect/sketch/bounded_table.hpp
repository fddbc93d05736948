#pragma once
// The keyed state store of every behavioural detector: an open-addressing
// index (linear probing, load ≤ 1/2, backward-shift deletion) over entries
// stored densely in one reserved range (ReservedArray). Dense storage keeps memory at what is
// held (no empty slots of a large value type) and makes eviction sampling a
// random index. The table never holds more than `max_entries`: inserting into
// a full table evicts the least valuable of a few sampled entries (sampled
// LRU, as Redis does), and every eviction is counted.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "mamori/core/prefetch.hpp"
#include "mamori/detect/sketch/huge_array.hpp"
#include "mamori/detect/sketch/random.hpp"

namespace mamori::detect::sketch {

template <class Key, class Value>
class BoundedTable {
 public:
  struct Entry {
    Key key{};
    std::uint64_t hash = 0;
    Value value{};
  };
  static constexpr std::size_t kEvictionSample = 8;

  explicit BoundedTable(std::size_t max_entries) : max_entries_(std::max<std::size_t>(1, max_entries)) {}

  Entry* find(const Key& key, std::uint64_t hash) noexcept {
    if (size_ == 0) return nullptr;
    const auto tag = static_cast<std::uint32_t>(hash);
    for (std::size_t b = tag & mask_;; b = (b + 1) & mask_) {
      const std::uint64_t slot = index_[b];
      if (slot == 0) return nullptr;
      if (static_cast<std::uint32_t>(slot >> 32) == tag) {
        Entry& e = at(static_cast<std::uint32_t>(slot) - 1);
        if (e.key == key) return &e;
      }
    }
  }

  // Finds `key` or inserts it with a default value (second = true). A full
  // table first evicts the sampled entry with the lowest keep_score(entry).
  template <class KeepScore>
  std::pair<Entry*, bool> find_or_insert(const Key& key, std::uint64_t hash, SplitMix64& rng,
                                         KeepScore&& keep_score) {
    if (Entry* e = find(key, hash)) return {e, false};
    if (size_ >= max_entries_) evict_one(rng, keep_score);
    if ((size_ + 1) * 2 > index_.size()) grow_index();
    if (!entries_.reserved()) entries_.reserve(max_entries_);
    const std::size_t i = size_++;
    touched_ = std::max(touched_, size_);
    Entry& e = *std::construct_at(&at(i));
    e.key = key;
    e.hash = hash;
    place(hash, i);
    return {&e, true};
  }

  // Removes `key` if held; returns whether it was. Not an eviction: the
  // caller decided the key needs no state (e.g. a server found popular).
  bool erase(const Key& key, std::uint64_t hash) {
    Entry* e = find(key, hash);
    if (e == nullptr) return false;
    erase_at(static_cast<std::size_t>(e - &at(0)));
    return true;
  }

  // Removes every entry for which pred(entry) holds; returns how many.
  template <class Pred>
  std::size_t erase_if(Pred&& pred) {
    std::size_t removed = 0;
    for (std::size_t i = size_; i-- > 0;) {
      if (pred(at(i))) {
        erase_at(i);
        ++removed;
      }
    }
    return removed;
  }

  template <class F>
  void for_each(F&& f) {
    for (std::size_t i = 0; i < size_; ++i) f(at(i));
  }

  // Software prefetching for batch processing: a detector walks a batch
  // with the index slot of the event 2d ahead and the entry of the event d
  // ahead requested, so the two dependent cache misses of a lookup overlap
  // with the work on earlier events instead of stalling it.
  void prefetch_slot(std::uint64_t hash) const noexcept {
    if (!index_.empty()) prefetch_read(&index_[static_cast<std::uint32_t>(hash) & mask_]);
  }
  void prefetch_entry(std::uint64_t hash) noexcept {
    if (size_ == 0) return;
    const std::uint64_t slot = index_[static_cast<std::uint32_t>(hash) & mask_];
    if (slot != 0 && static_cast<std::uint32_t>(slot >> 32) == static_cast<std::uint32_t>(hash)) {
      // Every line of the entry: an update writes several of them (counters,
      // a reservoir, a histogram), and each would otherwise be a miss of
      // its own after the key's. Measured against the key's line alone:
      // 16 % less time per flow on a warm engine (docs/performance.md).
      prefetch_range(&at(static_cast<std::uint32_t>(slot) - 1), sizeof(Entry));
    }
  }

  // A uniformly chosen entry (null when empty), for sampling the population.
  Entry* random_entry(SplitMix64& rng) noexcept {
    return size_ == 0 ? nullptr : &at(rng.below(static_cast<std::uint32_t>(size_)));
  }

  void clear() noexcept {
    size_ = 0;
    index_.fill_zero();
  }
  // Returns memory to the allocator (after an epoch's reset).
  void release() {
    clear();
    entries_.discard();
    touched_ = 0;
    index_.assign(0);
    mask_ = 0;
  }

  std::size_t size() const noexcept { return size_; }
  std::size_t max_entries() const noexcept { return max_entries_; }
  std::uint64_t evictions() const noexcept { return evictions_; }
  std::size_t memory_bytes() const noexcept {
    return decltype(entries_)::resident_bytes(touched_) + index_.size() * sizeof(std::uint64_t);
  }
  static constexpr std::size_t entry_bytes() noexcept { return sizeof(Entry); }

 private:
  Entry& at(std::size_t i) noexcept { return entries_[i]; }

  void place(std::uint64_t hash, std::size_t dense) noexcept {
    const auto tag = static_cast<std::uint32_t>(hash);
    std::size_t b = tag & mask_;
    while (index_[b] != 0) b = (b + 1) & mask_;
    index_[b] = (std::uint64_t{tag} << 32) | (dense + 1);
  }

  std::size_t bucket_of(std::size_t dense) noexcept {
    const Entry& e = at(dense);
    for (std::size_t b = static_cast<std::uint32_t>(e.hash) & mask_;; b = (b + 1) & mask_)
      if (static_cast<std::uint32_t>(index_[b]) == dense + 1) return b;
  }

  void grow_index() {
    const std::size_t capacity = std::max<std::size_t>(64, index_.size() * 2);
    index_.assign(capacity);
    mask_ = capacity - 1;
    for (std::size_t i = 0; i < size_; ++i) place(at(i).hash, i);
  }

  // Backward-shift deletion keeps every probe chain unbroken without tombstones.
  void unlink(std::size_t bucket) noexcept {
    std::size_t hole = bucket;
    for (std::size_t b = (hole + 1) & mask_;; b = (b + 1) & mask_) {
      const std::uint64_t slot = index_[b];
      if (slot == 0) break;
      const std::size_t home = static_cast<std::uint32_t>(slot >> 32) & mask_;
      // Move the slot back when its home does not lie cyclically in (hole, b].
      if (((b - home) & mask_) >= ((b - hole) & mask_)) {
        index_[hole] = slot;
        hole = b;
      }
    }
    index_[hole] = 0;
  }

  void erase_at(std::size_t i) {
    unlink(bucket_of(i));
    const std::size_t last = size_ - 1;
    if (i != last) {
      const std::size_t b = bucket_of(last);
      index_[b] = (index_[b] & 0xffffffff00000000ULL) | (i + 1);
      at(i) = std::move(at(last));
    }
    --size_;
  }

  template <class KeepScore>
  void evict_one(SplitMix64& rng, KeepScore& keep_score) {
    std::size_t victim = rng.below(static_cast<std::uint32_t>(size_));
    auto best = keep_score(at(victim));
    for (std::size_t k = 1; k < kEvictionSample; ++k) {
      const std::size_t candidate = rng.below(static_cast<std::uint32_t>(size_));
      const auto score = keep_score(at(candidate));
      if (score < best) {
        best = score;
        victim = candidate;
      }
    }
    erase_at(victim);
    ++evictions_;
  }

  // Entries in place in one reservation of max_entries (committed as touched).
  ReservedArray<Entry> entries_;
  std::size_t touched_ = 0;  // entries ever in use since the last release(): the memory held
  HugeArray<std::uint64_t> index_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
  std::size_t max_entries_;
  std::uint64_t evictions_ = 0;
};

}  // namespace mamori::detect::sketch
