#pragma once
// What an engine reports about itself: per detector the keys and memory it
// holds (now and at most), evictions to stay within max_tracked, reports;
// allow-list suppressions; flows and emits.
#include <cstdint>
#include <string>
#include <vector>

namespace mamori::detect {

struct DetectorStats {
  std::string name;
  std::size_t tracked = 0;            // keys held at the end (summed over workers)
  std::size_t peak_tracked = 0;       // most keys one worker's instance ever held
  std::size_t memory_bytes = 0;       // state held at the end (summed over workers)
  std::size_t peak_memory_bytes = 0;  // summed over workers of each one's peak
  std::uint64_t evicted = 0;
  std::uint64_t reports = 0;     // findings emitted, before de-duplication and the allow-list
  std::string status = {};       // Detector::status() of the first worker's instance
  std::uint64_t over_limit = 0;  // batches after which the detector held more than max_tracked keys (a bug)
  std::uint64_t observe_ns = 0;  // time spent observing flows (summed over workers)
};

struct EngineStats {
  std::size_t workers = 1;
  std::uint64_t flows = 0;
  std::uint64_t emits = 0;  // periodic emits (the final one not counted)
  std::vector<DetectorStats> detectors;
  std::uint64_t suppressed = 0;                    // reports suppressed by the allow-list
  std::vector<std::uint64_t> suppressed_by_entry;  // indexed like Allowlist::entries()
  std::uint64_t updates = 0;                       // re-reports folded into an earlier finding
  std::size_t findings = 0;
  // The shared first-contact filter of pairs (FlowEvent::pair_seen), summed over workers.
  std::size_t pair_filter_bytes = 0;
  std::uint64_t pair_filter_ns = 0;  // time spent answering it

  // Adds another worker's figures (same detectors in the same order).
  void merge(const EngineStats& other);
};

}  // namespace mamori::detect
