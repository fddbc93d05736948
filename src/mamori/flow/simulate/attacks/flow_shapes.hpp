#pragma once
// Flow records of the exchanges planted attacks and look-alikes are made of:
// TCP conversations, unanswered or refused TCP probes, UDP request/answer
// pairs and one-way UDP streams. Sizes follow the same rules as the
// background model (IP-level bytes, headers included, per-packet bounds), so
// planted flows cannot be told from the background by their arithmetic.
#include <cstdint>

#include "mamori/flow/simulate/traffic_source.hpp"

namespace mamori::flow::sim::attacks {

inline constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10;

// One end of an exchange: address, port and the router interface facing it.
struct Peer {
  IpAddress address;
  std::uint16_t port = 0;
  std::uint16_t interface = 0;
};

// Stamps the exporter fields every simulated record carries.
class FlowFactory {
 public:
  FlowFactory(IpAddress exporter, std::uint32_t observation_domain) noexcept
      : exporter_(exporter), domain_(observation_domain) {}
  FlowRecord make(TimeNs start, TimeNs end, const Peer& src, const Peer& dst, std::uint8_t proto) const noexcept;

 private:
  IpAddress exporter_;
  std::uint32_t domain_;
};

TimeNs ms_to_ns(double ms) noexcept;

// A completed TCP connection: the client's flow (SYN, ACK, PSH, FIN or RST)
// and the server's (SYN-ACK, PSH, FIN), the response starting one round trip
// later. Payloads are application bytes; packets follow a 1448-byte MSS.
struct TcpConversation {
  TimeNs start = 0;
  Peer client, server;
  double rtt_ms = 100.0;
  std::uint64_t request_payload = 0;
  std::uint64_t response_payload = 0;
  double duration_ms = 0.0;        // at least two round trips
  std::uint64_t extra_packets = 0; // both ways: interactive exchanges (SSH, telnet) are many small packets
  bool client_resets = false;      // the client ends with RST instead of FIN
};
void add_tcp_conversation(const FlowFactory& factory, const TcpConversation& c, FlowLabel label, FlowBatch& out);

// A connection attempt that never completes.
enum class ProbeAnswer : std::uint8_t {
  none,     // filtered or nobody there: only SYNs
  refused,  // closed port: RST-ACK back
  open,     // SYN-ACK back; a stateless scanner's kernel answers it with RST
};
struct TcpProbe {
  TimeNs start = 0;
  Peer client, server;
  double rtt_ms = 100.0;
  std::uint32_t syns = 1;      // retransmissions one and three seconds apart
  std::uint32_t syn_bytes = 0; // 0: 40 (44 with MSS) per IPv4 SYN, 60/64 IPv6
  ProbeAnswer answer = ProbeAnswer::none;
};
void add_tcp_probe(const FlowFactory& factory, const TcpProbe& p, FlowLabel label, FlowBatch& out);

// A UDP request and (if response_packets > 0) its answer, each one flow.
struct UdpExchange {
  TimeNs start = 0;
  Peer client, server;
  double rtt_ms = 100.0;
  std::uint64_t request_packets = 1, request_bytes = 0;
  std::uint64_t response_packets = 1, response_bytes = 0;
  double duration_ms = 0.0;  // spread of multi-packet flows
};
void add_udp_exchange(const FlowFactory& factory, const UdpExchange& u, FlowLabel label, FlowBatch& out);

}  // namespace mamori::flow::sim::attacks
