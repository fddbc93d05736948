#pragma once
// Malformed input is never fatal: each problem is counted under a named reason
// (like Zeek's "weirds") and the offending packet or record is skipped.
#include <array>
#include <cstdint>
#include <string_view>

namespace mamori {

#define MAMORI_ANOMALIES(X)                                                          \
  X(export_too_short, "export packet shorter than its header")                       \
  X(export_unknown_version, "UDP payload is not NetFlow v5/v9, IPFIX or sFlow v5")   \
  X(export_length_mismatch, "header length disagrees with the datagram")             \
  X(nf5_bad_count, "NetFlow v5 record count does not fit the datagram")              \
  X(set_too_short, "v9/IPFIX set header or length too short")                        \
  X(set_overruns_packet, "v9/IPFIX set runs past the end of the packet")             \
  X(template_malformed, "template record malformed or truncated")                    \
  X(template_too_large, "template exceeds field or size limits")                     \
  X(template_withdrawn_unknown, "withdrawal of a template never seen")               \
  X(data_before_template, "data set arrived before its template (buffered)")         \
  X(data_template_timeout, "buffered data set dropped: template never arrived")      \
  X(data_buffer_full, "data set dropped: pending buffer full")                       \
  X(record_truncated, "data record truncated")                                       \
  X(varlen_overrun, "variable-length field runs past the record")                    \
  X(record_no_addresses, "data record without source/destination address")           \
  X(set_reserved_id, "set with a reserved set ID")                                   \
  X(options_malformed, "options data record malformed")                              \
  X(sflow_bad_header, "sFlow datagram header malformed")                             \
  X(sflow_bad_sample, "sFlow sample malformed or overruns datagram")                 \
  X(sflow_bad_record, "sFlow flow record malformed")                                 \
  X(sflow_counter_sample, "sFlow counter sample (counted, skipped)")                 \
  X(sflow_no_header, "sFlow flow sample without a decodable packet header")          \
  X(packet_truncated, "captured packet shorter than its headers")                    \
  X(packet_not_ip, "captured frame is not IPv4/IPv6")                                \
  X(packet_bad_ip, "IP header malformed")                                            \
  X(packet_fragment, "non-first IP fragment (no ports)")                             \
  X(capture_unsupported_link, "capture link type not supported")                     \
  X(capture_non_udp, "packet in an export capture is not UDP")                       \
  X(flow_table_full, "flow table full: flow expired early")

enum class Anomaly : std::uint8_t {
#define MAMORI_ANOMALY_ENUM(name, text) name,
  MAMORI_ANOMALIES(MAMORI_ANOMALY_ENUM)
#undef MAMORI_ANOMALY_ENUM
      count_
};

inline constexpr std::size_t kAnomalyCount = static_cast<std::size_t>(Anomaly::count_);

std::string_view anomaly_name(Anomaly a) noexcept;
std::string_view anomaly_description(Anomaly a) noexcept;

class AnomalyCounters {
 public:
  void add(Anomaly a, std::uint64_t n = 1) noexcept { counts_[static_cast<std::size_t>(a)] += n; }
  std::uint64_t get(Anomaly a) const noexcept { return counts_[static_cast<std::size_t>(a)]; }
  std::uint64_t total() const noexcept;
  void merge(const AnomalyCounters& other) noexcept;
  // Visits every non-zero counter in declaration order.
  template <class F>
  void for_each_nonzero(F&& f) const {
    for (std::size_t i = 0; i < kAnomalyCount; ++i)
      if (counts_[i] != 0) f(static_cast<Anomaly>(i), counts_[i]);
  }

 private:
  std::array<std::uint64_t, kAnomalyCount> counts_{};
};

}  // namespace mamori
