#pragma once
// Turns input files of any supported kind into batches of FlowRecords:
// captures of export datagrams (NetFlow/IPFIX/sFlow), raw traffic captures
// (assembled into flows) and .mflow files.
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "mamori/core/anomaly.hpp"
#include "mamori/core/result.hpp"
#include "mamori/flow/assemble/flow_assembler.hpp"
#include "mamori/flow/decode/export_decoder.hpp"
#include "mamori/flow/flow_record.hpp"

namespace mamori::flow {

enum class InputKind { automatic, export_capture, traffic_capture, mflow };

Result<InputKind> parse_input_kind(std::string_view name);
std::string_view input_kind_name(InputKind kind) noexcept;

// Looks at the file's magic number and, for captures, at the first UDP
// payloads: a capture whose UDP datagrams decode as flow exports is an export
// capture, anything else is traffic.
Result<InputKind> detect_input_kind(const std::string& path);

// Receives decoded flows in batches; an error stops the reading.
using FlowBatchSink = std::function<Status(std::span<const FlowRecord>)>;

struct CaptureCounters {
  std::uint64_t packets = 0;
  std::uint64_t export_datagrams = 0;
  AnomalyCounters anomalies;  // capture-level problems (non-UDP, bad frames)
};

// Feeds every UDP datagram of an export capture to `decoder` (whose template
// state may carry over from earlier files). Does not call decoder.finish().
Status read_export_capture(const std::string& path, ExportDecoder& decoder, const FlowBatchSink& sink,
                           CaptureCounters& counters);

// Assembles a raw traffic capture into flows. Does not flush the assembler.
Status read_traffic_capture(const std::string& path, FlowAssembler& assembler, const FlowBatchSink& sink,
                            CaptureCounters& counters);

}  // namespace mamori::flow
