#pragma once
// Names of FlowRecord fields as they appear in CSV headers, JSON keys and
// command-line field lists.
#include <string_view>
#include <vector>

#include "mamori/core/result.hpp"

namespace mamori::flow {

enum class FlowField : std::uint8_t {
  start_ns,
  end_ns,
  src_addr,
  dst_addr,
  src_port,
  dst_port,
  proto,
  packets,
  bytes,
  tcp_flags,
  tos,
  input_if,
  output_if,
  sampling_rate,
  raw_packets,
  raw_bytes,
  exporter,
  observation_domain,
  direction,
  source,
  locality,
};

inline constexpr std::size_t kFlowFieldCount = static_cast<std::size_t>(FlowField::locality) + 1;

std::string_view flow_field_name(FlowField field) noexcept;
Result<FlowField> parse_flow_field(std::string_view name);
// A comma-separated list, e.g. "src_addr,dst_addr,bytes"; "all" or "" gives every field.
Result<std::vector<FlowField>> parse_flow_field_list(std::string_view list);
std::vector<FlowField> all_flow_fields();

std::string_view direction_name(std::uint8_t direction) noexcept;
std::string_view source_name(std::uint8_t source) noexcept;
std::string_view locality_name(std::uint8_t locality) noexcept;

}  // namespace mamori::flow
