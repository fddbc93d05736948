// Decoding of v9/IPFIX data records through a compiled template: the hot
// path of every collector, so one switch per field and no allocation.
#include "mamori/flow/decode/export_state.hpp"
#include "mamori/flow/packet/packet_parser.hpp"

namespace mamori::flow::detail {

namespace {

constexpr std::uint64_t kNtpToUnixSeconds = 2208988800ULL;
// Copying a blank record compiles to vector moves; value-initialising one
// in place compiles to `rep stos`, whose start-up cost dominates at this size.
const FlowRecord kBlankRecord{};

// Optional inputs of a record that need combining once all fields are read.
struct RecordExtras {
  enum : std::uint32_t {
    kPackets = 1u << 0,
    kBytes = 1u << 1,
    kTotalPackets = 1u << 2,
    kTotalBytes = 1u << 3,
    kPostPackets = 1u << 4,
    kPostBytes = 1u << 5,
    kStart = 1u << 6,
    kEnd = 1u << 7,
    kStartUptime = 1u << 8,
    kEndUptime = 1u << 9,
    kInputIf = 1u << 10,
    kOutputIf = 1u << 11,
    kSamplingInterval = 1u << 12,
    kSamplerId = 1u << 13,
    kIcmpTypeCode = 1u << 14,
    kSrc = 1u << 15,
    kDst = 1u << 16,
    kSystemInit = 1u << 17,
    kPacketInterval = 1u << 18,
    kSrc6 = 1u << 19,
    kDst6 = 1u << 20,
    kIpVersion = 1u << 21,
    kReverse = 1u << 22,
    kPhysIn = 1u << 23,
    kPhysOut = 1u << 24,
    kIcmpType = 1u << 25,
    kIcmpCode = 1u << 26,
    kObservation = 1u << 27,
    kPacketSpace = 1u << 28,
    kFrameSize = 1u << 29,
    kFrame = 1u << 30,
    kIpHeader = 1u << 31,
  };
  // Only `present` is initialised: every other member is read only when its
  // bit is set, which keeps the per-record set-up to one store (this struct is
  // built for every record on the decoder's hot path).
  std::uint32_t present = 0;
  std::uint64_t total_packets, total_bytes, post_packets, post_bytes;
  std::uint64_t reverse_packets, reverse_bytes;
  std::uint8_t reverse_tcp_flags;
  std::uint32_t start_uptime, end_uptime;
  std::uint32_t phys_in, phys_out;
  std::uint32_t sampling_interval, packet_interval, packet_space;
  std::uint64_t sampler_id;
  std::uint64_t system_init_ms;
  std::uint8_t icmp_type, icmp_code;
  std::uint16_t icmp_type_code;
  TimeNs observation_ns;
  IpAddress src6, dst6;
  std::uint8_t ip_version;
  std::uint32_t frame_size;
  Bytes frame;
  Bytes ip_header;

  bool has(std::uint32_t bits) const noexcept { return (present & bits) != 0; }
  // Reverse (RFC 5103) counters and flags, defaulting to zero.
  void touch_reverse() noexcept {
    if (!has(kReverse)) {
      reverse_packets = reverse_bytes = 0;
      reverse_tcp_flags = 0;
      present |= kReverse;
    }
  }
};

inline TimeNs ntp_to_ns(std::uint64_t ntp) noexcept {
  const std::uint64_t secs = ntp >> 32;
  const std::uint64_t frac = ntp & 0xffffffffULL;
  if (secs < kNtpToUnixSeconds) return 0;
  return (secs - kNtpToUnixSeconds) * kNsPerSecond + ((frac * kNsPerSecond) >> 32);
}

// Reads one field into the record. `p` points at the value, `n` its length.
[[gnu::always_inline]] inline void apply_field(FieldOp op, const std::byte* p, std::size_t n, FlowRecord& r, RecordExtras& x,
                        const MessageContext& ctx) noexcept {
  switch (op) {
    case FieldOp::skip: break;
    case FieldOp::src_v4:
      r.src_addr = IpAddress::v4(load_be32(p));
      x.present |= RecordExtras::kSrc;
      break;
    case FieldOp::dst_v4:
      r.dst_addr = IpAddress::v4(load_be32(p));
      x.present |= RecordExtras::kDst;
      break;
    case FieldOp::src_v6:
      x.src6 = IpAddress::v6(p);
      x.present |= RecordExtras::kSrc6;
      break;
    case FieldOp::dst_v6:
      x.dst6 = IpAddress::v6(p);
      x.present |= RecordExtras::kDst6;
      break;
    case FieldOp::ip_version:
      x.ip_version = load_u8(p);
      x.present |= RecordExtras::kIpVersion;
      break;
    case FieldOp::src_port: r.src_port = static_cast<std::uint16_t>(load_be_var(p, n)); break;
    case FieldOp::dst_port: r.dst_port = static_cast<std::uint16_t>(load_be_var(p, n)); break;
    case FieldOp::proto: r.proto = load_u8(p); break;
    case FieldOp::tcp_flags: r.tcp_flags = static_cast<std::uint8_t>(load_be_var(p, n)); break;
    case FieldOp::tos: r.tos = load_u8(p); break;
    case FieldOp::packets:
      r.raw_packets = n == 4 ? load_be32(p) : n == 8 ? load_be64(p) : load_be_var(p, n);
      x.present |= RecordExtras::kPackets;
      break;
    case FieldOp::bytes:
      r.raw_bytes = n == 4 ? load_be32(p) : n == 8 ? load_be64(p) : load_be_var(p, n);
      x.present |= RecordExtras::kBytes;
      break;
    case FieldOp::total_packets:
      x.total_packets = load_be_var(p, n);
      x.present |= RecordExtras::kTotalPackets;
      break;
    case FieldOp::total_bytes:
      x.total_bytes = load_be_var(p, n);
      x.present |= RecordExtras::kTotalBytes;
      break;
    case FieldOp::post_packets:
      x.post_packets = load_be_var(p, n);
      x.present |= RecordExtras::kPostPackets;
      break;
    case FieldOp::post_bytes:
      x.post_bytes = load_be_var(p, n);
      x.present |= RecordExtras::kPostBytes;
      break;
    case FieldOp::reverse_packets:
      x.touch_reverse();
      x.reverse_packets = load_be_var(p, n);
      break;
    case FieldOp::reverse_bytes:
      x.touch_reverse();
      x.reverse_bytes = load_be_var(p, n);
      break;
    case FieldOp::reverse_tcp_flags:
      x.touch_reverse();
      x.reverse_tcp_flags = static_cast<std::uint8_t>(load_be_var(p, n));
      break;
    case FieldOp::input_if:
      r.input_if = static_cast<std::uint32_t>(load_be_var(p, n));
      x.present |= RecordExtras::kInputIf;
      break;
    case FieldOp::output_if:
      r.output_if = static_cast<std::uint32_t>(load_be_var(p, n));
      x.present |= RecordExtras::kOutputIf;
      break;
    case FieldOp::input_phys_if:
      x.phys_in = static_cast<std::uint32_t>(load_be_var(p, n));
      x.present |= RecordExtras::kPhysIn;
      break;
    case FieldOp::output_phys_if:
      x.phys_out = static_cast<std::uint32_t>(load_be_var(p, n));
      x.present |= RecordExtras::kPhysOut;
      break;
    case FieldOp::direction:
      // IPFIX flowDirection: 0 ingress, 1 egress.
      r.direction = load_u8(p) == 0 ? Direction::ingress : Direction::egress;
      break;
    case FieldOp::start_uptime_ms:
      x.start_uptime = load_be32(p);
      x.present |= RecordExtras::kStartUptime;
      break;
    case FieldOp::end_uptime_ms:
      x.end_uptime = load_be32(p);
      x.present |= RecordExtras::kEndUptime;
      break;
    case FieldOp::start_s:
      r.start_ns = static_cast<TimeNs>(load_be32(p)) * kNsPerSecond;
      x.present |= RecordExtras::kStart;
      break;
    case FieldOp::end_s:
      r.end_ns = static_cast<TimeNs>(load_be32(p)) * kNsPerSecond;
      x.present |= RecordExtras::kEnd;
      break;
    case FieldOp::start_ms:
      r.start_ns = load_be64(p) * kNsPerMs;
      x.present |= RecordExtras::kStart;
      break;
    case FieldOp::end_ms:
      r.end_ns = load_be64(p) * kNsPerMs;
      x.present |= RecordExtras::kEnd;
      break;
    case FieldOp::start_ntp_us:
    case FieldOp::start_ntp_ns:
      r.start_ns = ntp_to_ns(load_be64(p));
      x.present |= RecordExtras::kStart;
      break;
    case FieldOp::end_ntp_us:
    case FieldOp::end_ntp_ns:
      r.end_ns = ntp_to_ns(load_be64(p));
      x.present |= RecordExtras::kEnd;
      break;
    case FieldOp::start_delta_us: {
      const std::uint64_t delta_ns = static_cast<std::uint64_t>(load_be32(p)) * 1000;
      const TimeNs export_ns = ctx.export_ms * kNsPerMs;
      r.start_ns = export_ns > delta_ns ? export_ns - delta_ns : 0;
      x.present |= RecordExtras::kStart;
      break;
    }
    case FieldOp::end_delta_us: {
      const std::uint64_t delta_ns = static_cast<std::uint64_t>(load_be32(p)) * 1000;
      const TimeNs export_ns = ctx.export_ms * kNsPerMs;
      r.end_ns = export_ns > delta_ns ? export_ns - delta_ns : 0;
      x.present |= RecordExtras::kEnd;
      break;
    }
    case FieldOp::observation_ms:
      // Event records (e.g. NAT logging) carry one observation time instead of start/end.
      x.observation_ns = load_be64(p) * kNsPerMs;
      x.present |= RecordExtras::kObservation;
      break;
    case FieldOp::icmp_type_code:
      // Templates often carry both a port and an ICMP field; the protocol decides later.
      x.icmp_type_code = load_be16(p);
      x.present |= RecordExtras::kIcmpTypeCode;
      break;
    case FieldOp::icmp_type:
      x.icmp_type = load_u8(p);
      x.present |= RecordExtras::kIcmpType;
      break;
    case FieldOp::icmp_code:
      x.icmp_code = load_u8(p);
      x.present |= RecordExtras::kIcmpCode;
      break;
    case FieldOp::sampling_interval:
      x.sampling_interval = static_cast<std::uint32_t>(load_be_var(p, n));
      x.present |= RecordExtras::kSamplingInterval;
      break;
    case FieldOp::sampling_packet_interval:
      x.packet_interval = static_cast<std::uint32_t>(load_be_var(p, n));
      x.present |= RecordExtras::kPacketInterval;
      break;
    case FieldOp::sampling_packet_space:
      x.packet_space = static_cast<std::uint32_t>(load_be_var(p, n));
      x.present |= RecordExtras::kPacketSpace;
      break;
    case FieldOp::sampler_id:
      x.sampler_id = load_be_var(p, n);
      x.present |= RecordExtras::kSamplerId;
      break;
    case FieldOp::system_init_ms:
      x.system_init_ms = load_be64(p);
      x.present |= RecordExtras::kSystemInit;
      break;
    case FieldOp::datalink_frame_size:
      x.frame_size = static_cast<std::uint32_t>(load_be_var(p, n));
      x.present |= RecordExtras::kFrameSize;
      break;
    case FieldOp::datalink_frame:
      x.frame = Bytes(p, n);
      x.present |= RecordExtras::kFrame;
      break;
    case FieldOp::ip_header_section:
      x.ip_header = Bytes(p, n);
      x.present |= RecordExtras::kIpHeader;
      break;
  }
}

// The sampling rate a record carries itself (0 when it carries none).
inline std::uint32_t own_sampling_rate(const RecordExtras& x) noexcept {
  if ((x.present & RecordExtras::kSamplingInterval) && x.sampling_interval > 0) return x.sampling_interval;
  if ((x.present & RecordExtras::kPacketInterval) && x.packet_interval > 0) {
    // PSAMP systematic count-based sampling: select `interval` packets out of every `interval + space`.
    const std::uint64_t space = x.has(RecordExtras::kPacketSpace) ? x.packet_space : 0;
    const std::uint64_t period = static_cast<std::uint64_t>(x.packet_interval) + space;
    const std::uint64_t rate = period / x.packet_interval;
    return rate > 0xffffffffULL ? 0xffffffffU : static_cast<std::uint32_t>(rate == 0 ? 1 : rate);
  }
  return 0;
}

void apply_options_record(const RecordExtras& x, DomainState& domain) {
  const std::uint32_t rate = own_sampling_rate(x);
  if (rate != 0) {
    if (x.present & RecordExtras::kSamplerId) {
      domain.sampler_rates[x.sampler_id] = rate;
    } else {
      domain.default_sampling_rate = rate;
    }
  }
  if (x.present & RecordExtras::kSystemInit) {
    domain.system_init_ms = x.system_init_ms;
    domain.have_system_init = true;
  }
}

// Fills what the fields left open and decides whether the record is a flow.
bool finish_flow(FlowRecord& r, RecordExtras& x, const MessageContext& ctx, const DomainState& domain,
                 DecoderState& state) {
  if (x.present & (RecordExtras::kSrc6 | RecordExtras::kDst6)) {
    // Dual-stack templates carry both families and zero the unused one; the
    // IP version field decides, else whichever family has a non-zero address.
    const bool have_v4 = (x.present & RecordExtras::kSrc) &&
                         !(r.src_addr.v4_value() == 0 && r.dst_addr.v4_value() == 0);
    const std::uint8_t version = x.has(RecordExtras::kIpVersion) ? x.ip_version : 0;
    const bool use_v6 = version == 6 || (version != 4 && !have_v4 &&
                                              !(x.src6.is_unspecified() && x.dst6.is_unspecified()));
    if (use_v6 || !(x.present & RecordExtras::kSrc)) {
      r.src_addr = x.src6;
      r.dst_addr = x.dst6;
      x.present |= (x.present & RecordExtras::kSrc6 ? RecordExtras::kSrc : 0u) |
                   (x.present & RecordExtras::kDst6 ? RecordExtras::kDst : 0u);
    }
  }
  if (!(x.present & RecordExtras::kSrc) || !(x.present & RecordExtras::kDst)) {
    // Packet-sampling exporters send the sampled frame instead of addresses.
    PacketSummary pkt;
    Anomaly why{};
    bool parsed = false;
    if (x.has(RecordExtras::kFrame) && !x.frame.empty()) parsed = parse_packet(LinkType::ethernet, x.frame, pkt, why);
    else if (x.has(RecordExtras::kIpHeader) && !x.ip_header.empty()) parsed = parse_ip_packet(x.ip_header, pkt, why);
    if (!parsed) {
      ++state.stats.non_flow_records;
      return false;
    }
    r.src_addr = pkt.src_addr;
    r.dst_addr = pkt.dst_addr;
    r.src_port = pkt.src_port;
    r.dst_port = pkt.dst_port;
    r.proto = pkt.proto;
    r.tcp_flags = pkt.tcp_flags;
    r.tos = pkt.tos;
    if (!(x.present & RecordExtras::kPackets)) {
      r.raw_packets = 1;
      const std::uint64_t captured = x.has(RecordExtras::kFrame) ? x.frame.size() : x.ip_header.size();
      r.raw_bytes = x.has(RecordExtras::kFrameSize) && x.frame_size != 0 ? x.frame_size : captured;
      x.present |= RecordExtras::kPackets | RecordExtras::kBytes;
    }
  }
  if (!(x.present & RecordExtras::kPackets)) {
    if (x.present & RecordExtras::kTotalPackets) r.raw_packets = x.total_packets;
    else if (x.present & RecordExtras::kPostPackets) r.raw_packets = x.post_packets;
  }
  if (!(x.present & RecordExtras::kBytes)) {
    if (x.present & RecordExtras::kTotalBytes) r.raw_bytes = x.total_bytes;
    else if (x.present & RecordExtras::kPostBytes) r.raw_bytes = x.post_bytes;
  }
  if (!x.has(RecordExtras::kInputIf) && x.has(RecordExtras::kPhysIn)) r.input_if = x.phys_in;
  if (!x.has(RecordExtras::kOutputIf) && x.has(RecordExtras::kPhysOut)) r.output_if = x.phys_out;
  if (is_icmp(r.proto)) {
    if (x.present & RecordExtras::kIcmpTypeCode) {
      r.dst_port = x.icmp_type_code;
    } else if (x.has(RecordExtras::kIcmpType | RecordExtras::kIcmpCode)) {
      const unsigned type = x.has(RecordExtras::kIcmpType) ? x.icmp_type : 0;
      const unsigned code = x.has(RecordExtras::kIcmpCode) ? x.icmp_code : 0;
      r.dst_port = static_cast<std::uint16_t>(type << 8 | code);
    }
    r.src_port = 0;
  }

  // Timestamps: absolute fields win; sysUpTime-relative ones need a clock base.
  const TimeNs export_ns = x.has(RecordExtras::kObservation) ? x.observation_ns : ctx.export_ms * kNsPerMs;
  if (!(x.present & RecordExtras::kStart)) {
    if (x.present & RecordExtras::kStartUptime) {
      r.start_ns = uptime_to_ns(x.start_uptime, ctx, domain, export_ns);
    } else {
      r.start_ns = export_ns;
    }
  }
  if (!(x.present & RecordExtras::kEnd)) {
    if (x.present & RecordExtras::kEndUptime) {
      r.end_ns = uptime_to_ns(x.end_uptime, ctx, domain, export_ns);
    } else {
      r.end_ns = (x.present & (RecordExtras::kStart | RecordExtras::kStartUptime)) ? r.start_ns : export_ns;
    }
  }

  std::uint32_t rate = own_sampling_rate(x);
  if (rate == 0 && (x.present & RecordExtras::kSamplerId)) {
    auto it = domain.sampler_rates.find(x.sampler_id);
    if (it != domain.sampler_rates.end()) rate = it->second;
  }
  if (rate == 0) rate = domain.default_sampling_rate;
  if (rate == 0) rate = 1;
  r.sampling_rate = rate;
  r.packets = r.raw_packets * rate;
  r.bytes = r.raw_bytes * rate;
  return true;
}

}  // namespace

TimeNs uptime_to_ns(std::uint32_t uptime_ms, const MessageContext& ctx, const DomainState& domain,
                    TimeNs export_ns) noexcept {
  if (ctx.version == ExportVersion::netflow9) {
    // Signed 32-bit difference copes with the 49.7-day wrap of sysUpTime.
    const auto diff_ms = static_cast<std::int32_t>(uptime_ms - ctx.sys_uptime_ms);
    const std::int64_t t = static_cast<std::int64_t>(ctx.export_ms) + diff_ms;
    return t > 0 ? static_cast<TimeNs>(t) * kNsPerMs : 0;
  }
  if (domain.have_system_init) return (domain.system_init_ms + uptime_ms) * kNsPerMs;
  return export_ns;
}

std::size_t decode_data_set(DecoderState& state, const FlowTemplate& t, Bytes body, const MessageContext& ctx,
                            DomainState& domain, std::vector<FlowRecord>& out) {
  const std::byte* p = body.data();
  const std::byte* const end = p + body.size();
  const FlowSource source = ctx.version == ExportVersion::netflow9 ? FlowSource::netflow9 : FlowSource::ipfix;
  std::size_t records = 0;
  if (t.record_length == 0) return 0;
  while (static_cast<std::size_t>(end - p) >= t.record_length) {
    // Decoded in place at the end of `out`; taken back if it is not a flow.
    FlowRecord& r = out.emplace_back(kBlankRecord);
    RecordExtras x;
    const std::byte* rec = p;
    if (t.fixed_length) {
      for (const auto& f : t.fields) apply_field(f.op, rec + f.offset, f.length, r, x, ctx);
      p += t.record_length;
    } else {
      bool ok = true;
      for (const auto& f : t.fields) {
        std::size_t n = f.length;
        if (n == kVariableLength) {
          if (p >= end) {
            ok = false;
            break;
          }
          n = load_u8(p);
          p += 1;
          if (n == 255) {
            if (end - p < 2) {
              ok = false;
              break;
            }
            n = load_be16(p);
            p += 2;
          }
        }
        if (static_cast<std::size_t>(end - p) < n) {
          ok = false;
          break;
        }
        apply_field(f.op, p, n, r, x, ctx);
        p += n;
      }
      if (!ok) {
        out.pop_back();
        state.anomalies.add(Anomaly::varlen_overrun);
        return records;
      }
    }
    ++records;
    if (t.is_options) {
      out.pop_back();
      ++state.stats.options_records;
      apply_options_record(x, domain);
      continue;
    }
    r.exporter = ctx.exporter;
    r.observation_domain = ctx.domain;
    r.source = source;
    if (!finish_flow(r, x, ctx, domain, state)) {
      out.pop_back();
      continue;
    }
    ++domain.flows;
    ++state.stats.flows;
    if (x.has(RecordExtras::kReverse) && (x.reverse_packets != 0 || x.reverse_bytes != 0)) {
      // RFC 5103 biflow: the reverse direction becomes its own unidirectional record.
      FlowRecord rev = r;  // a copy: emplacing may move `r`
      std::swap(rev.src_addr, rev.dst_addr);
      if (!is_icmp(rev.proto)) std::swap(rev.src_port, rev.dst_port);
      std::swap(rev.input_if, rev.output_if);
      rev.raw_packets = x.reverse_packets;
      rev.raw_bytes = x.reverse_bytes;
      rev.packets = rev.raw_packets * rev.sampling_rate;
      rev.bytes = rev.raw_bytes * rev.sampling_rate;
      rev.tcp_flags = x.reverse_tcp_flags;
      out.push_back(rev);
      ++domain.flows;
      ++state.stats.flows;
    }
  }
  // Fewer bytes than a record left: set padding (RFC 7011 §3.3.1), not an error.
  return records;
}

}  // namespace mamori::flow::detail
