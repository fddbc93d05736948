#pragma once
// Walks a batch of events with memory requested ahead. Each event's key hash
// is computed once, 2d events ahead, and kept in a small ring: `slot` runs
// then (request the index slot), `entry` runs d events ahead (the slot has
// arrived: request the entry), `process` runs on the current event. A
// detector's state lives in tables far larger than the caches, so each
// lookup is two dependent misses; issued ahead, they overlap with the work on
// earlier events instead of stalling it.
#include <array>
#include <cstddef>
#include <span>

#include "mamori/detect/flow_event.hpp"

namespace mamori::detect::sketch {

inline constexpr std::size_t kPrefetchDistance = 32;

template <class HashOf, class Slot, class Entry, class Process>
void for_each_prefetched(std::span<const FlowEvent> events, HashOf&& hash_of, Slot&& slot, Entry&& entry,
                         Process&& process) {
  using Hash = decltype(hash_of(events[0]));
  constexpr std::size_t kRing = 4 * kPrefetchDistance;  // a power of two above 2d
  std::array<Hash, kRing> ring;
  const std::size_t n = events.size();
  const std::size_t lead = std::min(n, 2 * kPrefetchDistance);
  for (std::size_t j = 0; j < lead; ++j) {
    ring[j % kRing] = hash_of(events[j]);
    slot(events[j], ring[j % kRing]);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (const std::size_t ahead = i + 2 * kPrefetchDistance; ahead < n) {
      ring[ahead % kRing] = hash_of(events[ahead]);
      slot(events[ahead], ring[ahead % kRing]);
    }
    if (const std::size_t near = i + kPrefetchDistance; near < n) entry(events[near], ring[near % kRing]);
    process(events[i], ring[i % kRing]);
  }
}

}  // namespace mamori::detect::sketch
