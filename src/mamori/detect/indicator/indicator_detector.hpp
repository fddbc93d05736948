#pragma once
// Indicator match: a flow either of whose endpoints lies in a known-bad
// address or prefix (longest prefix wins) makes that endpoint a finding,
// with the indicator's id, name and TLP as evidence. State is one entry per
// matched endpoint, within max_tracked.
//
// Options: files = "a.json,b.csv,c.txt" (comma-separated; STIX, CSV or plain
// lists, by extension or content), format = auto|stix|csv|list.
#include <memory>

#include "mamori/detect/bounded_table.hpp"
#include "mamori/detect/detector.hpp"
#include "mamori/detect/evidence.hpp"
#include "mamori/detect/indicator/indicator_set.hpp"

namespace mamori::detect {

class IndicatorDetector final : public Detector {
 public:
  IndicatorDetector(std::shared_ptr<const IndicatorSet> indicators, const DetectorLimits& limits);

  std::string_view name() const noexcept override { return "indicator"; }
  void observe(std::span<const FlowEvent> events) override;
  void emit(TimeNs now, bool final, std::vector<Finding>& out) override;
  std::size_t tracked() const noexcept override { return matches_.size(); }
  std::size_t memory_bytes() const noexcept override { return matches_.memory_bytes(); }
  std::uint64_t evicted() const noexcept override { return matches_.evictions(); }
  std::string status() const override;

  const IndicatorSet& indicators() const noexcept { return *indicators_; }

 private:
  struct Match {
    Evidence evidence;
    const IndicatorEntry* entry = nullptr;
    std::uint64_t as_initiator = 0, as_responder = 0;
    bool dirty = false;
  };
  void record(const FlowEvent& e, const IpAddress& endpoint, const IpAddress& peer, bool as_initiator,
              const IndicatorEntry* entry);

  std::shared_ptr<const IndicatorSet> indicators_;
  BoundedTable<IpAddress, Match, IpAddressHash> matches_;
};

}  // namespace mamori::detect
