#pragma once
// A probe detector for engine tests: counts flows per responder, records the
// times it was asked to emit, and reports every responder it saw (cumulative),
// within max_tracked via BoundedTable.
#include <memory>
#include <mutex>
#include <vector>

#include "mamori/detect/bounded_table.hpp"
#include "mamori/detect/detector.hpp"
#include "mamori/detect/evidence.hpp"

namespace mamori::detect::testing {

struct ProbeLog {
  std::vector<std::pair<TimeNs, bool>> emits;  // (now, final)
  std::uint64_t observed = 0;
  std::mutex mutex;                    // the workers of a ShardedEngine share one log
  std::vector<std::int8_t> pair_seen;  // FlowEvent::pair_seen of every event, in order
};

class ProbeDetector final : public Detector {
 public:
  ProbeDetector(std::shared_ptr<ProbeLog> log, const DetectorLimits& limits, double score)
      : log_(std::move(log)), table_(limits.max_tracked), score_(score) {}
  std::string_view name() const noexcept override { return "probe"; }
  void observe(std::span<const FlowEvent> events) override {
    {
      std::lock_guard lock(log_->mutex);
      for (const auto& e : events) log_->pair_seen.push_back(e.pair_seen);
      log_->observed += events.size();
    }
    for (const auto& e : events) {
      bool inserted = false;
      table_.find_or_insert(e.responder, inserted, [](const IpAddress&, Evidence&) {})
          .add(*e.flow, e.initiator, e.responder_port);
    }
  }
  void emit(TimeNs now, bool final, std::vector<Finding>& out) override {
    {
      std::lock_guard lock(log_->mutex);
      log_->emits.emplace_back(now, final);
    }
    table_.for_each([&](const IpAddress& a, const Evidence& ev) {
      Finding f;
      f.kind = FindingKind::beaconing;
      f.detector = "probe";
      f.endpoint = a;
      f.role = "c2_server";
      ev.fill(f);
      f.score = score_;
      f.summary = "probe";
      out.push_back(std::move(f));
    });
  }
  std::size_t tracked() const noexcept override { return table_.size(); }
  std::size_t memory_bytes() const noexcept override { return table_.memory_bytes(); }
  std::uint64_t evicted() const noexcept override { return table_.evictions(); }
  bool uses_pair_seen() const noexcept override { return true; }  // it logs them

 private:
  std::shared_ptr<ProbeLog> log_;
  BoundedTable<IpAddress, Evidence, IpAddressHash> table_;
  double score_;
};

// Registers "probe" (option score, default 50) logging into `log` (shared by
// every instance the registry builds).
inline void register_probe(DetectorRegistry& registry, std::shared_ptr<ProbeLog> log) {
  registry.add(DetectorInfo{
      "probe",
      "test probe",
      [log](const DetectorOptions& o, const DetectorLimits& limits) -> Result<std::unique_ptr<Detector>> {
        auto score = o.number("score", 50);
        if (!score) return tl::unexpected(score.error());
        return std::unique_ptr<Detector>(std::make_unique<ProbeDetector>(log, limits, *score));
      },
      true,
      {{"score", "50", "score of every finding"}}});
}

}  // namespace mamori::detect::testing
