#pragma once
// One worker's detectors: built from the registry under a configuration,
// fed oriented flows, emitting into the worker's own finding set through the
// allow-list. Not thread-safe; a sharded engine gives each thread its own.
#include <memory>
#include <span>
#include <vector>

#include "mamori/detect/allowlist/allowlist.hpp"
#include "mamori/detect/detector.hpp"
#include "mamori/detect/engine/engine_config.hpp"
#include "mamori/detect/engine/engine_stats.hpp"
#include "mamori/detect/engine/finding_set.hpp"
#include "mamori/detect/sketch/first_contact_filter.hpp"

namespace mamori::detect {

class Shard {
 public:
  // Builds every enabled detector; options a detector did not ask for are
  // errors naming the detector and the keys.
  static Result<Shard> create(const DetectorRegistry& registry, const EngineConfig& config,
                              std::shared_ptr<const Allowlist> allowlist);

  // Sets each event's pair_seen (when a detector reads it), then feeds the detectors.
  void observe(std::span<FlowEvent> events);
  void emit(TimeNs now, bool final);

  FindingSet& findings() noexcept { return findings_; }
  const FindingSet& findings() const noexcept { return findings_; }
  EngineStats stats() const;
  std::vector<std::string> detector_names() const;

 private:
  // Events per slice fed to all detectors in turn (events and records of a
  // slice take ~200 KiB, well inside a core's L2).
  static constexpr std::size_t kSlice = 1024;
  Shard() = default;
  std::vector<std::unique_ptr<Detector>> detectors_;
  // Sets FlowEvent::pair_seen of each event from pairs_seen_.
  void mark_pairs_seen(std::span<FlowEvent> events);
  // One first-contact filter of pairs for every detector (FlowEvent::pair_seen);
  // null when no enabled detector reads it.
  std::unique_ptr<sketch::FirstContactFilter> pairs_seen_;
  std::vector<DetectorStats> stats_;
  std::uint64_t pair_filter_ns_ = 0;
  std::size_t max_tracked_ = 0;
  std::shared_ptr<const Allowlist> allowlist_;
  std::vector<std::uint64_t> suppressed_by_entry_;
  std::uint64_t suppressed_ = 0;
  FindingSet findings_;
  std::vector<Finding> scratch_;
};

}  // namespace mamori::detect
