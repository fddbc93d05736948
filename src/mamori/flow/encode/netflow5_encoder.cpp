#include "mamori/flow/encode/netflow5_encoder.hpp"

#include <algorithm>
#include <cstring>

namespace mamori::flow {

Netflow5Encoder::Netflow5Encoder(const EncoderOptions& options, ExportSink& sink)
    : FlowEncoder(options, sink),
      per_packet_(std::clamp<std::size_t>((options.max_datagram - kHeaderLength) / kRecordLength, 1, kMaxRecords)) {
  buf_.resize(kHeaderLength + kMaxRecords * kRecordLength);
}

Status Netflow5Encoder::add(const FlowRecord& f) {
  if (!f.src_addr.is_v4() || !f.dst_addr.is_v4()) {
    ++stats_.skipped;
    return {};
  }
  advance_clock(f.end_ns);
  boot_time(f);
  std::byte* p = buf_.data() + kHeaderLength + count_ * kRecordLength;
  std::memset(p, 0, kRecordLength);
  const std::uint64_t packets = exported_packets(f);
  const std::uint64_t bytes = exported_bytes(f);
  bool clamped = packets > 0xffffffffULL || bytes > 0xffffffffULL || f.input_if > 0xffff || f.output_if > 0xffff;
  store_be32(p, f.src_addr.v4_value());
  store_be32(p + 4, f.dst_addr.v4_value());
  // p + 8: next hop, unknown
  store_be16(p + 12, static_cast<std::uint16_t>(std::min<std::uint32_t>(f.input_if, 0xffff)));
  store_be16(p + 14, static_cast<std::uint16_t>(std::min<std::uint32_t>(f.output_if, 0xffff)));
  store_be32(p + 16, static_cast<std::uint32_t>(std::min<std::uint64_t>(packets, 0xffffffffULL)));
  store_be32(p + 20, static_cast<std::uint32_t>(std::min<std::uint64_t>(bytes, 0xffffffffULL)));
  store_be32(p + 24, uptime_ms(f.start_ns));
  store_be32(p + 28, uptime_ms(f.end_ns));
  store_be16(p + 32, f.src_port);
  store_be16(p + 34, f.dst_port);
  p[37] = std::byte{f.tcp_flags};
  p[38] = std::byte{f.proto};
  p[39] = std::byte{f.tos};
  // AS numbers and masks (p + 40..45) are unknown to the simulator: zero.
  if (clamped) ++stats_.clamped;
  ++stats_.data_records;
  if (++count_ == per_packet_) return flush();
  return {};
}

Status Netflow5Encoder::flush() {
  if (count_ == 0) return {};
  const std::uint32_t secs = export_seconds();
  std::byte* h = buf_.data();
  store_be16(h, 5);
  store_be16(h + 2, static_cast<std::uint16_t>(count_));
  store_be32(h + 4, static_cast<std::uint32_t>((static_cast<TimeNs>(secs) * kNsPerSecond - boot_ns_) / kNsPerMs));
  store_be32(h + 8, secs);
  store_be32(h + 12, 0);  // unix_nsecs: whole seconds keep the uptime arithmetic exact
  store_be32(h + 16, flow_sequence_);
  h[20] = std::byte{0};  // engine type
  h[21] = std::byte{static_cast<std::uint8_t>(options_.observation_domain & 0xff)};
  // Two bits of mode (01: packet interval) and fourteen of interval.
  const std::uint16_t sampling =
      sampling_rate_ > 1 ? static_cast<std::uint16_t>(0x4000 | std::min<std::uint32_t>(sampling_rate_, 0x3fff)) : 0;
  store_be16(h + 22, sampling);
  const std::size_t length = kHeaderLength + count_ * kRecordLength;
  flow_sequence_ += static_cast<std::uint32_t>(count_);
  count_ = 0;
  return emit(Bytes(buf_.data(), length), secs);
}

}  // namespace mamori::flow
