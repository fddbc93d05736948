#pragma once
// NetFlow v9 (RFC 3954) export: the header carries sysUptime and UNIX
// seconds, flows carry FIRST/LAST_SWITCHED as sysUptime milliseconds, the
// sequence number counts export packets, the source ID is the observation
// domain. Templates 256/257 as in IPFIX plus ICMP_TYPE (32), which nfdump
// reads for ICMP rather than L4_DST_PORT; options template 258 (scope System)
// for SAMPLING_INTERVAL and SAMPLING_ALGORITHM.
#include <span>

#include "mamori/flow/encode/template_encoder.hpp"

namespace mamori::flow {

std::span<const TemplateField> netflow9_flow_template(bool v6) noexcept;

class Netflow9Encoder final : public TemplateEncoder {
 public:
  Netflow9Encoder(const EncoderOptions& options, ExportSink& sink)
      : TemplateEncoder(ExportProtocol::netflow9, options, sink) {}

  // The sysUptime origin (valid once a flow was added).
  TimeNs boot_time_ns() const noexcept { return boot_ns_; }

 protected:
  std::span<const TemplateField> flow_template(bool v6) const noexcept override { return netflow9_flow_template(v6); }
  std::span<const TemplateField> sampling_scope() const noexcept override;
  std::span<const TemplateField> sampling_options() const noexcept override;
  void write_record(const FlowRecord& flow, bool v6, std::byte* p) noexcept override;
  void write_sampling_record() override;
  Bytes finish_message() override;

 private:
  std::uint32_t packets_sent_ = 0;
};

}  // namespace mamori::flow
