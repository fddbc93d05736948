#pragma once
// Ground truth as it was actually emitted: watches the labelled flows that
// leave the mix (after --duration and --flows cut it) and, for every declared
// endpoint, records when its planted flows started and ended, the ports and
// protocols they used and how many distinct counterparts they had. An
// endpoint none of whose flows was emitted gets no row: no detector could
// have seen it.
#include <cstdint>
#include <span>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "mamori/flow/simulate/attacks/label_file.hpp"
#include "mamori/flow/simulate/attacks/planted.hpp"

namespace mamori::flow::sim::attacks {

class GroundTruth {
 public:
  Status declare(const PlantedInstance& instance);
  void observe(std::span<const FlowRecord> flows, std::span<const FlowLabel> labels);

  // One row per endpoint that had flows, ordered by label, then start, then address.
  std::vector<LabelRow> rows() const;

  std::uint64_t planted_flows() const noexcept { return planted_flows_; }
  // Labelled flows that touch no declared endpoint (a controller's bots
  // flooding their victim): planted, but nothing to name.
  std::uint64_t supporting_flows() const noexcept { return supporting_flows_; }
  // Flows whose label no instance declared (a bug in a source).
  std::uint64_t undeclared_flows() const noexcept { return undeclared_flows_; }

 private:
  struct Seen {
    std::size_t instance = 0;
    PlantedEndpoint endpoint;
    std::uint64_t flows = 0;
    TimeNs start = 0, end = 0;
    std::vector<std::uint16_t> ports;
    std::vector<std::uint8_t> protos;
    std::unordered_set<IpAddress, IpAddressHash> peers;
  };
  void record(Seen& seen, const FlowRecord& f, bool endpoint_is_src);

  std::vector<PlantedInstance> instances_;
  std::unordered_map<FlowLabel, std::size_t> by_label_;
  // Per instance: endpoint address -> slot in seen_.
  std::vector<std::unordered_map<IpAddress, std::size_t, IpAddressHash>> endpoints_;
  std::vector<Seen> seen_;
  std::uint64_t planted_flows_ = 0, supporting_flows_ = 0, undeclared_flows_ = 0;
};

}  // namespace mamori::flow::sim::attacks
