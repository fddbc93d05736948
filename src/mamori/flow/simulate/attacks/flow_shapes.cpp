#include "mamori/flow/simulate/attacks/flow_shapes.hpp"

#include <algorithm>
#include <cmath>

#include "mamori/flow/simulate/wire_sizes.hpp"

namespace mamori::flow::sim::attacks {

namespace {
std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) noexcept { return (a + b - 1) / b; }

void put(FlowBatch& out, const FlowRecord& f, FlowLabel label) {
  out.flows.push_back(f);
  out.labels.push_back(label);
}

// Keeps bytes within what `packets` packets of this protocol can carry.
std::uint64_t fit_bytes(std::uint64_t bytes, std::uint64_t packets, std::uint8_t proto, bool v6) noexcept {
  return std::clamp<std::uint64_t>(bytes, packets * min_ip_packet(proto, v6), packets * kMaxIpPacket);
}
}  // namespace

TimeNs ms_to_ns(double ms) noexcept { return ms <= 0.0 ? 0 : static_cast<TimeNs>(std::llround(ms)) * kNsPerMs; }

FlowRecord FlowFactory::make(TimeNs start, TimeNs end, const Peer& src, const Peer& dst,
                             std::uint8_t proto) const noexcept {
  FlowRecord f;
  f.start_ns = start;
  f.end_ns = std::max(start, end);
  f.src_addr = src.address;
  f.dst_addr = dst.address;
  f.src_port = src.port;
  f.dst_port = dst.port;
  f.proto = proto;
  f.input_if = src.interface;
  f.output_if = dst.interface;
  f.exporter = exporter_;
  f.observation_domain = domain_;
  f.sampling_rate = 1;
  f.direction = Direction::ingress;
  f.source = FlowSource::simulated;
  return f;
}

void add_tcp_conversation(const FlowFactory& factory, const TcpConversation& c, FlowLabel label, FlowBatch& out) {
  const bool v6 = !c.client.address.is_v4();
  const std::uint64_t header = v6 ? 72 : 52;  // IP + TCP with the timestamp option
  const std::uint64_t mss = kMaxIpPacket - header;
  const std::uint64_t response_data = ceil_div(std::max<std::uint64_t>(c.response_payload, 1), mss);
  const std::uint64_t request_data = ceil_div(std::max<std::uint64_t>(c.request_payload, 1), mss);
  const std::uint64_t response_packets = response_data + 2 + c.extra_packets;           // SYN-ACK, FIN
  const std::uint64_t request_packets = 2 + request_data + response_data / 2 + c.extra_packets;  // delayed ACKs

  const double duration = std::max(c.duration_ms, 2.0 * c.rtt_ms + 1.0);
  const TimeNs end = c.start + ms_to_ns(duration);
  const TimeNs response_start = c.start + ms_to_ns(c.rtt_ms);
  const TimeNs response_end = std::max(response_start, end - ms_to_ns(c.rtt_ms / 2.0));

  FlowRecord req = factory.make(c.start, end, c.client, c.server, kProtoTcp);
  req.packets = req.raw_packets = request_packets;
  req.bytes = req.raw_bytes = fit_bytes(c.request_payload + request_packets * header, request_packets, kProtoTcp, v6);
  req.tcp_flags = c.client_resets ? (kSyn | kAck | kPsh | kRst) : (kSyn | kAck | kPsh | kFin);
  FlowRecord resp = factory.make(response_start, response_end, c.server, c.client, kProtoTcp);
  resp.packets = resp.raw_packets = response_packets;
  resp.bytes = resp.raw_bytes =
      fit_bytes(c.response_payload + response_packets * header, response_packets, kProtoTcp, v6);
  resp.tcp_flags = kSyn | kAck | kPsh | kFin;
  put(out, req, label);
  put(out, resp, label);
}

void add_tcp_probe(const FlowFactory& factory, const TcpProbe& p, FlowLabel label, FlowBatch& out) {
  const bool v6 = !p.client.address.is_v4();
  const std::uint32_t bare = min_ip_packet(kProtoTcp, v6);
  const std::uint32_t syn = p.syn_bytes != 0 ? p.syn_bytes : bare;
  const std::uint32_t syns = std::max<std::uint32_t>(p.syns, 1);
  // Retransmissions after 1 s and then 2 s more, as TCP stacks and nmap do.
  const TimeNs span = syns == 1 ? 0 : (syns == 2 ? kNsPerSecond : 3 * kNsPerSecond);
  const TimeNs answer_at = p.start + ms_to_ns(p.rtt_ms);
  FlowRecord probe = factory.make(p.start, p.start + span, p.client, p.server, kProtoTcp);
  probe.packets = probe.raw_packets = syns;
  probe.bytes = probe.raw_bytes = std::uint64_t{syns} * syn;
  probe.tcp_flags = kSyn;
  if (p.answer == ProbeAnswer::open) {
    // The SYN-ACK reaches a scanner that never opened a socket: its kernel resets.
    probe.packets = probe.raw_packets = 2;
    probe.bytes = probe.raw_bytes = syn + bare;
    probe.tcp_flags = kSyn | kRst;
    probe.end_ns = answer_at;
  }
  put(out, probe, label);
  if (p.answer == ProbeAnswer::none) return;
  FlowRecord back = factory.make(answer_at, answer_at, p.server, p.client, kProtoTcp);
  back.packets = back.raw_packets = 1;
  back.bytes = back.raw_bytes = p.answer == ProbeAnswer::open ? bare + 4 : bare;  // SYN-ACK carries MSS
  back.tcp_flags = p.answer == ProbeAnswer::open ? (kSyn | kAck) : (kRst | kAck);
  put(out, back, label);
}

void add_udp_exchange(const FlowFactory& factory, const UdpExchange& u, FlowLabel label, FlowBatch& out) {
  const bool v6 = !u.client.address.is_v4();
  const TimeNs span = ms_to_ns(std::max(u.duration_ms, 1.0));
  if (u.request_packets > 0) {
    FlowRecord req = factory.make(u.start, u.request_packets > 1 ? u.start + span : u.start, u.client, u.server,
                                  kProtoUdp);
    req.packets = req.raw_packets = u.request_packets;
    req.bytes = req.raw_bytes = fit_bytes(u.request_bytes, u.request_packets, kProtoUdp, v6);
    put(out, req, label);
  }
  if (u.response_packets == 0) return;
  const TimeNs at = u.start + ms_to_ns(u.rtt_ms);
  FlowRecord resp = factory.make(at, u.response_packets > 1 ? at + span : at, u.server, u.client, kProtoUdp);
  resp.packets = resp.raw_packets = u.response_packets;
  resp.bytes = resp.raw_bytes = fit_bytes(u.response_bytes, u.response_packets, kProtoUdp, v6);
  put(out, resp, label);
}

}  // namespace mamori::flow::sim::attacks
