// IPFIX (RFC 7011): templates with enterprise fields and variable lengths,
// options templates, template withdrawal, data sets.
#include "mamori/flow/decode/export_state.hpp"

namespace mamori::flow::detail {

namespace {

constexpr std::size_t kHeaderLength = 16;
constexpr std::uint16_t kTemplateSet = 2;
constexpr std::uint16_t kOptionsTemplateSet = 3;
constexpr std::uint16_t kFirstDataSet = 256;
constexpr std::size_t kMaxFields = 512;

// Reads `count` field specifiers; returns false when they run past `end`.
bool read_field_specs(const std::byte*& p, const std::byte* end, std::size_t count, FlowTemplate& t) {
  t.specs.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (end - p < 4) return false;
    std::uint16_t id = load_be16(p);
    const std::uint16_t length = load_be16(p + 2);
    p += 4;
    std::uint32_t enterprise = 0;
    if (id & 0x8000) {
      if (end - p < 4) return false;
      enterprise = load_be32(p);
      p += 4;
      id &= 0x7fff;
    }
    t.specs.push_back(FieldSpec{id, length, enterprise});
  }
  return true;
}

void withdraw(DecoderState& state, const DomainKey& dk, std::uint16_t id, bool options) {
  if (id == kTemplateSet || id == kOptionsTemplateSet) {
    // "All templates" withdrawal (RFC 7011 §8.1) for this domain and kind.
    for (auto it = state.templates.begin(); it != state.templates.end();) {
      if (it->first.domain == dk && it->second.is_options == options) it = state.templates.erase(it);
      else ++it;
    }
    return;
  }
  withdraw_template(state, TemplateKey{dk, id});
}

void parse_template_set(DecoderState& state, const DomainKey& dk, Bytes body, bool options,
                        std::vector<FlowRecord>& out) {
  const std::byte* p = body.data();
  const std::byte* const end = p + body.size();
  while (end - p >= 4) {
    const std::uint16_t id = load_be16(p);
    const std::uint16_t count = load_be16(p + 2);
    if (id == 0 && count == 0) return;  // padding
    p += 4;
    if (count == 0) {
      withdraw(state, dk, id, options);
      continue;
    }
    if (id < kFirstDataSet) {
      state.anomalies.add(Anomaly::template_malformed);
      return;
    }
    if (count > kMaxFields) {
      state.anomalies.add(Anomaly::template_too_large);
      return;
    }
    FlowTemplate t;
    t.id = id;
    t.is_options = options;
    if (options) {
      if (end - p < 2) {
        state.anomalies.add(Anomaly::template_malformed);
        return;
      }
      t.scope_field_count = load_be16(p);
      p += 2;
      if (t.scope_field_count == 0 || t.scope_field_count > count) {
        state.anomalies.add(Anomaly::template_malformed);
        return;
      }
    }
    if (!read_field_specs(p, end, count, t)) {
      state.anomalies.add(Anomaly::template_malformed);
      return;
    }
    if (!compile_template(t)) {
      state.anomalies.add(Anomaly::template_too_large);
      continue;
    }
    install_template(state, TemplateKey{dk, id}, std::move(t), out);
  }
}

}  // namespace

void decode_ipfix(DecoderState& state, const ExportDatagram& d, std::vector<FlowRecord>& out) {
  Bytes b = d.payload;
  if (b.size() < kHeaderLength) {
    state.anomalies.add(Anomaly::export_too_short);
    return;
  }
  const std::byte* h = b.data();
  const std::uint16_t length = load_be16(h + 2);
  if (length < kHeaderLength || length > b.size()) {
    state.anomalies.add(Anomaly::export_length_mismatch);
    return;
  }
  b = b.first(length);
  MessageContext ctx;
  ctx.exporter = d.exporter;
  ctx.version = ExportVersion::ipfix;
  ctx.export_ms = static_cast<std::uint64_t>(load_be32(h + 4)) * 1000;
  const std::uint32_t sequence = load_be32(h + 8);
  ctx.domain = load_be32(h + 12);
  const DomainKey dk{d.exporter, ctx.domain, ExportVersion::ipfix};
  DomainState& domain = domain_state(state, dk);
  ++domain.datagrams;
  if (domain.have_sequence && sequence != domain.next_sequence) ++state.stats.sequence_gaps;
  std::uint32_t records = 0;
  const std::size_t pending_before = state.pending.size();

  const std::byte* p = h + kHeaderLength;
  const std::byte* const end = b.data() + b.size();
  while (end - p >= 4) {
    const std::uint16_t set_id = load_be16(p);
    const std::uint16_t set_length = load_be16(p + 2);
    if (set_length < 4) {
      state.anomalies.add(Anomaly::set_too_short);
      break;
    }
    if (set_length > end - p) {
      state.anomalies.add(Anomaly::set_overruns_packet);
      break;
    }
    const Bytes body(p + 4, set_length - 4u);
    if (set_id == kTemplateSet || set_id == kOptionsTemplateSet) {
      ++state.stats.templates_received;
      parse_template_set(state, dk, body, set_id == kOptionsTemplateSet, out);
    } else if (set_id >= kFirstDataSet) {
      records += static_cast<std::uint32_t>(handle_data_set(state, TemplateKey{dk, set_id}, body, ctx, d.received_ns, out));
    } else {
      state.anomalies.add(Anomaly::set_reserved_id);
    }
    p += set_length;
  }
  // IPFIX sequence numbers count data records; a parked set hides its count,
  // so the check restarts after one.
  if (state.pending.size() == pending_before) {
    domain.next_sequence = sequence + records;
    domain.have_sequence = true;
  } else {
    domain.have_sequence = false;
  }
}

}  // namespace mamori::flow::detail
