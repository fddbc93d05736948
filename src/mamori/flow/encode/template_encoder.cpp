#include "mamori/flow/encode/template_encoder.hpp"

namespace mamori::flow {

TemplateEncoder::TemplateEncoder(ExportProtocol protocol, const EncoderOptions& options, ExportSink& sink)
    : FlowEncoder(options, sink), builder_(protocol) {}

std::size_t TemplateEncoder::alignment() const noexcept {
  return builder_.template_set_id() == 0 ? 4 : options_.set_alignment;
}

std::size_t TemplateEncoder::record_length(bool v6) noexcept {
  std::size_t& cached = record_length_[v6 ? 1 : 0];
  if (cached == 0) {
    for (const auto& f : flow_template(v6)) cached += f.length;
  }
  return cached;
}

void TemplateEncoder::announce_sampling(std::uint32_t rate) {
  sampling_rate_ = rate;
  options_due_ = rate != 0;
  // The options template must precede its data: send templates with it.
  first_templates_sent_ = false;
}

Status TemplateEncoder::start_message() {
  builder_.begin();
  message_data_records_ = 0;
  const bool refresh_by_count =
      options_.template_refresh_packets != 0 && messages_since_templates_ >= options_.template_refresh_packets;
  const bool refresh_by_time =
      options_.template_refresh_ns != 0 && clock_ns_ >= templates_sent_at_ + options_.template_refresh_ns;
  if (!first_templates_sent_ || refresh_by_count || refresh_by_time) {
    builder_.begin_set(builder_.template_set_id());
    builder_.add_template(kTemplateIpv4, flow_template(false));
    builder_.add_template(kTemplateIpv6, flow_template(true));
    builder_.end_set(alignment());
    stats_.template_records += 2;
    if (sampling_rate_ != 0) {
      builder_.begin_set(builder_.options_template_set_id());
      builder_.add_options_template(kTemplateSampling, sampling_scope(), sampling_options());
      builder_.end_set(alignment());
      ++stats_.template_records;
      options_due_ = true;
    }
    first_templates_sent_ = true;
    messages_since_templates_ = 0;
    templates_sent_at_ = clock_ns_;
  }
  if (options_due_ && sampling_rate_ != 0) {
    builder_.begin_set(kTemplateSampling);
    write_sampling_record();
    builder_.end_record();
    builder_.end_set(alignment());
    ++stats_.options_records;
    ++message_data_records_;
    options_due_ = false;
  }
  open_ = true;
  return {};
}

Status TemplateEncoder::add(const FlowRecord& flow) {
  const bool v6 = !flow.src_addr.is_v4();
  if (v6 == flow.dst_addr.is_v4()) {  // mixed families fit no template
    ++stats_.skipped;
    return {};
  }
  advance_clock(flow.end_ns);
  const std::uint16_t tid = v6 ? kTemplateIpv6 : kTemplateIpv4;
  const std::size_t length = record_length(v6);
  const std::size_t pad = alignment() > 1 ? alignment() - 1 : 0;
  if (!open_) {
    if (auto ok = start_message(); !ok) return ok;
  }
  const std::size_t set_header = builder_.open_set_id() == tid ? 0 : 4;
  // Room for the record, a new set header and the worst-case padding of the open and the new set.
  if (builder_.size() + length + set_header + 2 * pad > options_.max_datagram && message_data_records_ > 0) {
    if (auto ok = flush(); !ok) return ok;
    if (auto ok = start_message(); !ok) return ok;
  }
  if (builder_.open_set_id() != tid) {
    builder_.end_set(alignment());
    builder_.begin_set(tid);
  }
  write_record(flow, v6, builder_.claim(length));
  builder_.end_record();
  ++message_data_records_;
  ++stats_.data_records;
  return {};
}

Status TemplateEncoder::flush() {
  if (!open_) return {};
  open_ = false;
  builder_.end_set(alignment());
  const Bytes message = finish_message();
  ++messages_since_templates_;
  return emit(message, export_seconds());
}

}  // namespace mamori::flow
