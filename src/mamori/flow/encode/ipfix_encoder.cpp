#include "mamori/flow/encode/ipfix_encoder.hpp"

#include <array>

namespace mamori::flow {

namespace {

// IANA IPFIX information element IDs.
enum : std::uint16_t {
  kOctetDeltaCount = 1,
  kPacketDeltaCount = 2,
  kProtocolIdentifier = 4,
  kIpClassOfService = 5,
  kTcpControlBits = 6,
  kSourceTransportPort = 7,
  kSourceIPv4Address = 8,
  kIngressInterface = 10,
  kDestinationTransportPort = 11,
  kDestinationIPv4Address = 12,
  kEgressInterface = 14,
  kSourceIPv6Address = 27,
  kDestinationIPv6Address = 28,
  kSamplingInterval = 34,
  kSamplingAlgorithm = 35,
  kFlowDirection = 61,
  kObservationDomainId = 149,
  kFlowStartMilliseconds = 152,
  kFlowEndMilliseconds = 153,
  kSamplingPacketInterval = 305,
  kSamplingPacketSpace = 306,
};

// tcpControlBits is two octets since RFC 7125 (flags plus the NS/reserved bits).
constexpr std::array<TemplateField, 14> kV4 = {{
    {kFlowStartMilliseconds, 8}, {kFlowEndMilliseconds, 8}, {kSourceIPv4Address, 4}, {kDestinationIPv4Address, 4},
    {kSourceTransportPort, 2},   {kDestinationTransportPort, 2}, {kProtocolIdentifier, 1}, {kTcpControlBits, 2},
    {kIpClassOfService, 1},      {kPacketDeltaCount, 8},     {kOctetDeltaCount, 8},  {kIngressInterface, 4},
    {kEgressInterface, 4},       {kFlowDirection, 1},
}};
constexpr std::array<TemplateField, 14> kV6 = {{
    {kFlowStartMilliseconds, 8}, {kFlowEndMilliseconds, 8}, {kSourceIPv6Address, 16}, {kDestinationIPv6Address, 16},
    {kSourceTransportPort, 2},   {kDestinationTransportPort, 2}, {kProtocolIdentifier, 1}, {kTcpControlBits, 2},
    {kIpClassOfService, 1},      {kPacketDeltaCount, 8},     {kOctetDeltaCount, 8},  {kIngressInterface, 4},
    {kEgressInterface, 4},       {kFlowDirection, 1},
}};
constexpr std::array<TemplateField, 1> kSamplingScope = {{{kObservationDomainId, 4}}};
constexpr std::array<TemplateField, 4> kSamplingOptions = {{
    {kSamplingInterval, 4}, {kSamplingPacketInterval, 4}, {kSamplingPacketSpace, 4}, {kSamplingAlgorithm, 1},
}};

}  // namespace

std::span<const TemplateField> ipfix_flow_template(bool v6) noexcept {
  return v6 ? std::span<const TemplateField>(kV6) : std::span<const TemplateField>(kV4);
}

std::span<const TemplateField> IpfixEncoder::sampling_scope() const noexcept { return kSamplingScope; }
std::span<const TemplateField> IpfixEncoder::sampling_options() const noexcept { return kSamplingOptions; }

void IpfixEncoder::write_record(const FlowRecord& f, bool v6, std::byte* p) noexcept {
  store_be64(p, f.start_ns / kNsPerMs);
  store_be64(p + 8, f.end_ns / kNsPerMs);
  p += 16;
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
  p[4] = std::byte{f.proto};
  store_be16(p + 5, f.tcp_flags);
  p[7] = std::byte{f.tos};
  store_be64(p + 8, exported_packets(f));
  store_be64(p + 16, exported_bytes(f));
  store_be32(p + 24, f.input_if);
  store_be32(p + 28, f.output_if);
  // flowDirection: 0 ingress, 1 egress; "unknown" is exported as ingress.
  p[32] = std::byte{static_cast<std::uint8_t>(f.direction == Direction::egress ? 1 : 0)};
}

void IpfixEncoder::write_sampling_record() {
  builder_.put_u32(options_.observation_domain);
  builder_.put_u32(sampling_rate_);      // samplingInterval (deprecated, still read by collectors)
  builder_.put_u32(1);                   // samplingPacketInterval: 1 packet sampled ...
  builder_.put_u32(sampling_rate_ - 1);  // samplingPacketSpace: ... then N-1 skipped
  builder_.put_u8(2);                    // samplingAlgorithm: random n-out-of-N
}

Bytes IpfixEncoder::finish_message() {
  const Bytes message = builder_.finish_ipfix(export_seconds(), sequence_, options_.observation_domain);
  sequence_ += message_data_records_;
  return message;
}

}  // namespace mamori::flow
