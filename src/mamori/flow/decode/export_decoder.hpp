#pragma once
// Decodes flow export datagrams — NetFlow v5, NetFlow v9, IPFIX and sFlow v5 —
// into FlowRecords. One decoder holds the template and sampling state of every
// exporter it has seen, keyed by exporter address + observation domain (or v9
// source ID), never by UDP port.
#include <cstdint>
#include <deque>
#include <memory>
#include <unordered_map>
#include <vector>

#include "mamori/core/anomaly.hpp"
#include "mamori/core/byte_reader.hpp"
#include "mamori/core/ip_address.hpp"
#include "mamori/core/time.hpp"
#include "mamori/flow/decode/flow_template.hpp"
#include "mamori/flow/decode/sflow.hpp"
#include "mamori/flow/flow_record.hpp"

namespace mamori::flow {

struct ExportDatagram {
  IpAddress exporter;      // the datagram's source address
  TimeNs received_ns = 0;  // arrival (or capture) time
  Bytes payload;
};

struct DecoderOptions {
  // Data sets whose template has not arrived yet wait this long (in datagram
  // time) and within this many bytes, then are dropped and counted.
  TimeNs pending_timeout = 60 * kNsPerSecond;
  std::size_t pending_max_bytes = 8u << 20;
  // Bounds the state an exporter can make us keep.
  std::size_t max_templates = 65536;
};

enum class ExportVersion : std::uint8_t { netflow5 = 5, netflow9 = 9, ipfix = 10, sflow5 = 11 };

// Recognises the export protocol from the first bytes of a UDP payload.
// Returns false for anything else (so captures can be told apart).
bool detect_export_version(Bytes payload, ExportVersion& version) noexcept;

struct DecoderStats {
  std::uint64_t datagrams = 0;
  std::uint64_t datagrams_by_version[4] = {};  // v5, v9, IPFIX, sFlow
  std::uint64_t flows = 0;
  std::uint64_t templates_received = 0;
  std::uint64_t options_records = 0;
  std::uint64_t non_flow_records = 0;  // e.g. NAT events: valid, but carry no flow
  std::uint64_t sequence_gaps = 0;     // exporter sequence numbers that jumped (loss upstream)
  std::uint64_t pending_sets = 0;      // data sets waiting for their template right now
  SflowStats sflow;
};

struct ExporterSummary {
  IpAddress exporter;
  std::uint32_t domain = 0;
  ExportVersion version = ExportVersion::ipfix;
  std::uint64_t datagrams = 0;
  std::uint64_t flows = 0;
  std::uint32_t default_sampling_rate = 1;
};

struct TemplateSummary {
  IpAddress exporter;
  std::uint32_t domain = 0;
  ExportVersion version = ExportVersion::ipfix;
  std::uint16_t template_id = 0;
  bool is_options = false;
  std::size_t field_count = 0;
  std::uint32_t record_length = 0;
  bool fixed_length = true;
};

class ExportDecoder {
 public:
  explicit ExportDecoder(DecoderOptions options = {});
  ExportDecoder(ExportDecoder&&) noexcept;
  ExportDecoder& operator=(ExportDecoder&&) noexcept;
  ~ExportDecoder();

  // Appends every flow in the datagram to `out`. Malformed parts are counted
  // in anomalies() and skipped; nothing here throws.
  void decode(const ExportDatagram& datagram, std::vector<FlowRecord>& out);
  // End of input: data still waiting for a template is dropped and counted.
  void finish();

  const AnomalyCounters& anomalies() const noexcept;
  const DecoderStats& stats() const noexcept;
  std::vector<ExporterSummary> exporters() const;
  std::vector<TemplateSummary> templates() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace mamori::flow
