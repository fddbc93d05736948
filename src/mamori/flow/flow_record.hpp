#pragma once
// The one flow value type every stage passes around. Plain data, sized
// integers, no ownership: decoders fill it, selectors strip it, stores copy it.
#include <cstdint>

#include "mamori/core/ip_address.hpp"
#include "mamori/core/time.hpp"

namespace mamori::flow {

enum class Direction : std::uint8_t { unknown = 0, ingress = 1, egress = 2 };

// Which ends of a flow are domestic, as the sensor's selection decided it.
// Pseudonymised addresses no longer say where they are, so detectors read it here.
enum class Locality : std::uint8_t {
  unknown = 0,
  domestic_to_foreign = 1,
  foreign_to_domestic = 2,
  foreign_to_foreign = 3,
  domestic_to_domestic = 4,
};

enum class FlowSource : std::uint8_t {
  unknown = 0,
  netflow5 = 5,
  netflow9 = 9,
  ipfix = 10,
  sflow5 = 11,
  capture = 20,  // assembled from raw packets
  simulated = 30,
};

struct FlowRecord {
  TimeNs start_ns = 0;
  TimeNs end_ns = 0;
  IpAddress src_addr;
  IpAddress dst_addr;
  // Counters scaled by the sampling rate (an estimate of the real traffic) ...
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  // ... and exactly as the exporter reported them.
  std::uint64_t raw_packets = 0;
  std::uint64_t raw_bytes = 0;
  IpAddress exporter;
  std::uint32_t observation_domain = 0;  // IPFIX domain, v9 source ID, sFlow sub-agent
  std::uint32_t sampling_rate = 1;       // 1 in N packets; 1 when unsampled or unknown
  std::uint32_t input_if = 0;
  std::uint32_t output_if = 0;
  std::uint16_t src_port = 0;
  // For ICMP/ICMPv6 this holds type * 256 + code, as nfdump does.
  std::uint16_t dst_port = 0;
  std::uint8_t proto = 0;
  std::uint8_t tcp_flags = 0;  // cumulative OR of the flow's TCP flags
  std::uint8_t tos = 0;
  Direction direction = Direction::unknown;
  FlowSource source = FlowSource::unknown;
  Locality locality = Locality::unknown;

  bool is_v4() const noexcept { return src_addr.is_v4(); }
  TimeNs duration_ns() const noexcept { return end_ns > start_ns ? end_ns - start_ns : 0; }

  friend bool operator==(const FlowRecord&, const FlowRecord&) = default;
};

inline constexpr std::uint8_t kProtoIcmp = 1;
inline constexpr std::uint8_t kProtoTcp = 6;
inline constexpr std::uint8_t kProtoUdp = 17;
inline constexpr std::uint8_t kProtoIcmpV6 = 58;

inline bool is_icmp(std::uint8_t proto) noexcept { return proto == kProtoIcmp || proto == kProtoIcmpV6; }

}  // namespace mamori::flow
