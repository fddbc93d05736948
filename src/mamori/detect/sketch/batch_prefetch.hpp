#pragma once
// Walks a batch of events with memory requested ahead: `slot` runs for the
// event 2d ahead (request the index slot), `entry` for the event d ahead
// (its slot has arrived: request the entry), `process` for the current one.
// A detector's state lives in tables far larger than the caches, so each
// event's lookup is two dependent misses; issued ahead, they overlap.
#include <cstddef>
#include <span>

#include "mamori/detect/flow_event.hpp"

namespace mamori::detect::sketch {

inline constexpr std::size_t kPrefetchDistance = 8;

template <class Slot, class Entry, class Process>
void for_each_prefetched(std::span<const FlowEvent> events, Slot&& slot, Entry&& entry, Process&& process) {
  const std::size_t n = events.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i + 2 * kPrefetchDistance < n) slot(events[i + 2 * kPrefetchDistance]);
    if (i + kPrefetchDistance < n) entry(events[i + kPrefetchDistance]);
    process(events[i]);
  }
}

}  // namespace mamori::detect::sketch
