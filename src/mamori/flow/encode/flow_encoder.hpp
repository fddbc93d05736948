#pragma once
// Turns FlowRecords into export datagrams (NetFlow v5, NetFlow v9, IPFIX) as
// a router's exporter would, and hands them to an ExportSink.
//
// Time: an encoder keeps an export clock, the latest end time of the flows it
// has been given (or later, via advance_clock()). A datagram is stamped with
// that clock rounded up to the whole second, so every record in it has ended
// by its export time and v5/v9 sysUptime arithmetic is exact to the millisecond.
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "mamori/core/result.hpp"
#include "mamori/core/time.hpp"
#include "mamori/flow/encode/export_sink.hpp"
#include "mamori/flow/flow_record.hpp"

namespace mamori::flow {

enum class ExportFormat : std::uint8_t { netflow5 = 5, netflow9 = 9, ipfix = 10 };

Result<ExportFormat> parse_export_format(std::string_view name);
std::string_view export_format_name(ExportFormat format) noexcept;
// The collector port conventionally used for the format (IPFIX 4739, NetFlow 2055).
std::uint16_t default_collector_port(ExportFormat format) noexcept;

struct EncoderOptions {
  std::size_t max_datagram = 1400;        // UDP payload bytes per datagram
  std::uint32_t observation_domain = 0;   // IPFIX domain, v9 source ID, v5 engine ID (low 8 bits)
  std::uint32_t template_refresh_packets = 20;          // resend templates every N datagrams (0: never)
  TimeNs template_refresh_ns = 60 * kNsPerSecond;       // ... or after this much export time (0: never)
  // Zero of v5/v9 sysUptime. 0 picks one hour before the first flow's start second.
  TimeNs boot_time_ns = 0;
  // IPFIX only: pad each set to a multiple of this many bytes (0: no padding).
  // v9 flowsets are always padded to 4 bytes, as RFC 3954 asks.
  std::size_t set_alignment = 0;
};

Status validate(const EncoderOptions& options, ExportFormat format);

struct EncoderStats {
  std::uint64_t datagrams = 0;
  std::uint64_t bytes = 0;             // UDP payload bytes
  std::uint64_t data_records = 0;      // flow records written
  std::uint64_t template_records = 0;  // templates and options templates (v9/IPFIX)
  std::uint64_t options_records = 0;   // options data records (sampling)
  std::uint64_t skipped = 0;           // flows the format cannot carry (IPv6 in v5, mixed families)
  std::uint64_t clamped = 0;           // flows with a counter or time that had to be clamped
};

class FlowEncoder {
 public:
  FlowEncoder(const EncoderOptions& options, ExportSink& sink) noexcept : options_(options), sink_(sink) {}
  virtual ~FlowEncoder() = default;
  FlowEncoder(const FlowEncoder&) = delete;
  FlowEncoder& operator=(const FlowEncoder&) = delete;

  virtual Status add(const FlowRecord& flow) = 0;
  Status add(std::span<const FlowRecord> flows) {
    for (const auto& f : flows) {
      if (auto ok = add(f); !ok) return ok;
    }
    return {};
  }
  // Sends the partly filled datagram, if any.
  virtual Status flush() = 0;
  // Announces 1-in-`rate` packet sampling: an options template and options
  // record (IPFIX IEs 34/305/306/35, v9 34/35) in the next datagram and with
  // every template refresh; v5 puts it in the header's sampling field.
  virtual void announce_sampling(std::uint32_t rate) = 0;

  void advance_clock(TimeNs t) noexcept {
    if (t > clock_ns_) clock_ns_ = t;
  }
  TimeNs clock() const noexcept { return clock_ns_; }
  const EncoderStats& stats() const noexcept { return stats_; }

 protected:
  // The export clock rounded up to a whole second.
  std::uint32_t export_seconds() const noexcept {
    return static_cast<std::uint32_t>((clock_ns_ + kNsPerSecond - 1) / kNsPerSecond);
  }
  Status emit(Bytes datagram, std::uint32_t export_time_s) {
    ++stats_.datagrams;
    stats_.bytes += datagram.size();
    return sink_.send(datagram, static_cast<TimeNs>(export_time_s) * kNsPerSecond);
  }
  // v5/v9: the boot time, fixed by the first flow unless configured.
  TimeNs boot_time(const FlowRecord& first) noexcept {
    if (boot_ns_ == kUnset) {
      if (options_.boot_time_ns != 0) {
        boot_ns_ = options_.boot_time_ns - options_.boot_time_ns % kNsPerMs;
      } else {
        const TimeNs second = first.start_ns - first.start_ns % kNsPerSecond;
        boot_ns_ = second > 3600 * kNsPerSecond ? second - 3600 * kNsPerSecond : 0;
      }
    }
    return boot_ns_;
  }
  // Milliseconds since boot, as v5/v9 carry flow times (wraps after 49.7 days).
  std::uint32_t uptime_ms(TimeNs t) noexcept {
    if (t < boot_ns_) {
      ++stats_.clamped;
      return 0;
    }
    return static_cast<std::uint32_t>((t - boot_ns_) / kNsPerMs);
  }

  static constexpr TimeNs kUnset = ~TimeNs{0};
  EncoderOptions options_;
  ExportSink& sink_;
  EncoderStats stats_;
  TimeNs clock_ns_ = 0;
  TimeNs boot_ns_ = kUnset;
};

// Counters to write: what the exporter saw (raw), or the scaled ones when a
// record carries no raw counts.
inline std::uint64_t exported_packets(const FlowRecord& f) noexcept { return f.raw_packets != 0 ? f.raw_packets : f.packets; }
inline std::uint64_t exported_bytes(const FlowRecord& f) noexcept { return f.raw_packets != 0 ? f.raw_bytes : f.bytes; }

Result<std::unique_ptr<FlowEncoder>> make_flow_encoder(ExportFormat format, const EncoderOptions& options,
                                                       ExportSink& sink);

}  // namespace mamori::flow
