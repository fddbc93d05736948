#pragma once
// What a detector keeps about one suspected endpoint to build its finding:
// counters, first/last seen, a few sample peers, contact times and ports, and
// a distinct-peer estimate. Fixed size (no allocation), so that the memory a
// detector reports is the memory it holds.
#include <array>
#include <cstdint>

#include "mamori/detect/finding.hpp"
#include "mamori/detect/flow_event.hpp"

namespace mamori::detect {

class Evidence {
 public:
  static constexpr std::size_t kSamples = 4;

  // One flow in which the endpoint met `peer` on service `port`.
  void add(const flow::FlowRecord& flow, const IpAddress& peer, std::uint16_t port) noexcept;

  // Distinct peers: exact while they fit the samples, then a linear-counting
  // estimate over a 512-bit map (about ±5% up to ~1,500 peers; it saturates near 3,000).
  std::uint64_t distinct_peers() const noexcept;

  TimeNs first_seen() const noexcept { return first_; }
  TimeNs last_seen() const noexcept { return last_; }
  std::uint64_t flows() const noexcept { return flows_; }
  std::uint64_t bytes() const noexcept { return bytes_; }

  // Fills the shared fields of a finding (counters, times, samples, ports, proto).
  void fill(Finding& out) const;

 private:
  TimeNs first_ = ~TimeNs{0};
  TimeNs last_ = 0;
  std::uint64_t flows_ = 0, packets_ = 0, bytes_ = 0;
  std::array<IpAddress, kSamples> peers_{};
  std::array<TimeNs, kSamples> times_{};
  std::array<std::uint16_t, kSamples> ports_{};
  std::array<std::uint64_t, 8> peer_bits_{};
  std::uint8_t n_peers_ = 0, n_times_ = 0, n_ports_ = 0, proto_ = 0;
  bool many_peers_ = false;
};

}  // namespace mamori::detect
