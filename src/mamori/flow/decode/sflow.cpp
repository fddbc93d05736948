#include "mamori/flow/decode/sflow.hpp"

#include "mamori/flow/packet/packet_parser.hpp"

namespace mamori::flow {

namespace {

constexpr std::uint32_t kVersion5 = 5;
constexpr std::uint32_t kAgentIPv4 = 1;
constexpr std::uint32_t kAgentIPv6 = 2;

constexpr std::uint32_t kSampleFlow = 1;
constexpr std::uint32_t kSampleCounters = 2;
constexpr std::uint32_t kSampleFlowExpanded = 3;
constexpr std::uint32_t kSampleCountersExpanded = 4;

constexpr std::uint32_t kRecordRawHeader = 1;
constexpr std::uint32_t kRecordSampledIPv4 = 3;
constexpr std::uint32_t kRecordSampledIPv6 = 4;

constexpr std::uint32_t kHeaderEthernet = 1;
constexpr std::uint32_t kHeaderIPv4 = 11;
constexpr std::uint32_t kHeaderIPv6 = 12;

constexpr std::uint32_t kIfFormatSingle = 0;
constexpr std::uint32_t kIfFormatDiscard = 1;
constexpr std::uint32_t kIfFormatMultiple = 2;
constexpr std::uint32_t kIfInternal = 0x3fffffff;

// XDR opaque data is padded to a multiple of four bytes.
constexpr std::size_t pad4(std::size_t n) noexcept { return (n + 3) & ~std::size_t{3}; }

// A bounds-checked cursor over one XDR structure; every read reports failure
// instead of running past the end, so truncation at any offset is harmless.
class Xdr {
 public:
  Xdr(const std::byte* p, std::size_t n) noexcept : p_(p), n_(n) {}
  bool u32(std::uint32_t& v) noexcept {
    if (n_ - off_ < 4) return false;
    v = load_be32(p_ + off_);
    off_ += 4;
    return true;
  }
  bool skip(std::size_t k) noexcept {
    if (n_ - off_ < k) return false;
    off_ += k;
    return true;
  }
  const std::byte* here() const noexcept { return p_ + off_; }
  std::size_t left() const noexcept { return n_ - off_; }
  bool done() const noexcept { return off_ == n_; }

 private:
  const std::byte* p_;
  std::size_t n_;
  std::size_t off_ = 0;
};

struct Tuple {
  bool found = false;
  std::uint32_t bytes = 0;
  PacketSummary pkt;
};

struct Interfaces {
  std::uint32_t input = 0;
  std::uint32_t output = 0;
};

std::uint32_t single_interface(std::uint32_t format, std::uint32_t value, SflowStats& stats) noexcept {
  switch (format) {
    case kIfFormatSingle:
      return value;
    case kIfFormatDiscard:
      ++stats.discarded_samples;
      return 0;
    case kIfFormatMultiple:
      ++stats.multi_output_samples;
      return 0;
    default:
      return 0;
  }
}

// The compact form packs a two-bit format above a 30-bit value.
Interfaces compact_interfaces(std::uint32_t input, std::uint32_t output, SflowStats& stats) noexcept {
  Interfaces ifs;
  const std::uint32_t in_value = input & kIfInternal;
  ifs.input = (input >> 30) == kIfFormatSingle && in_value != kIfInternal ? in_value : 0;
  const std::uint32_t out_format = output >> 30;
  const std::uint32_t out_value = output & kIfInternal;
  ifs.output = single_interface(out_format, out_format == kIfFormatSingle && out_value == kIfInternal ? 0 : out_value,
                                stats);
  return ifs;
}

bool decode_raw_header(Xdr rec, Tuple& t, AnomalyCounters& anomalies) noexcept {
  std::uint32_t protocol = 0;
  std::uint32_t frame_length = 0;
  std::uint32_t stripped = 0;
  std::uint32_t header_length = 0;
  if (!rec.u32(protocol) || !rec.u32(frame_length) || !rec.u32(stripped) || !rec.u32(header_length) ||
      header_length > rec.left()) {
    anomalies.add(Anomaly::sflow_bad_record);
    return false;
  }
  const Bytes header(rec.here(), header_length);
  Anomaly why{};
  bool ok = false;
  switch (protocol) {
    case kHeaderEthernet:
      ok = parse_packet(LinkType::ethernet, header, t.pkt, why);
      break;
    case kHeaderIPv4:
    case kHeaderIPv6:
      ok = parse_ip_packet(header, t.pkt, why);
      break;
    default:
      return false;  // other link types (802.11, PPP, ...) are legitimate but carry no tuple for us
  }
  if (!ok) return false;
  t.found = true;
  t.bytes = frame_length;
  return true;
}

bool decode_sampled_ip(Xdr rec, bool v6, Tuple& t, AnomalyCounters& anomalies) noexcept {
  const std::size_t need = v6 ? 56 : 32;
  if (rec.left() < need) {
    anomalies.add(Anomaly::sflow_bad_record);
    return false;
  }
  const std::byte* p = rec.here();
  PacketSummary& s = t.pkt;
  s = PacketSummary{};
  t.bytes = load_be32(p);
  s.ip_length = t.bytes;
  s.proto = static_cast<std::uint8_t>(load_be32(p + 4));
  std::size_t off = 8;
  if (v6) {
    s.ip_version = 6;
    s.src_addr = IpAddress(load_be64(p + off), load_be64(p + off + 8));
    s.dst_addr = IpAddress(load_be64(p + off + 16), load_be64(p + off + 24));
    off += 32;
  } else {
    s.ip_version = 4;
    s.src_addr = IpAddress::v4(load_be32(p + off));
    s.dst_addr = IpAddress::v4(load_be32(p + off + 4));
    off += 8;
  }
  const std::uint32_t sport = load_be32(p + off);
  const std::uint32_t dport = load_be32(p + off + 4);
  if (is_icmp(s.proto)) {
    // Agents put the ICMP type and code in the two port fields.
    s.dst_port = static_cast<std::uint16_t>((sport & 0xff) << 8 | (dport & 0xff));
  } else {
    s.src_port = static_cast<std::uint16_t>(sport);
    s.dst_port = static_cast<std::uint16_t>(dport);
  }
  s.tcp_flags = static_cast<std::uint8_t>(load_be32(p + off + 8));
  s.tos = static_cast<std::uint8_t>(load_be32(p + off + 12));
  t.found = true;
  return true;
}

// Walks the flow records of one sample. A raw header wins over the sampled
// IPv4/IPv6 summaries because it shows the outer headers as sent.
void decode_records(Xdr& s, Tuple& best, AnomalyCounters& anomalies) noexcept {
  std::uint32_t count = 0;
  if (!s.u32(count)) {
    anomalies.add(Anomaly::sflow_bad_sample);
    return;
  }
  bool from_header = false;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint32_t format = 0;
    std::uint32_t length = 0;
    if (!s.u32(format) || !s.u32(length) || length > s.left()) {
      anomalies.add(Anomaly::sflow_bad_record);
      return;
    }
    const Xdr rec(s.here(), length);
    s.skip(length);
    s.skip(pad4(length) - length);  // tolerate agents that leave out the final padding
    if ((format >> 12) != 0 || from_header) continue;
    switch (format & 0xfff) {
      case kRecordRawHeader: {
        Tuple t;
        if (decode_raw_header(rec, t, anomalies)) {
          best = t;
          from_header = true;
        }
        break;
      }
      case kRecordSampledIPv4:
      case kRecordSampledIPv6:
        if (!best.found) decode_sampled_ip(rec, (format & 0xfff) == kRecordSampledIPv6, best, anomalies);
        break;
      default:
        break;  // extended switch/router/gateway/user/url/... records: nothing we keep
    }
  }
}

void decode_flow_sample(Xdr s, bool expanded, const FlowRecord& base, std::vector<FlowRecord>& out,
                        AnomalyCounters& anomalies, SflowStats& stats) noexcept {
  std::uint32_t seq = 0;
  std::uint32_t source = 0;
  std::uint32_t rate = 0;
  std::uint32_t pool = 0;
  std::uint32_t drops = 0;
  Interfaces ifs;
  bool ok = s.u32(seq) && s.u32(source);
  if (ok && expanded) ok = s.u32(source);  // source id type, then index
  ok = ok && s.u32(rate) && s.u32(pool) && s.u32(drops);
  if (ok && expanded) {
    std::uint32_t in_format = 0, in_value = 0, out_format = 0, out_value = 0;
    ok = s.u32(in_format) && s.u32(in_value) && s.u32(out_format) && s.u32(out_value);
    ifs.input = in_format == kIfFormatSingle ? in_value : 0;
    ifs.output = single_interface(out_format, out_value, stats);
  } else if (ok) {
    std::uint32_t input = 0, output = 0;
    ok = s.u32(input) && s.u32(output);
    ifs = compact_interfaces(input, output, stats);
  }
  if (!ok) {
    anomalies.add(Anomaly::sflow_bad_sample);
    return;
  }
  ++stats.flow_samples;
  stats.agent_drops += drops;
  Tuple t;
  decode_records(s, t, anomalies);
  if (!t.found) {
    anomalies.add(Anomaly::sflow_no_header);
    return;
  }
  FlowRecord& r = out.emplace_back(base);
  const std::uint32_t scale = rate == 0 ? 1 : rate;
  r.src_addr = t.pkt.src_addr;
  r.dst_addr = t.pkt.dst_addr;
  r.src_port = t.pkt.src_port;
  r.dst_port = t.pkt.dst_port;
  r.proto = t.pkt.proto;
  r.tcp_flags = t.pkt.tcp_flags;
  r.tos = t.pkt.tos;
  r.raw_packets = 1;
  r.raw_bytes = t.bytes;
  r.packets = scale;
  r.bytes = static_cast<std::uint64_t>(t.bytes) * scale;
  r.sampling_rate = scale;
  r.input_if = ifs.input;
  r.output_if = ifs.output;
}

}  // namespace

bool looks_like_sflow5(Bytes d) noexcept {
  if (d.size() < 28) return false;
  const std::uint32_t agent = load_be32(d.data() + 4);
  return load_be32(d.data()) == kVersion5 && (agent == kAgentIPv4 || agent == kAgentIPv6);
}

void decode_sflow(Bytes datagram, TimeNs received_ns, std::vector<FlowRecord>& out, AnomalyCounters& anomalies,
                  SflowStats& stats) noexcept {
  Xdr d(datagram.data(), datagram.size());
  std::uint32_t version = 0;
  std::uint32_t agent_type = 0;
  if (!d.u32(version) || !d.u32(agent_type) || version != kVersion5 ||
      (agent_type != kAgentIPv4 && agent_type != kAgentIPv6)) {
    anomalies.add(Anomaly::sflow_bad_header);
    return;
  }
  FlowRecord base;
  base.start_ns = received_ns;
  base.end_ns = received_ns;
  base.source = FlowSource::sflow5;
  if (agent_type == kAgentIPv4) {
    std::uint32_t a = 0;
    if (!d.u32(a)) {
      anomalies.add(Anomaly::sflow_bad_header);
      return;
    }
    base.exporter = IpAddress::v4(a);
  } else {
    if (d.left() < 16) {
      anomalies.add(Anomaly::sflow_bad_header);
      return;
    }
    base.exporter = IpAddress(load_be64(d.here()), load_be64(d.here() + 8));
    d.skip(16);
  }
  std::uint32_t sub_agent = 0, sequence = 0, uptime = 0, samples = 0;
  if (!d.u32(sub_agent) || !d.u32(sequence) || !d.u32(uptime) || !d.u32(samples)) {
    anomalies.add(Anomaly::sflow_bad_header);
    return;
  }
  base.observation_domain = sub_agent;
  ++stats.datagrams;
  for (std::uint32_t i = 0; i < samples; ++i) {
    std::uint32_t type = 0;
    std::uint32_t length = 0;
    // A sample that overruns the datagram leaves no way to find the next one.
    if (!d.u32(type) || !d.u32(length) || length > d.left()) {
      anomalies.add(Anomaly::sflow_bad_sample);
      return;
    }
    const Xdr sample(d.here(), length);
    d.skip(length);
    if ((type >> 12) != 0) {
      ++stats.other_samples;
      continue;
    }
    switch (type & 0xfff) {
      case kSampleFlow:
      case kSampleFlowExpanded:
        decode_flow_sample(sample, (type & 0xfff) == kSampleFlowExpanded, base, out, anomalies, stats);
        break;
      case kSampleCounters:
      case kSampleCountersExpanded:
        ++stats.counter_samples;
        anomalies.add(Anomaly::sflow_counter_sample);
        break;
      default:
        ++stats.other_samples;
        break;
    }
  }
}

}  // namespace mamori::flow
