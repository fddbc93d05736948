#include "mamori/flow/simulate/packet_synthesizer.hpp"

#include <algorithm>

#include "mamori/flow/simulate/wire_sizes.hpp"

namespace mamori::flow::sim {

namespace {

constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kAck = 0x10;

bool is_tcp(const FlowRecord& f) noexcept { return f.proto == kProtoTcp; }

// Handshake and teardown segments carry no data: the first (SYN) and last
// (FIN/RST) packets of a TCP flow of three or more are header-only.
struct Layout {
  std::uint64_t first = 0;   // 0: not special
  std::uint64_t last = 0;
  std::uint64_t middle_count = 0;
  std::uint64_t middle_q = 0;
  std::uint64_t middle_r = 0;
  bool even = true;
};

Layout layout_of(const FlowRecord& f) noexcept {
  Layout l;
  const std::uint64_t p = f.packets;
  const std::uint64_t b = f.bytes;
  if (p == 0) return l;
  const std::uint64_t m = min_ip_packet(f.proto, !f.is_v4());
  if (is_tcp(f) && p >= 3 && (f.tcp_flags & kAck)) {
    const std::uint64_t first = (f.tcp_flags & kSyn) ? m : 0;
    const std::uint64_t last = (f.tcp_flags & (kFin | kRst)) ? m : 0;
    const std::uint64_t k = p - (first ? 1 : 0) - (last ? 1 : 0);
    const std::uint64_t rest = b - first - last;
    if ((first || last) && b >= first + last && rest >= k * m && rest <= k * kMaxIpPacket) {
      l.first = first;
      l.last = last;
      l.middle_count = k;
      l.middle_q = rest / k;
      l.middle_r = rest % k;
      l.even = false;
      return l;
    }
  }
  l.middle_count = p;
  l.middle_q = b / p;
  l.middle_r = b % p;
  return l;
}

std::uint64_t mix(std::uint64_t x) noexcept {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return x;
}

}  // namespace

FlowRecord fit_to_capture(const FlowRecord& flow, const CaptureOptions& options) noexcept {
  FlowRecord f = flow;
  const std::uint64_t cap = options.max_packets_per_flow;
  if (cap == 0 || f.packets <= cap) return f;
  const std::uint64_t m = min_ip_packet(f.proto, !f.is_v4());
  const auto scaled = static_cast<std::uint64_t>(static_cast<__uint128_t>(f.bytes) * cap / f.packets);
  f.bytes = std::clamp<std::uint64_t>(scaled, cap * m, cap * kMaxIpPacket);
  f.packets = cap;
  f.raw_packets = f.packets;
  f.raw_bytes = f.bytes;
  if (f.packets == 1) f.end_ns = f.start_ns;
  return f;
}

std::uint32_t synthetic_packet_size(const FlowRecord& f, std::uint64_t index) noexcept {
  const Layout l = layout_of(f);
  std::uint64_t j = index;
  if (!l.even) {
    if (l.first && index == 0) return static_cast<std::uint32_t>(l.first);
    if (l.last && index + 1 == f.packets) return static_cast<std::uint32_t>(l.last);
    if (l.first) j = index - 1;
  }
  return static_cast<std::uint32_t>(l.middle_q + (j < l.middle_r ? 1 : 0));
}

std::uint8_t synthetic_packet_flags(const FlowRecord& f, std::uint64_t index) noexcept {
  if (!is_tcp(f)) return 0;
  const std::uint8_t flags = f.tcp_flags;
  // One packet, or a connection never established (SYN retries, a lone RST): every packet alike.
  if (f.packets <= 1 || !(flags & kAck)) return flags;
  const auto data = static_cast<std::uint8_t>(flags & ~(kSyn | kFin | kRst));
  std::uint8_t first = data;
  if (flags & kSyn) {
    // The side with the lower port is the server: its SYN carries the ACK.
    first = f.src_port < f.dst_port ? static_cast<std::uint8_t>(kSyn | kAck) : kSyn;
  }
  if (index == 0) return first;
  if (index + 1 < f.packets) return data;
  // The last packet closes, and carries whatever no other packet did, so the OR is exact.
  const auto others = static_cast<std::uint8_t>(first | (f.packets > 2 ? data : 0));
  return static_cast<std::uint8_t>((flags & (kFin | kRst | kAck)) | (flags & ~others));
}

PacketSynthesizer::PacketSynthesizer(const CaptureOptions& options, PcapWriter& out)
    : options_(options), out_(out), frame_(kMaxFrame) {}

Status PacketSynthesizer::add(const FlowRecord& flow) {
  if (auto ok = write_until(flow.start_ns, false); !ok) return ok;
  ++flows_;
  if (flow.packets == 0) return {};
  Active a;
  a.flow = fit_to_capture(flow, options_);
  if (a.flow.packets != flow.packets) ++thinned_;
  const std::uint64_t h = mix(flow.src_addr.lo() ^ mix(flow.dst_addr.lo() ^ flow.start_ns) ^
                              (static_cast<std::uint64_t>(flow.src_port) << 16 | flow.dst_port));
  a.tcp_seq = static_cast<std::uint32_t>(h);
  a.ip_id = static_cast<std::uint16_t>(h >> 32);
  a.icmp_id = static_cast<std::uint16_t>(h >> 48);
  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
    slots_[slot] = a;
  } else {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.push_back(a);
  }
  due_.push(Due{a.flow.start_ns, flows_, slot});
  return {};
}

Status PacketSynthesizer::finish() { return write_until(~TimeNs{0}, true); }

Status PacketSynthesizer::write_until(TimeNs limit, bool inclusive) {
  while (!due_.empty()) {
    const Due d = due_.top();
    if (inclusive ? d.time > limit : d.time >= limit) break;
    due_.pop();
    Active& a = slots_[d.slot];
    if (auto ok = write_packet(a); !ok) return ok;
    if (a.next < a.flow.packets) {
      const TimeNs span = a.flow.end_ns - a.flow.start_ns;
      const TimeNs t = a.flow.start_ns +
                       static_cast<TimeNs>(static_cast<__uint128_t>(span) * a.next / (a.flow.packets - 1));
      due_.push(Due{t, d.order, d.slot});
    } else {
      free_slots_.push_back(d.slot);
    }
  }
  return {};
}

Status PacketSynthesizer::write_packet(Active& a) {
  const FlowRecord& f = a.flow;
  const std::uint64_t i = a.next++;
  PacketSpec spec;
  spec.src = f.src_addr;
  spec.dst = f.dst_addr;
  spec.proto = f.proto;
  spec.tos = f.tos;
  spec.ip_length = synthetic_packet_size(f, i);
  spec.ip_id = static_cast<std::uint16_t>(a.ip_id + i);
  spec.dst_port = f.dst_port;
  if (is_icmp(f.proto)) {
    spec.src_port = a.icmp_id;  // the echo identifier; flows keep 0 as the source "port"
    spec.icmp_sequence = static_cast<std::uint16_t>(i + 1);
  } else {
    spec.src_port = f.src_port;
  }
  if (is_tcp(f)) {
    spec.tcp_flags = synthetic_packet_flags(f, i);
    spec.tcp_seq = a.tcp_seq;
    spec.tcp_ack = (spec.tcp_flags & kAck) ? static_cast<std::uint32_t>(mix(a.tcp_seq) + i) : 0;
    const std::uint32_t payload = spec.ip_length - min_ip_packet(kProtoTcp, !f.is_v4());
    a.tcp_seq += payload + ((spec.tcp_flags & (kSyn | kFin)) ? 1 : 0);
  }
  const TimeNs span = f.end_ns - f.start_ns;
  const TimeNs t = f.packets == 1 ? f.start_ns
                                  : f.start_ns + static_cast<TimeNs>(static_cast<__uint128_t>(span) * i / (f.packets - 1));
  const std::size_t n = build_packet(out_.link_type(), spec, frame_.data());
  if (n == 0) return fail(Errc::invalid_argument, "flow packet of {} bytes cannot be built", spec.ip_length);
  ++packets_;
  return out_.write(t, Bytes(frame_.data(), n));
}

}  // namespace mamori::flow::sim
