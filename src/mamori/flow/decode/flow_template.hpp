#pragma once
// A NetFlow v9 / IPFIX template compiled into a list of field operations, so
// that decoding a data record is one pass of small switch steps with no
// lookups by field number.
#include <cstdint>
#include <vector>

namespace mamori::flow {

enum class FieldOp : std::uint8_t {
  skip,
  src_v4,
  dst_v4,
  src_v6,
  dst_v6,
  src_port,
  dst_port,
  proto,
  tcp_flags,
  tos,
  packets,
  bytes,
  total_packets,
  total_bytes,
  post_packets,
  post_bytes,
  reverse_packets,
  reverse_bytes,
  reverse_tcp_flags,
  input_if,
  output_if,
  input_phys_if,
  output_phys_if,
  direction,
  start_uptime_ms,
  end_uptime_ms,
  start_s,
  end_s,
  start_ms,
  end_ms,
  start_ntp_us,
  end_ntp_us,
  start_ntp_ns,
  end_ntp_ns,
  start_delta_us,
  end_delta_us,
  observation_ms,
  ip_version,
  icmp_type_code,
  icmp_type,
  icmp_code,
  sampling_interval,
  sampling_packet_interval,
  sampling_packet_space,
  sampler_id,
  system_init_ms,
  datalink_frame_size,
  datalink_frame,
  ip_header_section,
};

struct FieldSpec {
  std::uint16_t element_id = 0;   // without the enterprise bit
  std::uint16_t length = 0;       // 65535 = variable length (IPFIX)
  std::uint32_t enterprise = 0;
};

struct CompiledField {
  FieldOp op = FieldOp::skip;
  std::uint16_t length = 0;  // 0xffff for variable length
  std::uint16_t offset = 0;  // valid when the template is fixed-length
};

inline constexpr std::uint16_t kVariableLength = 0xffff;

struct FlowTemplate {
  std::uint16_t id = 0;
  bool is_options = false;
  std::uint16_t scope_field_count = 0;
  bool fixed_length = true;
  // Exact record length when fixed; the minimum (1 byte per variable field) otherwise.
  std::uint32_t record_length = 0;
  std::vector<FieldSpec> specs;
  std::vector<CompiledField> fields;
};

// Maps one field spec to its operation; lengths the operation cannot take become `skip`.
FieldOp compile_field(const FieldSpec& spec) noexcept;

// Builds the compiled form; returns false if the template is unusable (no
// fields, or a record of more than 65535 bytes).
bool compile_template(FlowTemplate& t) noexcept;

}  // namespace mamori::flow
