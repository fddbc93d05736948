#pragma once
// Assembles flows from raw captured packets, as softflowd does: flows are
// tracked bidirectionally and exported as one unidirectional FlowRecord per
// direction that saw packets, on idle/active timeout, TCP end, or end of input.
#include <cstddef>
#include <memory>
#include <vector>

#include "mamori/core/anomaly.hpp"
#include "mamori/core/time.hpp"
#include "mamori/flow/capture/pcap_file.hpp"
#include "mamori/flow/flow_record.hpp"
#include "mamori/flow/packet/packet_parser.hpp"

namespace mamori::flow {

// Defaults are softflowd's, so that both tools cut the same capture into the same flows.
struct AssemblerOptions {
  TimeNs tcp_timeout = 3600 * kNsPerSecond;
  TimeNs tcp_rst_timeout = 120 * kNsPerSecond;
  TimeNs tcp_fin_timeout = 300 * kNsPerSecond;
  TimeNs udp_timeout = 300 * kNsPerSecond;
  TimeNs icmp_timeout = 300 * kNsPerSecond;
  TimeNs general_timeout = 3600 * kNsPerSecond;
  TimeNs max_life = 604800 * kNsPerSecond;  // active timeout
  TimeNs expiry_interval = 60 * kNsPerSecond;
  std::size_t max_flows = 8192;
};

struct AssemblerStats {
  std::uint64_t frames = 0;
  std::uint64_t ip_packets = 0;
  std::uint64_t flows_emitted = 0;
  std::size_t active_flows = 0;
};

class FlowAssembler {
 public:
  explicit FlowAssembler(AssemblerOptions options = {});
  FlowAssembler(FlowAssembler&&) noexcept;
  FlowAssembler& operator=(FlowAssembler&&) noexcept;
  ~FlowAssembler();

  // Feeds one frame; flows that expire by then are appended to `out`.
  void add_frame(LinkType link, const CapturedPacket& packet, std::vector<FlowRecord>& out);
  // End of input: every remaining flow is appended to `out`.
  void flush(std::vector<FlowRecord>& out);

  const AnomalyCounters& anomalies() const noexcept;
  AssemblerStats stats() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mamori::flow
