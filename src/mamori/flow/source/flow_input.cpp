#include "mamori/flow/source/flow_input.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "mamori/flow/capture/pcap_file.hpp"
#include "mamori/flow/mflow/mflow_format.hpp"
#include "mamori/flow/packet/packet_parser.hpp"

namespace mamori::flow {

namespace {

constexpr std::size_t kBatchSize = 8192;
constexpr int kSniffPackets = 16;

Status flush_batch(std::vector<FlowRecord>& batch, const FlowBatchSink& sink) {
  if (batch.empty()) return {};
  auto status = sink(batch);
  batch.clear();
  return status;
}

}  // namespace

Result<InputKind> parse_input_kind(std::string_view name) {
  if (name == "auto") return InputKind::automatic;
  if (name == "export") return InputKind::export_capture;
  if (name == "traffic") return InputKind::traffic_capture;
  if (name == "mflow") return InputKind::mflow;
  return fail(Errc::invalid_argument, "unknown input kind '{}' (use auto, export, traffic or mflow)", name);
}

std::string_view input_kind_name(InputKind kind) noexcept {
  switch (kind) {
    case InputKind::automatic: return "auto";
    case InputKind::export_capture: return "export";
    case InputKind::traffic_capture: return "traffic";
    case InputKind::mflow: return "mflow";
  }
  return "?";
}

Result<InputKind> detect_input_kind(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return fail(Errc::io_error, "{}: cannot open: {}", path, std::strerror(errno));
  std::byte head[8] = {};
  const std::size_t n = std::fread(head, 1, sizeof head, f);
  std::fclose(f);
  if (n >= mflow::kFileMagic.size() && std::memcmp(head, mflow::kFileMagic.data(), mflow::kFileMagic.size()) == 0) {
    return InputKind::mflow;
  }
  if (!looks_like_capture(Bytes(head, n))) {
    return fail(Errc::unsupported, "{}: neither a pcap/pcapng capture nor an .mflow file", path);
  }
  auto capture = PcapFile::open(path);
  if (!capture) return tl::unexpected(capture.error());
  CapturedPacket packet;
  int udp = 0, exports = 0;
  for (int i = 0; i < kSniffPackets; ++i) {
    auto more = capture->next(packet);
    if (!more || !*more) break;
    PacketSummary summary;
    Anomaly why{};
    if (!parse_packet(static_cast<LinkType>(capture->link_type()), packet.data, summary, why)) continue;
    if (summary.proto != kProtoUdp || summary.is_fragment) continue;
    ++udp;
    ExportVersion version;
    if (detect_export_version(packet.data.subspan(summary.payload_offset, summary.payload_length), version)) {
      ++exports;
    }
  }
  // Mostly export datagrams means an exporter's output; a traffic capture may
  // hold the odd NetFlow packet among everything else.
  if (exports > 0 && exports * 2 >= udp) return InputKind::export_capture;
  return InputKind::traffic_capture;
}

namespace {

// Runs `on_packet(link, packet, batch)` over every packet of a capture and
// hands the flows it appends to `sink` in batches. A damaged capture ends the
// loop with its error, after the flows decoded before the damage are delivered.
template <class OnPacket>
Status for_each_packet(const std::string& path, const FlowBatchSink& sink, CaptureCounters& counters,
                       OnPacket&& on_packet) {
  auto capture = PcapFile::open(path);
  if (!capture) return tl::unexpected(capture.error());
  if (!is_supported_link_type(capture->link_type())) {
    return fail(Errc::unsupported, "{}: capture link type {} is not supported", path, capture->link_type());
  }
  const auto link = static_cast<LinkType>(capture->link_type());
  std::vector<FlowRecord> batch;
  batch.reserve(kBatchSize + 1024);
  CapturedPacket packet;
  for (;;) {
    auto more = capture->next(packet);
    if (!more) {
      if (auto s = flush_batch(batch, sink); !s) return s;
      return tl::unexpected(more.error());
    }
    if (!*more) break;
    ++counters.packets;
    on_packet(link, packet, batch);
    if (batch.size() >= kBatchSize) {
      if (auto s = flush_batch(batch, sink); !s) return s;
    }
  }
  return flush_batch(batch, sink);
}

}  // namespace

Status read_export_capture(const std::string& path, ExportDecoder& decoder, const FlowBatchSink& sink,
                           CaptureCounters& counters) {
  PacketSummary summary;
  return for_each_packet(path, sink, counters, [&](LinkType link, const CapturedPacket& packet,
                                                   std::vector<FlowRecord>& batch) {
    Anomaly why{};
    if (!parse_packet(link, packet.data, summary, why)) {
      counters.anomalies.add(why);
      return;
    }
    if (summary.proto != kProtoUdp || summary.is_fragment) {
      counters.anomalies.add(Anomaly::capture_non_udp);
      return;
    }
    ++counters.export_datagrams;
    decoder.decode(ExportDatagram{summary.src_addr, packet.timestamp_ns,
                                  packet.data.subspan(summary.payload_offset, summary.payload_length)},
                   batch);
  });
}

Status read_traffic_capture(const std::string& path, FlowAssembler& assembler, const FlowBatchSink& sink,
                            CaptureCounters& counters) {
  return for_each_packet(path, sink, counters,
                         [&](LinkType link, const CapturedPacket& packet, std::vector<FlowRecord>& batch) {
                           assembler.add_frame(link, packet, batch);
                         });
}

}  // namespace mamori::flow
