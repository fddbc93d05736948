#include "mamori/flow/encode/message_builder.hpp"

#include <cstring>

namespace mamori::flow {

void MessageBuilder::begin() {
  buf_.clear();
  buf_.resize(header_length(protocol_));
  set_start_ = kNoSet;
  open_set_id_ = 0;
  records_ = 0;
}

void MessageBuilder::begin_set(std::uint16_t set_id) {
  if (set_open()) end_set(protocol_ == ExportProtocol::netflow9 ? 4 : 0);
  set_start_ = buf_.size();
  open_set_id_ = set_id;
  std::byte* p = claim(4);
  store_be16(p, set_id);
  store_be16(p + 2, 0);
}

std::size_t MessageBuilder::end_set(std::size_t alignment) {
  if (!set_open()) return 0;
  std::size_t length = buf_.size() - set_start_;
  std::size_t padding = 0;
  if (alignment > 1 && length % alignment != 0) {
    padding = alignment - length % alignment;
    std::memset(claim(padding), 0, padding);
    length += padding;
  }
  store_be16(buf_.data() + set_start_ + 2, static_cast<std::uint16_t>(length));
  set_start_ = kNoSet;
  open_set_id_ = 0;
  return padding;
}

std::size_t MessageBuilder::template_record_length(std::span<const TemplateField> fields) noexcept {
  std::size_t n = 4;
  for (const auto& f : fields) n += f.enterprise != 0 ? 8 : 4;
  return n;
}

namespace {
void put_field(MessageBuilder& b, const TemplateField& f) {
  if (f.enterprise != 0) {
    b.put_u16(static_cast<std::uint16_t>(f.id | 0x8000));
    b.put_u16(f.length);
    b.put_u32(f.enterprise);
  } else {
    b.put_u16(f.id);
    b.put_u16(f.length);
  }
}
}  // namespace

void MessageBuilder::add_template(std::uint16_t template_id, std::span<const TemplateField> fields) {
  put_u16(template_id);
  put_u16(static_cast<std::uint16_t>(fields.size()));
  for (const auto& f : fields) put_field(*this, f);
  end_record();
}

void MessageBuilder::add_options_template(std::uint16_t template_id, std::span<const TemplateField> scope_fields,
                                          std::span<const TemplateField> option_fields) {
  put_u16(template_id);
  if (protocol_ == ExportProtocol::ipfix) {
    put_u16(static_cast<std::uint16_t>(scope_fields.size() + option_fields.size()));
    put_u16(static_cast<std::uint16_t>(scope_fields.size()));
  } else {
    // v9 gives the byte lengths of the scope and option field lists.
    put_u16(static_cast<std::uint16_t>(scope_fields.size() * 4));
    put_u16(static_cast<std::uint16_t>(option_fields.size() * 4));
  }
  for (const auto& f : scope_fields) put_field(*this, f);
  for (const auto& f : option_fields) put_field(*this, f);
  end_record();
}

void MessageBuilder::add_template_withdrawal(std::uint16_t template_id) {
  put_u16(template_id);
  put_u16(0);
  end_record();
}

void MessageBuilder::put_address(const IpAddress& a, bool as_v6) {
  if (!as_v6) {
    put_u32(a.v4_value());
  } else {
    put_u64(a.hi());
    put_u64(a.lo());
  }
}

void MessageBuilder::put_bytes(Bytes b) {
  if (!b.empty()) std::memcpy(claim(b.size()), b.data(), b.size());
}

void MessageBuilder::put_varlen(Bytes b) {
  if (b.size() < 255) {
    put_u8(static_cast<std::uint8_t>(b.size()));
  } else {
    put_u8(255);
    put_u16(static_cast<std::uint16_t>(b.size()));
  }
  put_bytes(b);
}

Bytes MessageBuilder::finish_ipfix(std::uint32_t export_time_s, std::uint32_t sequence, std::uint32_t domain) {
  if (set_open()) end_set(0);
  std::byte* h = buf_.data();
  store_be16(h, 10);
  store_be16(h + 2, static_cast<std::uint16_t>(buf_.size()));
  store_be32(h + 4, export_time_s);
  store_be32(h + 8, sequence);
  store_be32(h + 12, domain);
  return {buf_.data(), buf_.size()};
}

Bytes MessageBuilder::finish_netflow9(std::uint32_t sys_uptime_ms, std::uint32_t unix_secs, std::uint32_t sequence,
                                      std::uint32_t source_id) {
  if (set_open()) end_set(4);
  std::byte* h = buf_.data();
  store_be16(h, 9);
  store_be16(h + 2, records_);
  store_be32(h + 4, sys_uptime_ms);
  store_be32(h + 8, unix_secs);
  store_be32(h + 12, sequence);
  store_be32(h + 16, source_id);
  return {buf_.data(), buf_.size()};
}

}  // namespace mamori::flow
