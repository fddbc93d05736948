#include "mamori/flow/mflow/column_batch.hpp"

#include <algorithm>

namespace mamori::flow {

BlockStats BlockStats::compute(std::span<const FlowRecord> flows) noexcept {
  BlockStats s;
  if (flows.empty()) return s;
  const FlowRecord& f0 = flows.front();
  s.start_min = s.start_max = f0.start_ns;
  s.end_min = s.end_max = f0.end_ns;
  s.packets_min = s.packets_max = f0.packets;
  s.bytes_min = s.bytes_max = f0.bytes;
  s.src_port_min = s.src_port_max = f0.src_port;
  s.dst_port_min = s.dst_port_max = f0.dst_port;
  s.tcp_flags_and = 0xff;
  for (const FlowRecord& f : flows) {
    s.start_min = std::min(s.start_min, f.start_ns);
    s.start_max = std::max(s.start_max, f.start_ns);
    s.end_min = std::min(s.end_min, f.end_ns);
    s.end_max = std::max(s.end_max, f.end_ns);
    s.packets_min = std::min(s.packets_min, f.packets);
    s.packets_max = std::max(s.packets_max, f.packets);
    s.bytes_min = std::min(s.bytes_min, f.bytes);
    s.bytes_max = std::max(s.bytes_max, f.bytes);
    s.src_port_min = std::min(s.src_port_min, f.src_port);
    s.src_port_max = std::max(s.src_port_max, f.src_port);
    s.dst_port_min = std::min(s.dst_port_min, f.dst_port);
    s.dst_port_max = std::max(s.dst_port_max, f.dst_port);
    s.tcp_flags_or = static_cast<std::uint8_t>(s.tcp_flags_or | f.tcp_flags);
    s.tcp_flags_and = static_cast<std::uint8_t>(s.tcp_flags_and & f.tcp_flags);
    s.families |= f.src_addr.is_v4() ? kSrcHasV4 : kSrcHasV6;
    s.families |= f.dst_addr.is_v4() ? kDstHasV4 : kDstHasV6;
    s.protos[f.proto >> 3] = static_cast<std::uint8_t>(s.protos[f.proto >> 3] | (1u << (f.proto & 7)));
  }
  return s;
}

void FlowColumns::fill_record(std::size_t i, FlowRecord& out) const noexcept {
  auto on = [&](FlowField f) { return (loaded & column_bit(f)) != 0; };
  if (on(FlowField::start_ns)) out.start_ns = start_ns[i];
  if (on(FlowField::end_ns)) out.end_ns = end_ns[i];
  if (on(FlowField::src_addr)) out.src_addr = src_addr[i];
  if (on(FlowField::dst_addr)) out.dst_addr = dst_addr[i];
  if (on(FlowField::src_port)) out.src_port = src_port[i];
  if (on(FlowField::dst_port)) out.dst_port = dst_port[i];
  if (on(FlowField::proto)) out.proto = proto[i];
  if (on(FlowField::packets)) out.packets = packets[i];
  if (on(FlowField::bytes)) out.bytes = bytes[i];
  if (on(FlowField::tcp_flags)) out.tcp_flags = tcp_flags[i];
  if (on(FlowField::tos)) out.tos = tos[i];
  if (on(FlowField::input_if)) out.input_if = input_if[i];
  if (on(FlowField::output_if)) out.output_if = output_if[i];
  if (on(FlowField::sampling_rate)) out.sampling_rate = sampling_rate[i];
  if (on(FlowField::raw_packets)) out.raw_packets = raw_packets[i];
  if (on(FlowField::raw_bytes)) out.raw_bytes = raw_bytes[i];
  if (on(FlowField::exporter)) out.exporter = exporter[i];
  if (on(FlowField::observation_domain)) out.observation_domain = observation_domain[i];
  if (on(FlowField::direction)) out.direction = static_cast<Direction>(direction[i]);
  if (on(FlowField::source)) out.source = static_cast<FlowSource>(source[i]);
  if (on(FlowField::locality)) out.locality = static_cast<Locality>(locality[i]);
}

namespace {

template <class T, class Get>
void transpose(std::vector<T>& column, std::span<const FlowRecord> flows, Get get) {
  column.resize(flows.size());
  for (std::size_t i = 0; i < flows.size(); ++i) column[i] = get(flows[i]);
}

}  // namespace

void FlowColumns::load_from(std::span<const FlowRecord> flows, ColumnSet columns) {
  if (size != flows.size()) loaded = 0;
  size = flows.size();
  auto want = [&](FlowField f) { return (columns & column_bit(f)) != 0; };
  using R = const FlowRecord&;
  if (want(FlowField::start_ns)) transpose(start_ns, flows, [](R r) { return r.start_ns; });
  if (want(FlowField::end_ns)) transpose(end_ns, flows, [](R r) { return r.end_ns; });
  if (want(FlowField::src_addr)) transpose(src_addr, flows, [](R r) { return r.src_addr; });
  if (want(FlowField::dst_addr)) transpose(dst_addr, flows, [](R r) { return r.dst_addr; });
  if (want(FlowField::src_port)) transpose(src_port, flows, [](R r) { return r.src_port; });
  if (want(FlowField::dst_port)) transpose(dst_port, flows, [](R r) { return r.dst_port; });
  if (want(FlowField::proto)) transpose(proto, flows, [](R r) { return r.proto; });
  if (want(FlowField::packets)) transpose(packets, flows, [](R r) { return r.packets; });
  if (want(FlowField::bytes)) transpose(bytes, flows, [](R r) { return r.bytes; });
  if (want(FlowField::tcp_flags)) transpose(tcp_flags, flows, [](R r) { return r.tcp_flags; });
  if (want(FlowField::tos)) transpose(tos, flows, [](R r) { return r.tos; });
  if (want(FlowField::input_if)) transpose(input_if, flows, [](R r) { return r.input_if; });
  if (want(FlowField::output_if)) transpose(output_if, flows, [](R r) { return r.output_if; });
  if (want(FlowField::sampling_rate)) transpose(sampling_rate, flows, [](R r) { return r.sampling_rate; });
  if (want(FlowField::raw_packets)) transpose(raw_packets, flows, [](R r) { return r.raw_packets; });
  if (want(FlowField::raw_bytes)) transpose(raw_bytes, flows, [](R r) { return r.raw_bytes; });
  if (want(FlowField::exporter)) transpose(exporter, flows, [](R r) { return r.exporter; });
  if (want(FlowField::observation_domain))
    transpose(observation_domain, flows, [](R r) { return r.observation_domain; });
  if (want(FlowField::direction))
    transpose(direction, flows, [](R r) { return static_cast<std::uint8_t>(r.direction); });
  if (want(FlowField::source)) transpose(source, flows, [](R r) { return static_cast<std::uint8_t>(r.source); });
  if (want(FlowField::locality)) {
    transpose(locality, flows, [](R r) { return static_cast<std::uint8_t>(r.locality); });
  }
  loaded |= columns & kAllColumns;
}

}  // namespace mamori::flow
