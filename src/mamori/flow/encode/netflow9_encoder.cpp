#include "mamori/flow/encode/netflow9_encoder.hpp"

#include <array>

namespace mamori::flow {

namespace {

// RFC 3954 field types.
enum : std::uint16_t {
  kInBytes = 1,
  kInPkts = 2,
  kProtocol = 4,
  kSrcTos = 5,
  kTcpFlags = 6,
  kL4SrcPort = 7,
  kIpv4SrcAddr = 8,
  kInputSnmp = 10,
  kL4DstPort = 11,
  kIpv4DstAddr = 12,
  kOutputSnmp = 14,
  kLastSwitched = 21,
  kFirstSwitched = 22,
  kIpv6SrcAddr = 27,
  kIpv6DstAddr = 28,
  kSamplingInterval = 34,
  kSamplingAlgorithm = 35,
  kIcmpType = 32,
  kDirection = 61,
};
constexpr std::uint16_t kScopeSystem = 1;

constexpr std::array<TemplateField, 15> kV4 = {{
    {kFirstSwitched, 4}, {kLastSwitched, 4}, {kIpv4SrcAddr, 4}, {kIpv4DstAddr, 4}, {kL4SrcPort, 2},
    {kL4DstPort, 2},     {kIcmpType, 2},     {kProtocol, 1},    {kTcpFlags, 1},    {kSrcTos, 1},
    {kInPkts, 8},        {kInBytes, 8},      {kInputSnmp, 4},   {kOutputSnmp, 4},  {kDirection, 1},
}};
constexpr std::array<TemplateField, 15> kV6 = {{
    {kFirstSwitched, 4}, {kLastSwitched, 4}, {kIpv6SrcAddr, 16}, {kIpv6DstAddr, 16}, {kL4SrcPort, 2},
    {kL4DstPort, 2},     {kIcmpType, 2},     {kProtocol, 1},     {kTcpFlags, 1},     {kSrcTos, 1},
    {kInPkts, 8},        {kInBytes, 8},      {kInputSnmp, 4},    {kOutputSnmp, 4},   {kDirection, 1},
}};
constexpr std::array<TemplateField, 1> kSamplingScope = {{{kScopeSystem, 4}}};
constexpr std::array<TemplateField, 2> kSamplingOptions = {{{kSamplingInterval, 4}, {kSamplingAlgorithm, 1}}};

}  // namespace

std::span<const TemplateField> netflow9_flow_template(bool v6) noexcept {
  return v6 ? std::span<const TemplateField>(kV6) : std::span<const TemplateField>(kV4);
}

std::span<const TemplateField> Netflow9Encoder::sampling_scope() const noexcept { return kSamplingScope; }
std::span<const TemplateField> Netflow9Encoder::sampling_options() const noexcept { return kSamplingOptions; }

void Netflow9Encoder::write_record(const FlowRecord& f, bool v6, std::byte* p) noexcept {
  boot_time(f);
  store_be32(p, uptime_ms(f.start_ns));
  store_be32(p + 4, uptime_ms(f.end_ns));
  p += 8;
  if (v6) {
    store_be64(p, f.src_addr.hi());
    store_be64(p + 8, f.src_addr.lo());
    store_be64(p + 16, f.dst_addr.hi());
    store_be64(p + 24, f.dst_addr.lo());
    p += 32;
  } else {
    store_be32(p, f.src_addr.v4_value());
    store_be32(p + 4, f.dst_addr.v4_value());
    p += 8;
  }
  store_be16(p, f.src_port);
  store_be16(p + 2, f.dst_port);
  // Collectors differ on where v9 ICMP type/code live; nfdump reads ICMP_TYPE.
  store_be16(p + 4, is_icmp(f.proto) ? f.dst_port : 0);
  p[6] = std::byte{f.proto};
  p[7] = std::byte{f.tcp_flags};
  p[8] = std::byte{f.tos};
  store_be64(p + 9, exported_packets(f));
  store_be64(p + 17, exported_bytes(f));
  store_be32(p + 25, f.input_if);
  store_be32(p + 29, f.output_if);
  p[33] = std::byte{static_cast<std::uint8_t>(f.direction == Direction::egress ? 1 : 0)};
}

void Netflow9Encoder::write_sampling_record() {
  builder_.put_u32(options_.observation_domain);
  builder_.put_u32(sampling_rate_);
  builder_.put_u8(2);  // random sampling
}

Bytes Netflow9Encoder::finish_message() {
  // Header times come from one whole second, so receivers that compute
  // unix_secs * 1000 - sysUptime recover the boot time exactly.
  const std::uint32_t secs = export_seconds();
  const auto uptime = static_cast<std::uint32_t>(
      (static_cast<TimeNs>(secs) * kNsPerSecond - (boot_ns_ == kUnset ? 0 : boot_ns_)) / kNsPerMs);
  return builder_.finish_netflow9(uptime, secs, packets_sent_++, options_.observation_domain);
}

}  // namespace mamori::flow
