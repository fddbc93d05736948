#pragma once
// A hash table with a hard capacity and CLOCK eviction (second chance, an
// approximation of least-recently-used): the memory bound every detector's
// per-key state lives under (DetectorLimits::max_tracked). Nodes sit in one
// vector and chain by 32-bit indices, so an entry costs its key and value
// plus 8 bytes, and a bucket 4 bytes; no per-entry allocation. A hit only
// sets a bit in the node it already read (no list to relink, which would
// touch two more random nodes); eviction sweeps a hand over the nodes,
// sparing each recently used one once.
//
// Nodes live in one reservation of `capacity` (sketch::ReservedArray): they
// never move as the table grows, and past its first 2 MiB the range uses
// transparent huge pages, so lookups into hundreds of MiB of nodes do not
// miss the TLB on every access.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "mamori/core/prefetch.hpp"
#include "mamori/detect/sketch/huge_array.hpp"

namespace mamori::detect {

template <class Key, class Value, class Hash>
class BoundedTable {
 public:
  explicit BoundedTable(std::size_t capacity)
      : capacity_(capacity == 0 ? 1 : std::min<std::size_t>(capacity, kNil - 1)) {}

  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return capacity_; }
  std::uint64_t evictions() const noexcept { return evictions_; }
  std::size_t memory_bytes() const noexcept {
    return sketch::ReservedArray<Node>::resident_bytes(size_) + buckets_.capacity() * sizeof(std::uint32_t);
  }

  // Hints that `key` will be looked up soon: call a few keys ahead of
  // find_or_insert to overlap the cache misses of a large table. Stage 0
  // fetches the bucket, stage 1 (later) the node the bucket points to.
  void prefetch(const Key& key, int stage) const noexcept { prefetch_hashed(Hash{}(key), stage); }
  // The same with the key's hash (Hash{}(key)) computed once by the caller.
  void prefetch_hashed(std::size_t hash, int stage) const noexcept {
    if (buckets_.empty()) return;
    const std::uint32_t* bucket = &buckets_[hash & (buckets_.size() - 1)];
    if (stage == 0) {
      prefetch_read(bucket);
    } else if (*bucket != kNil) {
      // The whole node: its key is compared and its value updated.
      prefetch_range(&nodes_[*bucket], sizeof(Node));
    }
  }

  // The value for `key`, marked as recently used; null when absent.
  Value* find(const Key& key) noexcept {
    const std::uint32_t i = locate(key);
    if (i == kNil) return nullptr;
    nodes_[i].referenced = true;
    return &nodes_[i].value;
  }

  // The value for `key`, inserted (value-initialised) when absent. At
  // capacity an entry not used since the hand last passed it is handed to
  // `on_evict(key, value)` and its slot reused.
  template <class OnEvict>
  Value& find_or_insert(const Key& key, bool& inserted, OnEvict&& on_evict) {
    return find_or_insert_hashed(key, Hash{}(key), inserted, on_evict);
  }
  // The same with the key's hash (Hash{}(key)) computed once by the caller.
  template <class OnEvict>
  Value& find_or_insert_hashed(const Key& key, std::size_t hash, bool& inserted, OnEvict&& on_evict) {
    std::uint32_t i = locate(key, hash);
    inserted = i == kNil;
    if (!inserted) {
      nodes_[i].referenced = true;
      return nodes_[i].value;
    }
    if (size_ >= capacity_) {
      while (nodes_[hand_].referenced) {
        nodes_[hand_].referenced = false;
        hand_ = hand_ + 1 == size_ ? 0 : hand_ + 1;
      }
      i = hand_;
      hand_ = hand_ + 1 == size_ ? 0 : hand_ + 1;
      on_evict(std::as_const(nodes_[i].key), nodes_[i].value);
      ++evictions_;
      unchain(i);
      nodes_[i].key = key;
      nodes_[i].value = Value{};
    } else {
      if (size_ >= buckets_.size()) grow();
      if (!nodes_.reserved()) nodes_.reserve(capacity_);
      i = static_cast<std::uint32_t>(size_++);
      std::construct_at(&nodes_[i], Node{key, Value{}, kNil, false});
    }
    chain(i, hash);
    return nodes_[i].value;
  }

  // Visits every entry (in storage order, which is deterministic for a given input).
  template <class Fn>
  void for_each(Fn&& fn) {
    for (std::size_t i = 0; i < size_; ++i) fn(std::as_const(nodes_[i].key), nodes_[i].value);
  }
  template <class Fn>
  void for_each(Fn&& fn) const {
    for (std::size_t i = 0; i < size_; ++i) fn(nodes_[i].key, nodes_[i].value);
  }

 private:
  static constexpr std::uint32_t kNil = std::numeric_limits<std::uint32_t>::max();
  struct Node {
    Key key;
    Value value;
    std::uint32_t chain_next;  // bucket chain
    bool referenced;           // used since the hand last passed
  };

  std::size_t bucket_of(const Key& key) const noexcept { return Hash{}(key) & (buckets_.size() - 1); }

  std::uint32_t locate(const Key& key) const noexcept { return locate(key, Hash{}(key)); }
  std::uint32_t locate(const Key& key, std::size_t hash) const noexcept {
    if (buckets_.empty()) return kNil;
    for (std::uint32_t i = buckets_[hash & (buckets_.size() - 1)]; i != kNil; i = nodes_[i].chain_next)
      if (nodes_[i].key == key) return i;
    return kNil;
  }
  void chain(std::uint32_t i) noexcept { chain(i, Hash{}(nodes_[i].key)); }
  void chain(std::uint32_t i, std::size_t hash) noexcept {
    auto& head = buckets_[hash & (buckets_.size() - 1)];
    nodes_[i].chain_next = head;
    head = i;
  }
  void unchain(std::uint32_t i) noexcept {
    std::uint32_t* link = &buckets_[bucket_of(nodes_[i].key)];
    while (*link != i) link = &nodes_[*link].chain_next;
    *link = nodes_[i].chain_next;
  }
  void grow() {
    std::size_t n = buckets_.empty() ? 64 : buckets_.size() * 2;
    buckets_.assign(n, kNil);
    for (std::uint32_t i = 0; i < size_; ++i) chain(i);
  }

  std::size_t capacity_;
  sketch::ReservedArray<Node> nodes_;  // the first size_ are in use
  std::size_t size_ = 0;
  std::vector<std::uint32_t> buckets_;
  std::uint32_t hand_ = 0;
  std::uint64_t evictions_ = 0;
};

}  // namespace mamori::detect
