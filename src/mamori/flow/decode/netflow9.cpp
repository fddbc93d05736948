// NetFlow v9 (RFC 3954): templates, options templates and data flowsets.
#include "mamori/flow/decode/export_state.hpp"

namespace mamori::flow::detail {

namespace {

constexpr std::size_t kHeaderLength = 20;
constexpr std::uint16_t kTemplateFlowSet = 0;
constexpr std::uint16_t kOptionsTemplateFlowSet = 1;
constexpr std::uint16_t kFirstDataFlowSet = 256;
constexpr std::size_t kMaxFields = 512;

void parse_templates(DecoderState& state, const DomainKey& dk, Bytes body, std::vector<FlowRecord>& out) {
  const std::byte* p = body.data();
  const std::byte* const end = p + body.size();
  while (end - p >= 4) {
    const std::uint16_t id = load_be16(p);
    const std::uint16_t count = load_be16(p + 2);
    if (id == 0 && count == 0) return;  // padding
    p += 4;
    if (id < kFirstDataFlowSet || count == 0 || count > kMaxFields) {
      state.anomalies.add(count > kMaxFields ? Anomaly::template_too_large : Anomaly::template_malformed);
      return;
    }
    if (static_cast<std::size_t>(end - p) < static_cast<std::size_t>(count) * 4) {
      state.anomalies.add(Anomaly::template_malformed);
      return;
    }
    FlowTemplate t;
    t.id = id;
    t.specs.reserve(count);
    for (std::uint16_t i = 0; i < count; ++i, p += 4) {
      t.specs.push_back(FieldSpec{load_be16(p), load_be16(p + 2), 0});
    }
    if (!compile_template(t)) {
      state.anomalies.add(Anomaly::template_too_large);
      continue;
    }
    install_template(state, TemplateKey{dk, id}, std::move(t), out);
  }
}

void parse_options_templates(DecoderState& state, const DomainKey& dk, Bytes body, std::vector<FlowRecord>& out) {
  const std::byte* p = body.data();
  const std::byte* const end = p + body.size();
  while (end - p >= 6) {
    const std::uint16_t id = load_be16(p);
    const std::uint16_t scope_len = load_be16(p + 2);
    const std::uint16_t option_len = load_be16(p + 4);
    if (id == 0 && scope_len == 0 && option_len == 0) return;  // padding
    p += 6;
    if (id < kFirstDataFlowSet || scope_len % 4 != 0 || option_len % 4 != 0 || scope_len + option_len == 0 ||
        static_cast<std::size_t>(end - p) < static_cast<std::size_t>(scope_len) + option_len) {
      state.anomalies.add(Anomaly::template_malformed);
      return;
    }
    FlowTemplate t;
    t.id = id;
    t.is_options = true;
    t.scope_field_count = static_cast<std::uint16_t>(scope_len / 4);
    const std::size_t total = (static_cast<std::size_t>(scope_len) + option_len) / 4;
    for (std::size_t i = 0; i < total; ++i, p += 4) {
      const std::uint16_t type = load_be16(p);
      const std::uint16_t length = load_be16(p + 2);
      // v9 scope types (system, interface, line card, cache, template) are not
      // field types: keep their lengths but never interpret their values.
      t.specs.push_back(FieldSpec{i < t.scope_field_count ? std::uint16_t{0} : type, length, 0});
    }
    if (!compile_template(t)) {
      state.anomalies.add(Anomaly::template_too_large);
      continue;
    }
    install_template(state, TemplateKey{dk, id}, std::move(t), out);
    // The record is padded to 4 bytes inside the flowset; the loop's padding check covers it.
  }
}

}  // namespace

void decode_netflow9(DecoderState& state, const ExportDatagram& d, std::vector<FlowRecord>& out) {
  const Bytes b = d.payload;
  if (b.size() < kHeaderLength) {
    state.anomalies.add(Anomaly::export_too_short);
    return;
  }
  const std::byte* h = b.data();
  MessageContext ctx;
  ctx.exporter = d.exporter;
  ctx.version = ExportVersion::netflow9;
  ctx.sys_uptime_ms = load_be32(h + 4);
  ctx.export_ms = static_cast<std::uint64_t>(load_be32(h + 8)) * 1000;
  const std::uint32_t sequence = load_be32(h + 12);
  ctx.domain = load_be32(h + 16);
  const DomainKey dk{d.exporter, ctx.domain, ExportVersion::netflow9};
  DomainState& domain = domain_state(state, dk);
  ++domain.datagrams;
  if (domain.have_sequence && sequence != domain.next_sequence) ++state.stats.sequence_gaps;
  domain.next_sequence = sequence + 1;  // v9 counts export packets
  domain.have_sequence = true;

  const std::byte* p = h + kHeaderLength;
  const std::byte* const end = b.data() + b.size();
  while (end - p >= 4) {
    const std::uint16_t set_id = load_be16(p);
    const std::uint16_t length = load_be16(p + 2);
    if (length < 4) {
      // Some exporters pad the datagram with zeros after the last flowset.
      if (set_id != 0 || length != 0) state.anomalies.add(Anomaly::set_too_short);
      return;
    }
    if (length > end - p) {
      state.anomalies.add(Anomaly::set_overruns_packet);
      return;
    }
    const Bytes body(p + 4, length - 4u);
    if (set_id == kTemplateFlowSet) {
      ++state.stats.templates_received;
      parse_templates(state, dk, body, out);
    } else if (set_id == kOptionsTemplateFlowSet) {
      ++state.stats.templates_received;
      parse_options_templates(state, dk, body, out);
    } else if (set_id >= kFirstDataFlowSet) {
      handle_data_set(state, TemplateKey{dk, set_id}, body, ctx, d.received_ns, out);
    } else {
      state.anomalies.add(Anomaly::set_reserved_id);
    }
    p += length;
  }
}

}  // namespace mamori::flow::detail
