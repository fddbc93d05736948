#pragma once
// Parses link, network and transport headers of one captured frame into the
// mechanical fields a flow keeps. Shared by the flow assembler, the sFlow
// raw-header decoder and the reader of export captures.
//
// Header walking follows softflowd so that assembled flows key the same way:
// IPv6 extension headers hop-by-hop, routing, destination options and
// fragment are skipped (AH/ESP are reported as the protocol), TCP needs its
// full 20-byte header for ports and flags, UDP its 8 bytes, ICMP two.
#include <cstdint>

#include "mamori/core/anomaly.hpp"
#include "mamori/core/byte_reader.hpp"
#include "mamori/core/ip_address.hpp"

namespace mamori::flow {

// Values are the pcap LINKTYPE_* numbers so capture headers map directly.
enum class LinkType : std::uint32_t {
  null_loopback = 0,
  ethernet = 1,
  raw_ip = 101,
  loop = 108,
  linux_sll = 113,
  ipv4 = 228,
  ipv6 = 229,
  linux_sll2 = 276,
};

bool is_supported_link_type(std::uint32_t link_type) noexcept;

struct PacketSummary {
  IpAddress src_addr;
  IpAddress dst_addr;
  std::uint32_t ip_length = 0;  // IP total length (header + payload) from the IP header
  std::uint32_t ip_offset = 0;  // bytes of link headers (incl. VLAN tags, MPLS labels) before IP
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;   // ICMP: type * 256 + code
  std::uint16_t vlan_id = 0;    // outermost 802.1Q/802.1ad VLAN ID, 0 when untagged
  std::uint8_t proto = 0;
  std::uint8_t tcp_flags = 0;
  std::uint8_t tos = 0;
  std::uint8_t ip_version = 0;
  bool is_fragment = false;        // a non-first fragment: ports are unknown
  bool is_first_fragment = false;  // offset 0 with more fragments to follow
  // Transport payload inside the captured bytes (may be shorter than on the wire).
  std::uint32_t payload_offset = 0;
  std::uint32_t payload_length = 0;
};

// Returns true and fills `out` when the frame carries IPv4/IPv6; otherwise
// returns false and sets `why`. Transport fields are best effort: an IP
// packet whose L4 header was cut by the snap length still returns true.
bool parse_packet(LinkType link, Bytes frame, PacketSummary& out, Anomaly& why) noexcept;

// Same, starting at the IP header (used for sFlow's IPv4/IPv6 header records).
// Offsets in `out` are relative to `packet`.
bool parse_ip_packet(Bytes packet, PacketSummary& out, Anomaly& why) noexcept;

}  // namespace mamori::flow
