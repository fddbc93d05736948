// NetFlow v5: fixed 24-byte header and 48-byte IPv4 records.
#include "mamori/flow/decode/export_state.hpp"

namespace mamori::flow::detail {

namespace {
constexpr std::size_t kHeaderLength = 24;
constexpr std::size_t kRecordLength = 48;
constexpr std::size_t kMaxRecords = 30;
}  // namespace

void decode_netflow5(DecoderState& state, const ExportDatagram& d, std::vector<FlowRecord>& out) {
  const Bytes b = d.payload;
  if (b.size() < kHeaderLength) {
    state.anomalies.add(Anomaly::export_too_short);
    return;
  }
  const std::byte* h = b.data();
  const std::size_t count = load_be16(h + 2);
  if (count == 0 || count > kMaxRecords || kHeaderLength + count * kRecordLength > b.size()) {
    state.anomalies.add(Anomaly::nf5_bad_count);
    return;
  }
  const std::uint32_t uptime = load_be32(h + 4);
  const std::uint64_t unix_secs = load_be32(h + 8);
  const std::uint64_t unix_nsecs = load_be32(h + 12);
  const std::uint32_t sequence = load_be32(h + 16);
  const std::uint8_t engine_type = load_u8(h + 20);
  const std::uint8_t engine_id = load_u8(h + 21);
  const std::uint16_t sampling = load_be16(h + 22);
  // Top two bits: sampling mode; low 14 bits: the interval.
  std::uint32_t rate = sampling & 0x3fff;
  if (rate == 0) rate = 1;

  MessageContext ctx;
  ctx.exporter = d.exporter;
  ctx.domain = static_cast<std::uint32_t>(engine_type) << 8 | engine_id;
  ctx.version = ExportVersion::netflow5;
  ctx.export_ms = unix_secs * 1000 + unix_nsecs / 1'000'000;
  ctx.sys_uptime_ms = uptime;

  DomainState& domain = domain_state(state, DomainKey{d.exporter, ctx.domain, ExportVersion::netflow5});
  ++domain.datagrams;
  domain.default_sampling_rate = rate;
  if (domain.have_sequence && sequence != domain.next_sequence) ++state.stats.sequence_gaps;
  domain.next_sequence = sequence + static_cast<std::uint32_t>(count);  // v5 counts flows
  domain.have_sequence = true;

  const std::byte* p = h + kHeaderLength;
  for (std::size_t i = 0; i < count; ++i, p += kRecordLength) {
    FlowRecord r;
    r.src_addr = IpAddress::v4(load_be32(p));
    r.dst_addr = IpAddress::v4(load_be32(p + 4));
    r.input_if = load_be16(p + 12);
    r.output_if = load_be16(p + 14);
    r.raw_packets = load_be32(p + 16);
    r.raw_bytes = load_be32(p + 20);
    // Same wrap-safe arithmetic as v9: times are sysUptime ms relative to the header,
    // resolved to milliseconds as nfdump does.
    const auto first = static_cast<std::int32_t>(load_be32(p + 24) - uptime);
    const auto last = static_cast<std::int32_t>(load_be32(p + 28) - uptime);
    const std::int64_t start_ms = static_cast<std::int64_t>(ctx.export_ms) + first;
    const std::int64_t end_ms = static_cast<std::int64_t>(ctx.export_ms) + last;
    r.start_ns = start_ms > 0 ? static_cast<TimeNs>(start_ms) * kNsPerMs : 0;
    r.end_ns = end_ms > 0 ? static_cast<TimeNs>(end_ms) * kNsPerMs : 0;
    r.src_port = load_be16(p + 32);
    r.dst_port = load_be16(p + 34);
    r.tcp_flags = load_u8(p + 37);
    r.proto = load_u8(p + 38);
    r.tos = load_u8(p + 39);
    if (is_icmp(r.proto)) r.src_port = 0;  // some exporters repeat type/code in both ports
    r.exporter = d.exporter;
    r.observation_domain = ctx.domain;
    r.sampling_rate = rate;
    r.packets = r.raw_packets * rate;
    r.bytes = r.raw_bytes * rate;
    r.source = FlowSource::netflow5;
    out.push_back(r);
  }
  domain.flows += count;
  state.stats.flows += count;
}

}  // namespace mamori::flow::detail
