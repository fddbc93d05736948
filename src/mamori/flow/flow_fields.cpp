#include "mamori/flow/flow_fields.hpp"

#include <array>

namespace mamori::flow {

namespace {
constexpr std::array<std::string_view, kFlowFieldCount> kNames = {
    "start_ns",      "end_ns",     "src_addr", "dst_addr",  "src_port",           "dst_port",  "proto",
    "packets",       "bytes",      "tcp_flags", "tos",      "input_if",           "output_if", "sampling_rate",
    "raw_packets",   "raw_bytes",  "exporter", "observation_domain", "direction", "source", "locality"};
}  // namespace

std::string_view flow_field_name(FlowField field) noexcept { return kNames[static_cast<std::size_t>(field)]; }

Result<FlowField> parse_flow_field(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<FlowField>(i);
  }
  return fail(Errc::invalid_argument, "unknown flow field '{}'", name);
}

std::vector<FlowField> all_flow_fields() {
  std::vector<FlowField> out;
  for (std::size_t i = 0; i < kFlowFieldCount; ++i) out.push_back(static_cast<FlowField>(i));
  return out;
}

Result<std::vector<FlowField>> parse_flow_field_list(std::string_view list) {
  if (list.empty() || list == "all") return all_flow_fields();
  std::vector<FlowField> out;
  while (!list.empty()) {
    auto comma = list.find(',');
    auto name = list.substr(0, comma);
    auto field = parse_flow_field(name);
    if (!field) return tl::unexpected(field.error());
    out.push_back(*field);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

std::string_view direction_name(std::uint8_t direction) noexcept {
  switch (direction) {
    case 1: return "ingress";
    case 2: return "egress";
    default: return "unknown";
  }
}

std::string_view locality_name(std::uint8_t locality) noexcept {
  switch (locality) {
    case 1: return "domestic_to_foreign";
    case 2: return "foreign_to_domestic";
    case 3: return "foreign_to_foreign";
    case 4: return "domestic_to_domestic";
    default: return "unknown";
  }
}

std::string_view source_name(std::uint8_t source) noexcept {
  switch (source) {
    case 5: return "netflow5";
    case 9: return "netflow9";
    case 10: return "ipfix";
    case 11: return "sflow5";
    case 20: return "capture";
    case 30: return "simulated";
    default: return "unknown";
  }
}

}  // namespace mamori::flow
