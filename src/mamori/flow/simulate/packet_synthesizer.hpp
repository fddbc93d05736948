#pragma once
// Turns flows back into the packets they summarise, for raw-traffic captures.
// Each flow's packets are spread evenly over [start, end], their IP lengths
// add up to the flow's bytes (each between the protocol's minimum and 1500),
// and their TCP flags OR to the flow's flags (SYN first, FIN/RST last).
// Payloads are zeros.
//
// A flow with more packets than max_packets_per_flow is thinned to that many
// packets with proportionally fewer bytes: a 50 MB video flow would otherwise
// be 35,000 packets. fit_to_capture() tells what the capture will show, which
// is what a flow assembler reading it should recover.
#include <cstdint>
#include <queue>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/flow/capture/pcap_writer.hpp"
#include "mamori/flow/flow_record.hpp"

namespace mamori::flow::sim {

struct CaptureOptions {
  std::uint32_t max_packets_per_flow = 64;  // 0: no limit
};

// The flow as the synthesised capture carries it.
FlowRecord fit_to_capture(const FlowRecord& flow, const CaptureOptions& options) noexcept;

// IP length and TCP flags of packet `index` (0-based) of a flow with `packets`
// packets and `bytes` bytes, as the synthesiser lays them out.
std::uint32_t synthetic_packet_size(const FlowRecord& flow, std::uint64_t index) noexcept;
std::uint8_t synthetic_packet_flags(const FlowRecord& flow, std::uint64_t index) noexcept;

class PacketSynthesizer {
 public:
  PacketSynthesizer(const CaptureOptions& options, PcapWriter& out);

  // Flows must come in non-decreasing start order (as TrafficMix hands them
  // out); packets are written in time order across flows.
  Status add(const FlowRecord& flow);
  // Writes every packet still pending.
  Status finish();

  std::uint64_t packets() const noexcept { return packets_; }
  std::uint64_t flows() const noexcept { return flows_; }
  std::uint64_t thinned_flows() const noexcept { return thinned_; }

 private:
  struct Active {
    FlowRecord flow;
    std::uint64_t next = 0;  // index of the next packet to write
    std::uint32_t tcp_seq = 0;
    std::uint16_t ip_id = 0;
    std::uint16_t icmp_id = 0;
  };
  struct Due {
    TimeNs time;
    std::uint64_t order;  // arrival order of the flow: the tie-break
    std::uint32_t slot;
    friend bool operator>(const Due& a, const Due& b) noexcept {
      return a.time != b.time ? a.time > b.time : a.order > b.order;
    }
  };
  Status write_until(TimeNs limit, bool inclusive);
  Status write_packet(Active& a);

  CaptureOptions options_;
  PcapWriter& out_;
  std::vector<Active> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due_;
  std::vector<std::byte> frame_;
  std::uint64_t packets_ = 0;
  std::uint64_t flows_ = 0;
  std::uint64_t thinned_ = 0;
};

}  // namespace mamori::flow::sim
