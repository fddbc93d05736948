#pragma once
// Internal state of ExportDecoder shared by the NetFlow v5, v9 and IPFIX
// decoders: templates, per-domain sampling and clocks, pending data sets.
#include <cstdint>
#include <deque>
#include <unordered_map>
#include <vector>

#include "mamori/flow/decode/export_decoder.hpp"

namespace mamori::flow::detail {

struct DomainKey {
  IpAddress exporter;
  std::uint32_t domain = 0;
  ExportVersion version = ExportVersion::ipfix;
  friend bool operator==(const DomainKey&, const DomainKey&) = default;
};

struct TemplateKey {
  DomainKey domain;
  std::uint16_t template_id = 0;
  friend bool operator==(const TemplateKey&, const TemplateKey&) = default;
};

struct DomainKeyHash {
  std::size_t operator()(const DomainKey& k) const noexcept {
    return IpAddressHash{}(k.exporter) ^ (static_cast<std::size_t>(k.domain) * 0x9e3779b97f4a7c15ULL) ^
           static_cast<std::size_t>(k.version);
  }
};

struct TemplateKeyHash {
  std::size_t operator()(const TemplateKey& k) const noexcept {
    return DomainKeyHash{}(k.domain) ^ (static_cast<std::size_t>(k.template_id) << 40);
  }
};

struct DomainState {
  std::uint64_t datagrams = 0;
  std::uint64_t flows = 0;
  std::uint32_t default_sampling_rate = 1;
  std::unordered_map<std::uint64_t, std::uint32_t> sampler_rates;  // sampler/selector ID -> 1 in N
  std::uint64_t system_init_ms = 0;  // IPFIX: from options (IE 160), base of sysUpTime fields
  bool have_system_init = false;
  std::uint32_t next_sequence = 0;
  bool have_sequence = false;
};

// What a data record needs from its message header.
struct MessageContext {
  IpAddress exporter;
  std::uint32_t domain = 0;
  ExportVersion version = ExportVersion::ipfix;
  std::uint64_t export_ms = 0;  // message export time, ms since the epoch
  std::uint32_t sys_uptime_ms = 0;  // v9 only
};

struct PendingSet {
  TemplateKey key;
  TimeNs arrived_ns = 0;
  MessageContext context;
  std::vector<std::byte> body;
};

struct DecoderState {
  DecoderOptions options;
  AnomalyCounters anomalies;
  DecoderStats stats;
  std::unordered_map<TemplateKey, FlowTemplate, TemplateKeyHash> templates;
  std::unordered_map<DomainKey, DomainState, DomainKeyHash> domains;
  std::deque<PendingSet> pending;
  std::size_t pending_bytes = 0;
};

// Decodes the data records of one set with template `t`; options templates
// update `domain` (sampling, clocks) instead of producing flows. Returns the
// number of data records read.
std::size_t decode_data_set(DecoderState& state, const FlowTemplate& t, Bytes body, const MessageContext& context,
                     DomainState& domain, std::vector<FlowRecord>& out);

// Converts a sysUpTime-relative timestamp: v9 against the message header's
// uptime, IPFIX against the exporter's systemInitTimeMilliseconds (options).
TimeNs uptime_to_ns(std::uint32_t uptime_ms, const MessageContext& context, const DomainState& domain,
                    TimeNs export_ns) noexcept;

void decode_netflow5(DecoderState& state, const ExportDatagram& datagram, std::vector<FlowRecord>& out);
void decode_netflow9(DecoderState& state, const ExportDatagram& datagram, std::vector<FlowRecord>& out);
void decode_ipfix(DecoderState& state, const ExportDatagram& datagram, std::vector<FlowRecord>& out);

// Stores a template (replacing any older one) and replays data sets that were waiting for it.
void install_template(DecoderState& state, const TemplateKey& key, FlowTemplate t, std::vector<FlowRecord>& out);
void withdraw_template(DecoderState& state, const TemplateKey& key);
// Routes a data set to its template, or parks it until the template arrives.
// Returns the number of data records decoded now.
std::size_t handle_data_set(DecoderState& state, const TemplateKey& key, Bytes body, const MessageContext& context,
                     TimeNs now, std::vector<FlowRecord>& out);
void expire_pending(DecoderState& state, TimeNs now);
DomainState& domain_state(DecoderState& state, const DomainKey& key);

}  // namespace mamori::flow::detail
