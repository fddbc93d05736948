#pragma once
// Assembles flows from raw captured packets, as softflowd does: flows are
// tracked bidirectionally and exported as one unidirectional FlowRecord per
// direction that saw packets, on idle/active timeout, TCP end, or end of input.
//
// Semantics taken from softflowd 1.1.0 (softflowd.c: process_packet,
// flow_update_expiry, check_expired, force_expire, the main loop); see
// docs/flow-assembly.md for the details and where mamori differs on purpose.
//  - Key: IP version, both addresses, protocol, both ports, stored canonically
//    (the numerically lower address first; ports follow their address).
//    ICMP keys on type*256+code in the destination port, so a request and its
//    reply are two flows. Non-first fragments have no ports; IPv6 ones also
//    lose the protocol (0), as in softflowd.
//  - Bytes per packet: by default the frame's wire length minus its link
//    headers (softflowd counts Ethernet padding); optionally the IP length.
//  - Both directions of a flow are reported with the flow's first and last
//    packet times, as softflowd's exporters do.
//  - Expiry, in whole seconds of packet time: a flow expires when
//    last + timeout < now, the timeout being tcp.rst once either side sent
//    RST, tcp.fin once both sides sent FIN, else tcp/udp/icmp/general; never
//    later than start + maxlife, and at once when last - start > maxlife or a
//    direction passed 2 GiB. Expiry scans run when the earliest deadline,
//    rounded up to expiry_interval, has passed. When more than max_flows are
//    active the ones closest to expiry are exported first (flow_table_full).
#include <cstddef>
#include <memory>
#include <vector>

#include "mamori/core/anomaly.hpp"
#include "mamori/core/time.hpp"
#include "mamori/flow/capture/pcap_file.hpp"
#include "mamori/flow/flow_record.hpp"
#include "mamori/flow/packet/packet_parser.hpp"

namespace mamori::flow {

enum class ExpiryClock : std::uint8_t {
  // Timeouts run on the capture's own clock: before each packet, expiry is
  // checked as a live softflowd would at that moment. The default.
  packet_time,
  // Exactly `softflowd -r`: idle timeouts never fire while reading a file;
  // after every max_flows frames, flows marked for immediate expiry (maxlife,
  // 2 GiB) are exported and the table is cut back to max_flows.
  softflowd_file,
};

enum class ByteCount : std::uint8_t {
  link_payload,  // wire length minus link-layer headers (softflowd)
  ip_length,     // the IP header's total length (ignores Ethernet padding)
};

// Defaults are softflowd's, so that both tools cut the same capture into the same flows.
// Timeouts are applied in whole seconds, as softflowd does; 0 disables a
// timeout (the general one falls back to 3600 s).
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
  ExpiryClock clock = ExpiryClock::packet_time;
  ByteCount byte_count = ByteCount::link_payload;
};

struct AssemblerStats {
  std::uint64_t frames = 0;
  std::uint64_t ip_packets = 0;
  std::uint64_t fragments = 0;
  std::uint64_t flows_created = 0;
  std::uint64_t flows_expired = 0;   // bidirectional flows removed from the table
  std::uint64_t flows_emitted = 0;   // unidirectional records written
  std::uint64_t flows_evicted = 0;   // expired early because the table was full
  std::size_t active_flows = 0;
};

class FlowAssembler {
 public:
  explicit FlowAssembler(AssemblerOptions options = {});
  FlowAssembler(FlowAssembler&&) noexcept;
  FlowAssembler& operator=(FlowAssembler&&) noexcept;
  ~FlowAssembler();

  // Feeds one frame; flows that expire by then are appended to `out`.
  // The expiry clock is the newest timestamp seen, so a frame that goes back
  // in time never makes expiry run backwards.
  void add_frame(LinkType link, const CapturedPacket& packet, std::vector<FlowRecord>& out);
  // Feeds an already parsed packet (`frame_length` = wire length of the frame).
  void add_packet(const PacketSummary& packet, TimeNs timestamp_ns, std::uint32_t frame_length,
                  std::vector<FlowRecord>& out);
  // End of input: every remaining flow is appended to `out`.
  void flush(std::vector<FlowRecord>& out);

  const AnomalyCounters& anomalies() const noexcept;
  AssemblerStats stats() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mamori::flow
