#pragma once
// IPFIX (RFC 7011) export: templates 256 (IPv4) and 257 (IPv6) with
// flowStart/EndMilliseconds, addresses, ports, protocol, TCP flags, class of
// service, packet and octet delta counts, interfaces and flow direction; an
// options template 258 for sampling. Sequence numbers count data records.
#include <span>

#include "mamori/flow/encode/template_encoder.hpp"

namespace mamori::flow {

// The information elements of the flow templates, in record order.
std::span<const TemplateField> ipfix_flow_template(bool v6) noexcept;

class IpfixEncoder final : public TemplateEncoder {
 public:
  IpfixEncoder(const EncoderOptions& options, ExportSink& sink) : TemplateEncoder(ExportProtocol::ipfix, options, sink) {}

  // Data records sent so far (the next message's sequence number).
  std::uint32_t sequence() const noexcept { return sequence_; }

 protected:
  std::span<const TemplateField> flow_template(bool v6) const noexcept override { return ipfix_flow_template(v6); }
  std::span<const TemplateField> sampling_scope() const noexcept override;
  std::span<const TemplateField> sampling_options() const noexcept override;
  void write_record(const FlowRecord& flow, bool v6, std::byte* p) noexcept override;
  void write_sampling_record() override;
  Bytes finish_message() override;

 private:
  std::uint32_t sequence_ = 0;
};

}  // namespace mamori::flow
