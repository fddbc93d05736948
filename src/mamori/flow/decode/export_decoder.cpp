#include "mamori/flow/decode/export_decoder.hpp"

#include <algorithm>

#include "mamori/flow/decode/export_state.hpp"

namespace mamori::flow {

namespace detail {

DomainState& domain_state(DecoderState& state, const DomainKey& key) { return state.domains[key]; }

void install_template(DecoderState& state, const TemplateKey& key, FlowTemplate t, std::vector<FlowRecord>& out) {
  auto it = state.templates.find(key);
  if (it == state.templates.end()) {
    if (state.templates.size() >= state.options.max_templates) {
      state.anomalies.add(Anomaly::template_too_large);
      return;
    }
    it = state.templates.emplace(key, std::move(t)).first;
  } else {
    it->second = std::move(t);  // refresh or redefinition: the newest wins
  }
  if (state.pending.empty()) return;
  // Replay, in arrival order, every data set that was waiting for this template.
  const FlowTemplate& tmpl = it->second;
  DomainState& domain = domain_state(state, key.domain);
  for (auto p = state.pending.begin(); p != state.pending.end();) {
    if (p->key == key) {
      decode_data_set(state, tmpl, p->body, p->context, domain, out);
      state.pending_bytes -= p->body.size();
      p = state.pending.erase(p);
    } else {
      ++p;
    }
  }
  state.stats.pending_sets = state.pending.size();
}

void withdraw_template(DecoderState& state, const TemplateKey& key) {
  if (state.templates.erase(key) == 0) state.anomalies.add(Anomaly::template_withdrawn_unknown);
}

void expire_pending(DecoderState& state, TimeNs now) {
  while (!state.pending.empty()) {
    const PendingSet& front = state.pending.front();
    if (now < front.arrived_ns + state.options.pending_timeout) break;
    state.anomalies.add(Anomaly::data_template_timeout);
    state.pending_bytes -= front.body.size();
    state.pending.pop_front();
  }
  state.stats.pending_sets = state.pending.size();
}

std::size_t handle_data_set(DecoderState& state, const TemplateKey& key, Bytes body, const MessageContext& context,
                            TimeNs now, std::vector<FlowRecord>& out) {
  auto it = state.templates.find(key);
  if (it != state.templates.end()) {
    return decode_data_set(state, it->second, body, context, domain_state(state, key.domain), out);
  }
  state.anomalies.add(Anomaly::data_before_template);
  if (state.pending_bytes + body.size() > state.options.pending_max_bytes) {
    state.anomalies.add(Anomaly::data_buffer_full);
    return 0;
  }
  PendingSet pending;
  pending.key = key;
  pending.arrived_ns = now;
  pending.context = context;
  pending.body.assign(body.begin(), body.end());
  state.pending_bytes += pending.body.size();
  state.pending.push_back(std::move(pending));
  state.stats.pending_sets = state.pending.size();
  return 0;
}

}  // namespace detail

struct ExportDecoder::State : detail::DecoderState {};

bool detect_export_version(Bytes payload, ExportVersion& version) noexcept {
  if (payload.size() < 4) return false;
  const std::uint16_t v16 = load_be16(payload.data());
  if (v16 == 5 && payload.size() >= 24) {
    const std::uint16_t count = load_be16(payload.data() + 2);
    if (count >= 1 && count <= 30 && payload.size() >= 24u + 48u * count) {
      version = ExportVersion::netflow5;
      return true;
    }
    return false;
  }
  if (v16 == 9 && payload.size() >= 20) {
    version = ExportVersion::netflow9;
    return true;
  }
  if (v16 == 10 && payload.size() >= 16) {
    const std::uint16_t length = load_be16(payload.data() + 2);
    if (length >= 16 && length <= payload.size()) {
      version = ExportVersion::ipfix;
      return true;
    }
    return false;
  }
  if (looks_like_sflow5(payload)) {
    version = ExportVersion::sflow5;
    return true;
  }
  return false;
}

ExportDecoder::ExportDecoder(DecoderOptions options) : state_(std::make_unique<State>()) {
  state_->options = options;
}
ExportDecoder::ExportDecoder(ExportDecoder&&) noexcept = default;
ExportDecoder& ExportDecoder::operator=(ExportDecoder&&) noexcept = default;
ExportDecoder::~ExportDecoder() = default;

void ExportDecoder::decode(const ExportDatagram& d, std::vector<FlowRecord>& out) {
  auto& s = *state_;
  ++s.stats.datagrams;
  if (!s.pending.empty()) detail::expire_pending(s, d.received_ns);
  if (d.payload.size() < 4) {
    s.anomalies.add(Anomaly::export_too_short);
    return;
  }
  const std::uint16_t v16 = load_be16(d.payload.data());
  switch (v16) {
    case 5:
      ++s.stats.datagrams_by_version[0];
      detail::decode_netflow5(s, d, out);
      return;
    case 9:
      ++s.stats.datagrams_by_version[1];
      detail::decode_netflow9(s, d, out);
      return;
    case 10:
      ++s.stats.datagrams_by_version[2];
      detail::decode_ipfix(s, d, out);
      return;
    default:
      break;
  }
  if (looks_like_sflow5(d.payload)) {
    ++s.stats.datagrams_by_version[3];
    const std::size_t before = out.size();
    decode_sflow(d.payload, d.received_ns, out, s.anomalies, s.stats.sflow);
    s.stats.flows += out.size() - before;
    return;
  }
  s.anomalies.add(Anomaly::export_unknown_version);
}

void ExportDecoder::finish() {
  auto& s = *state_;
  s.anomalies.add(Anomaly::data_template_timeout, s.pending.size());
  s.pending.clear();
  s.pending_bytes = 0;
  s.stats.pending_sets = 0;
}

const AnomalyCounters& ExportDecoder::anomalies() const noexcept { return state_->anomalies; }
const DecoderStats& ExportDecoder::stats() const noexcept { return state_->stats; }

std::vector<ExporterSummary> ExportDecoder::exporters() const {
  std::vector<ExporterSummary> out;
  for (const auto& [key, d] : state_->domains) {
    out.push_back(ExporterSummary{key.exporter, key.domain, key.version, d.datagrams, d.flows,
                                  d.default_sampling_rate});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.exporter, a.domain, a.version) < std::tie(b.exporter, b.domain, b.version);
  });
  return out;
}

std::vector<TemplateSummary> ExportDecoder::templates() const {
  std::vector<TemplateSummary> out;
  for (const auto& [key, t] : state_->templates) {
    out.push_back(TemplateSummary{key.domain.exporter, key.domain.domain, key.domain.version, key.template_id,
                                  t.is_options, t.specs.size(), t.record_length, t.fixed_length});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.exporter, a.domain, a.template_id) < std::tie(b.exporter, b.domain, b.template_id);
  });
  return out;
}

}  // namespace mamori::flow
