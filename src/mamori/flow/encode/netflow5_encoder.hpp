#pragma once
// NetFlow v5 export: IPv4 only, fixed 48-byte records, at most 30 per packet
// (fewer when the datagram limit is smaller). IPv6 flows are skipped and
// counted; 32-bit counters and 16-bit interface numbers are clamped.
#include <vector>

#include "mamori/flow/encode/flow_encoder.hpp"

namespace mamori::flow {

class Netflow5Encoder final : public FlowEncoder {
 public:
  static constexpr std::size_t kHeaderLength = 24;
  static constexpr std::size_t kRecordLength = 48;
  static constexpr std::size_t kMaxRecords = 30;

  Netflow5Encoder(const EncoderOptions& options, ExportSink& sink);

  using FlowEncoder::add;
  Status add(const FlowRecord& flow) override;
  Status flush() override;
  void announce_sampling(std::uint32_t rate) override { sampling_rate_ = rate; }

  std::size_t records_per_packet() const noexcept { return per_packet_; }
  TimeNs boot_time_ns() const noexcept { return boot_ns_; }

 private:
  std::vector<std::byte> buf_;
  std::size_t count_ = 0;
  std::size_t per_packet_;
  std::uint32_t flow_sequence_ = 0;
  std::uint32_t sampling_rate_ = 0;
};

}  // namespace mamori::flow
