#pragma once
// What NetFlow v9 and IPFIX encoders share: a message under construction,
// templates sent first and refreshed, one data set per run of same-family
// records, and sampling options. The subclasses supply templates, record
// layout and header.
#include <span>

#include "mamori/flow/encode/flow_encoder.hpp"
#include "mamori/flow/encode/message_builder.hpp"

namespace mamori::flow {

// Template IDs both formats use.
inline constexpr std::uint16_t kTemplateIpv4 = 256;
inline constexpr std::uint16_t kTemplateIpv6 = 257;
inline constexpr std::uint16_t kTemplateSampling = 258;

class TemplateEncoder : public FlowEncoder {
 public:
  using FlowEncoder::add;
  Status add(const FlowRecord& flow) override;
  Status flush() override;
  void announce_sampling(std::uint32_t rate) override;

 protected:
  TemplateEncoder(ExportProtocol protocol, const EncoderOptions& options, ExportSink& sink);

  virtual std::span<const TemplateField> flow_template(bool v6) const noexcept = 0;
  virtual std::span<const TemplateField> sampling_scope() const noexcept = 0;
  virtual std::span<const TemplateField> sampling_options() const noexcept = 0;
  // Writes one data record of exactly record_length(v6) bytes at `p`.
  virtual void write_record(const FlowRecord& flow, bool v6, std::byte* p) noexcept = 0;
  virtual void write_sampling_record() = 0;
  virtual Bytes finish_message() = 0;  // fills the header; updates sequence state
  std::size_t alignment() const noexcept;

  MessageBuilder builder_;
  std::uint32_t sampling_rate_ = 0;
  std::uint32_t message_data_records_ = 0;  // flow and options records in the open message

 private:
  Status start_message();
  std::size_t record_length(bool v6) noexcept;

  bool open_ = false;
  bool first_templates_sent_ = false;
  bool options_due_ = false;
  std::uint32_t messages_since_templates_ = 0;
  TimeNs templates_sent_at_ = 0;
  std::size_t record_length_[2] = {0, 0};
};

}  // namespace mamori::flow
