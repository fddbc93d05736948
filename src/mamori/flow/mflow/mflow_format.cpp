#include "mamori/flow/mflow/mflow_format.hpp"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace mamori::flow::mflow {

namespace {

struct ColumnMapping {
  ColumnId id;
  FlowField field;
};

// Both directions of the id <-> field mapping come from this one table.
constexpr ColumnMapping kColumns[] = {
    {ColumnId::start_ns, FlowField::start_ns},
    {ColumnId::end_ns, FlowField::end_ns},
    {ColumnId::src_addr, FlowField::src_addr},
    {ColumnId::dst_addr, FlowField::dst_addr},
    {ColumnId::src_port, FlowField::src_port},
    {ColumnId::dst_port, FlowField::dst_port},
    {ColumnId::proto, FlowField::proto},
    {ColumnId::tcp_flags, FlowField::tcp_flags},
    {ColumnId::tos, FlowField::tos},
    {ColumnId::packets, FlowField::packets},
    {ColumnId::bytes, FlowField::bytes},
    {ColumnId::raw_packets, FlowField::raw_packets},
    {ColumnId::raw_bytes, FlowField::raw_bytes},
    {ColumnId::exporter, FlowField::exporter},
    {ColumnId::observation_domain, FlowField::observation_domain},
    {ColumnId::sampling_rate, FlowField::sampling_rate},
    {ColumnId::input_if, FlowField::input_if},
    {ColumnId::output_if, FlowField::output_if},
    {ColumnId::direction, FlowField::direction},
    {ColumnId::source, FlowField::source},
    {ColumnId::locality, FlowField::locality},
};

}  // namespace

std::optional<FlowField> field_of(std::uint8_t column_id) noexcept {
  for (const auto& m : kColumns)
    if (static_cast<std::uint8_t>(m.id) == column_id) return m.field;
  return std::nullopt;
}

ColumnId column_of(FlowField field) noexcept {
  for (const auto& m : kColumns)
    if (m.field == field) return m.id;
  return ColumnId::start_ns;  // unreachable: every field has a column
}

std::optional<FlowField> reference_of(FlowField field) noexcept {
  switch (field) {
    case FlowField::end_ns: return FlowField::start_ns;
    case FlowField::raw_packets: return FlowField::packets;
    case FlowField::raw_bytes: return FlowField::bytes;
    default: return std::nullopt;
  }
}

bool is_address(FlowField field) noexcept {
  return field == FlowField::src_addr || field == FlowField::dst_addr || field == FlowField::exporter;
}

unsigned field_width(FlowField field) noexcept {
  switch (field) {
    case FlowField::start_ns:
    case FlowField::end_ns:
    case FlowField::packets:
    case FlowField::bytes:
    case FlowField::raw_packets:
    case FlowField::raw_bytes: return 8;
    case FlowField::src_addr:
    case FlowField::dst_addr:
    case FlowField::exporter: return 16;
    case FlowField::observation_domain:
    case FlowField::sampling_rate:
    case FlowField::input_if:
    case FlowField::output_if: return 4;
    case FlowField::src_port:
    case FlowField::dst_port: return 2;
    case FlowField::proto:
    case FlowField::tcp_flags:
    case FlowField::tos:
    case FlowField::direction:
    case FlowField::source:
    case FlowField::locality: return 1;
  }
  return 8;
}

std::uint64_t checksum(const std::byte* data, std::size_t size) noexcept { return XXH3_64bits(data, size); }

}  // namespace mamori::flow::mflow
