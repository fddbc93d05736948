#pragma once
// IP-level packet size bounds the model and the packet synthesiser agree on:
// a flow of P packets carries between P * minimum and P * maximum bytes.
#include <cstdint>

#include "mamori/flow/flow_record.hpp"

namespace mamori::flow::sim {

// Ethernet MTU: no simulated packet is larger.
inline constexpr std::uint32_t kMaxIpPacket = 1500;

// The smallest IP packet of a protocol: IP header plus a bare transport header
// (TCP 20, UDP 8, ICMP/ICMPv6 echo 8).
constexpr std::uint32_t min_ip_packet(std::uint8_t proto, bool v6) noexcept {
  const std::uint32_t ip = v6 ? 40 : 20;
  switch (proto) {
    case kProtoTcp: return ip + 20;
    case kProtoUdp:
    case kProtoIcmp:
    case kProtoIcmpV6: return ip + 8;
    default: return ip;
  }
}

}  // namespace mamori::flow::sim
