#pragma once
// Low-level writer of NetFlow v9 and IPFIX messages: header, (options)
// template sets and data sets, with padding. The flow encoders use it, and so
// do decoder tests that need messages the encoders never send (enterprise
// fields, variable-length fields, odd padding, withdrawn templates).
#include <cstdint>
#include <span>
#include <vector>

#include "mamori/core/byte_reader.hpp"
#include "mamori/core/ip_address.hpp"

namespace mamori::flow {

enum class ExportProtocol : std::uint16_t { netflow9 = 9, ipfix = 10 };

// A field specifier. `enterprise` != 0 makes an IPFIX enterprise-specific
// field (v9 has none); length 0xffff is IPFIX variable length.
struct TemplateField {
  std::uint16_t id = 0;
  std::uint16_t length = 0;
  std::uint32_t enterprise = 0;
};

inline constexpr std::uint16_t kVariableLength = 0xffff;

class MessageBuilder {
 public:
  explicit MessageBuilder(ExportProtocol protocol) noexcept : protocol_(protocol) {}

  // Starts a message: clears the buffer and reserves the header.
  void begin();
  static constexpr std::size_t header_length(ExportProtocol p) noexcept { return p == ExportProtocol::ipfix ? 16 : 20; }
  std::size_t size() const noexcept { return buf_.size(); }
  bool empty_body() const noexcept { return buf_.size() <= header_length(protocol_); }

  // Sets: template (IPFIX 2, v9 0), options template (IPFIX 3, v9 1), or data (>= 256).
  std::uint16_t template_set_id() const noexcept { return protocol_ == ExportProtocol::ipfix ? 2 : 0; }
  std::uint16_t options_template_set_id() const noexcept { return protocol_ == ExportProtocol::ipfix ? 3 : 1; }
  void begin_set(std::uint16_t set_id);
  // Closes the open set, padding it with zeros to a multiple of `alignment`
  // (0 or 1: no padding). Returns the padding added.
  std::size_t end_set(std::size_t alignment = 0);
  bool set_open() const noexcept { return set_start_ != kNoSet; }
  std::uint16_t open_set_id() const noexcept { return open_set_id_; }

  // Inside a template set.
  void add_template(std::uint16_t template_id, std::span<const TemplateField> fields);
  // Inside an options template set. IPFIX counts scope *fields*; v9 lists scope
  // fields (scope type, length) and then option fields.
  void add_options_template(std::uint16_t template_id, std::span<const TemplateField> scope_fields,
                            std::span<const TemplateField> option_fields);
  // A template record with no fields: withdraws the template (IPFIX over reliable transports).
  void add_template_withdrawal(std::uint16_t template_id);
  static std::size_t template_record_length(std::span<const TemplateField> fields) noexcept;

  // Data record fields, in template order. end_record() counts the record.
  std::byte* claim(std::size_t n) {
    const std::size_t at = buf_.size();
    buf_.resize(at + n);
    return buf_.data() + at;
  }
  void put_u8(std::uint8_t v) { *claim(1) = std::byte{v}; }
  void put_u16(std::uint16_t v) { store_be16(claim(2), v); }
  void put_u32(std::uint32_t v) { store_be32(claim(4), v); }
  void put_u64(std::uint64_t v) { store_be64(claim(8), v); }
  // 4 bytes for IPv4, 16 for IPv6 (IPv4 is written in its mapped form then).
  void put_address(const IpAddress& a, bool as_v6);
  void put_bytes(Bytes b);
  // RFC 7011 §7 variable-length encoding: a one-byte length, or 255 and two bytes.
  void put_varlen(Bytes b);
  void end_record() noexcept { ++records_; }

  // Records (template, options template and data) added since begin(): v9's header count.
  std::uint16_t records() const noexcept { return records_; }

  // Closes any open set (unpadded for IPFIX, padded to 4 for v9), fills in the
  // header and returns the message.
  Bytes finish_ipfix(std::uint32_t export_time_s, std::uint32_t sequence, std::uint32_t domain);
  Bytes finish_netflow9(std::uint32_t sys_uptime_ms, std::uint32_t unix_secs, std::uint32_t sequence,
                        std::uint32_t source_id);

 private:
  static constexpr std::size_t kNoSet = ~std::size_t{0};
  ExportProtocol protocol_;
  std::vector<std::byte> buf_;
  std::size_t set_start_ = kNoSet;
  std::uint16_t open_set_id_ = 0;
  std::uint16_t records_ = 0;
};

}  // namespace mamori::flow
