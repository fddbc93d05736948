#include "mamori/flow/decode/flow_template.hpp"

#include "mamori/flow/decode/information_elements.hpp"

namespace mamori::flow {

namespace {

bool is_counter_length(std::uint16_t n) noexcept { return n >= 1 && n <= 8; }

FieldOp reverse_op(const FieldSpec& s) noexcept {
  switch (s.element_id) {
    case ie::octetDeltaCount:
    case ie::octetTotalCount:
      return is_counter_length(s.length) ? FieldOp::reverse_bytes : FieldOp::skip;
    case ie::packetDeltaCount:
    case ie::packetTotalCount:
      return is_counter_length(s.length) ? FieldOp::reverse_packets : FieldOp::skip;
    case ie::tcpControlBits:
      return (s.length == 1 || s.length == 2) ? FieldOp::reverse_tcp_flags : FieldOp::skip;
    default:
      return FieldOp::skip;
  }
}

}  // namespace

FieldOp compile_field(const FieldSpec& s) noexcept {
  if (s.enterprise == ie::kReversePen) return reverse_op(s);
  if (s.enterprise != 0) return FieldOp::skip;
  const std::uint16_t n = s.length;
  const bool counter = is_counter_length(n);
  switch (s.element_id) {
    case ie::sourceIPv4Address: return n == 4 ? FieldOp::src_v4 : FieldOp::skip;
    case ie::destinationIPv4Address: return n == 4 ? FieldOp::dst_v4 : FieldOp::skip;
    case ie::sourceIPv6Address: return n == 16 ? FieldOp::src_v6 : FieldOp::skip;
    case ie::destinationIPv6Address: return n == 16 ? FieldOp::dst_v6 : FieldOp::skip;
    case ie::sourceTransportPort: return (n == 1 || n == 2) ? FieldOp::src_port : FieldOp::skip;
    case ie::destinationTransportPort: return (n == 1 || n == 2) ? FieldOp::dst_port : FieldOp::skip;
    case ie::protocolIdentifier: return n == 1 ? FieldOp::proto : FieldOp::skip;
    case ie::tcpControlBits: return (n == 1 || n == 2) ? FieldOp::tcp_flags : FieldOp::skip;
    case ie::ipClassOfService: return n == 1 ? FieldOp::tos : FieldOp::skip;
    case ie::packetDeltaCount: return counter ? FieldOp::packets : FieldOp::skip;
    case ie::octetDeltaCount: return counter ? FieldOp::bytes : FieldOp::skip;
    case ie::packetTotalCount: return counter ? FieldOp::total_packets : FieldOp::skip;
    case ie::octetTotalCount: return counter ? FieldOp::total_bytes : FieldOp::skip;
    case ie::postPacketDeltaCount: return counter ? FieldOp::post_packets : FieldOp::skip;
    case ie::postOctetDeltaCount: return counter ? FieldOp::post_bytes : FieldOp::skip;
    case ie::ingressInterface: return (n >= 1 && n <= 4) ? FieldOp::input_if : FieldOp::skip;
    case ie::egressInterface: return (n >= 1 && n <= 4) ? FieldOp::output_if : FieldOp::skip;
    case ie::ingressPhysicalInterface: return (n >= 1 && n <= 4) ? FieldOp::input_phys_if : FieldOp::skip;
    case ie::egressPhysicalInterface: return (n >= 1 && n <= 4) ? FieldOp::output_phys_if : FieldOp::skip;
    case ie::flowDirection: return n == 1 ? FieldOp::direction : FieldOp::skip;
    case ie::flowStartSysUpTime: return n == 4 ? FieldOp::start_uptime_ms : FieldOp::skip;
    case ie::flowEndSysUpTime: return n == 4 ? FieldOp::end_uptime_ms : FieldOp::skip;
    case ie::flowStartSeconds: return n == 4 ? FieldOp::start_s : FieldOp::skip;
    case ie::flowEndSeconds: return n == 4 ? FieldOp::end_s : FieldOp::skip;
    case ie::flowStartMilliseconds: return n == 8 ? FieldOp::start_ms : FieldOp::skip;
    case ie::flowEndMilliseconds: return n == 8 ? FieldOp::end_ms : FieldOp::skip;
    case ie::flowStartMicroseconds: return n == 8 ? FieldOp::start_ntp_us : FieldOp::skip;
    case ie::flowEndMicroseconds: return n == 8 ? FieldOp::end_ntp_us : FieldOp::skip;
    case ie::flowStartNanoseconds: return n == 8 ? FieldOp::start_ntp_ns : FieldOp::skip;
    case ie::flowEndNanoseconds: return n == 8 ? FieldOp::end_ntp_ns : FieldOp::skip;
    case ie::flowStartDeltaMicroseconds: return n == 4 ? FieldOp::start_delta_us : FieldOp::skip;
    case ie::flowEndDeltaMicroseconds: return n == 4 ? FieldOp::end_delta_us : FieldOp::skip;
    case ie::ipVersion: return n == 1 ? FieldOp::ip_version : FieldOp::skip;
    case ie::observationTimeMilliseconds: return n == 8 ? FieldOp::observation_ms : FieldOp::skip;
    case ie::icmpTypeCodeIPv4:
    case ie::icmpTypeCodeIPv6: return n == 2 ? FieldOp::icmp_type_code : FieldOp::skip;
    case ie::icmpTypeIPv4:
    case ie::icmpTypeIPv6: return n == 1 ? FieldOp::icmp_type : FieldOp::skip;
    case ie::icmpCodeIPv4:
    case ie::icmpCodeIPv6: return n == 1 ? FieldOp::icmp_code : FieldOp::skip;
    case ie::samplingInterval:
    case ie::samplerRandomInterval: return (n >= 1 && n <= 4) ? FieldOp::sampling_interval : FieldOp::skip;
    case ie::samplingPacketInterval: return (n >= 1 && n <= 4) ? FieldOp::sampling_packet_interval : FieldOp::skip;
    case ie::samplingPacketSpace: return (n >= 1 && n <= 4) ? FieldOp::sampling_packet_space : FieldOp::skip;
    case ie::samplerId:
    case ie::selectorId: return counter ? FieldOp::sampler_id : FieldOp::skip;
    case ie::systemInitTimeMilliseconds: return n == 8 ? FieldOp::system_init_ms : FieldOp::skip;
    case ie::dataLinkFrameSize: return (n >= 1 && n <= 4) ? FieldOp::datalink_frame_size : FieldOp::skip;
    case ie::dataLinkFrameSection: return FieldOp::datalink_frame;
    case ie::ipHeaderPacketSection: return FieldOp::ip_header_section;
    default: return FieldOp::skip;
  }
}

bool compile_template(FlowTemplate& t) noexcept {
  t.fields.clear();
  t.fields.reserve(t.specs.size());
  t.fixed_length = true;
  std::uint32_t offset = 0;
  for (const auto& spec : t.specs) {
    CompiledField f;
    f.op = compile_field(spec);
    f.length = spec.length;
    if (spec.length == kVariableLength) {
      t.fixed_length = false;
      offset += 1;  // a variable-length field takes at least its one-byte length prefix
    } else {
      f.offset = static_cast<std::uint16_t>(offset);
      offset += spec.length;
    }
    t.fields.push_back(f);
  }
  t.record_length = offset;
  return !t.specs.empty() && offset > 0 && offset <= 65535;
}

}  // namespace mamori::flow
