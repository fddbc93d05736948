#pragma once
// Scanners: sources probing many destinations. Per source, a Threshold
// Random Walk over the outcomes of first contacts (TCP), and fan-out counted
// with HyperLogLog: horizontal (many hosts, few ports), vertical (one host,
// many ports), or both. Sources that are domestic clients of foreign servers
// are not followed (they are the subscribers, not the infrastructure).
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "mamori/detect/detector.hpp"
#include "mamori/detect/scanning/threshold_random_walk.hpp"
#include "mamori/detect/sketch/bounded_table.hpp"
#include "mamori/detect/sketch/first_contact_filter.hpp"
#include "mamori/detect/sketch/heavy_hitters.hpp"
#include "mamori/detect/sketch/hyperloglog.hpp"
#include "mamori/detect/sketch/random.hpp"

namespace mamori::detect {

struct ScanningOptions {
  TrwParams trw;
  std::uint64_t horizontal_hosts = 32;  // distinct hosts for a horizontal scan
  std::uint64_t vertical_ports = 32;    // distinct ports for a vertical scan
  std::uint64_t probe_bytes = 100;      // a probe: at most this many bytes per packet ...
  std::uint64_t probe_packets = 3;      // ... and this many packets
  // UDP probes carry the service's request (SIP OPTIONS ~400 B, SSDP
  // M-SEARCH, SNMP, NetBIOS), so their size bound is a datagram's: a
  // 1-3 packet UDP flow of at most this many bytes per packet is a probe.
  std::uint64_t udp_probe_bytes = 600;
  double threshold = 50;
  double rereport_delta = 10;
  TimeNs idle_timeout = 3600 * kNsPerSecond;
  std::uint64_t contact_capacity = 4'000'000;  // first contacts remembered per filter generation
  std::uint64_t seed = 1;
};

class ScanningDetector final : public Detector {
 public:
  struct SourceState {
    TimeNs first_seen = 0;
    TimeNs last_seen = 0;
    std::uint64_t bytes = 0;
    std::uint32_t packets = 0;
    std::uint32_t flows = 0;
    std::uint32_t probes = 0;
    std::uint32_t first_contacts = 0;
    std::uint32_t failed_contacts = 0;
    std::uint32_t next_check = 16;
    std::uint32_t reported_flows = 0;  // flows when last reported
    float log_lambda = 0;
    std::uint16_t benign_decisions = 0;
    bool scanner = false;
    std::uint8_t reported_score = 0;
    std::uint8_t sample_count = 0;
    std::array<IpAddress, 4> sample_targets{};
    sketch::HyperLogLog<6> hosts;
    sketch::HyperLogLog<6> ports;
    sketch::HeavyHitters<std::uint16_t, 4> top_ports;
  };
  using Table = sketch::BoundedTable<IpAddress, SourceState>;

  ScanningDetector(ScanningOptions options, DetectorLimits limits);

  std::string_view name() const noexcept override { return "scanning"; }
  void observe(std::span<const FlowEvent> events) override;
  void emit(TimeNs now, bool final, std::vector<Finding>& out) override;
  std::size_t tracked() const noexcept override { return table_.size(); }
  std::size_t memory_bytes() const noexcept override;
  std::uint64_t evictions() const noexcept { return table_.evictions(); }
  std::uint64_t evicted() const noexcept override { return evictions(); }

 private:
  struct Hashes {
    std::uint64_t source = 0;  // 0: the event is not followed
    std::uint64_t host = 0;
    std::uint64_t contact = 0;  // (source, host) for the first-contact filter
  };
  // The event's hashes are computed once by observe().
  void observe_one(const FlowEvent& e, const Hashes& h);
  // Appends a finding when the source qualifies and was not reported at this score.
  // At the end of input (`final`) a source whose evidence grew is reported again with it.
  void check(const IpAddress& source, SourceState& s, std::vector<Finding>& out, bool final = false);

  ScanningOptions options_;
  TrwModel model_;
  Table table_;
  sketch::FirstContactFilter contacts_;
  sketch::SplitMix64 rng_;
  TimeNs latest_ = 0;
  TimeNs next_sweep_ = 0;
  std::vector<Finding> pending_;
};

Result<std::unique_ptr<Detector>> make_scanning_detector(const DetectorOptions& options,
                                                         const DetectorLimits& limits);

}  // namespace mamori::detect
