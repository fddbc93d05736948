#include "mamori/flow/packet/packet_parser.hpp"

#include "mamori/flow/flow_record.hpp"

namespace mamori::flow {

namespace {

constexpr std::uint16_t kEtherIPv4 = 0x0800;
constexpr std::uint16_t kEtherIPv6 = 0x86dd;
constexpr std::uint16_t kEtherVlan = 0x8100;
constexpr std::uint16_t kEtherQinQ = 0x88a8;
constexpr std::uint16_t kEtherQinQOld = 0x9100;
constexpr std::uint16_t kEtherMplsUnicast = 0x8847;
constexpr std::uint16_t kEtherMplsMulticast = 0x8848;

void parse_transport(const std::byte* l4, std::size_t avail, PacketSummary& out) noexcept {
  switch (out.proto) {
    case kProtoTcp:
      if (avail >= 14) {
        out.src_port = load_be16(l4);
        out.dst_port = load_be16(l4 + 2);
        out.tcp_flags = load_u8(l4 + 13);
        std::size_t hl = static_cast<std::size_t>(load_u8(l4 + 12) >> 4) * 4;
        if (hl >= 20 && hl <= avail) {
          out.payload_offset += static_cast<std::uint32_t>(hl);
          out.payload_length = static_cast<std::uint32_t>(avail - hl);
          return;
        }
      }
      break;
    case kProtoUdp:
      if (avail >= 8) {
        out.src_port = load_be16(l4);
        out.dst_port = load_be16(l4 + 2);
        out.payload_offset += 8;
        out.payload_length = static_cast<std::uint32_t>(avail - 8);
        std::uint16_t udp_len = load_be16(l4 + 4);
        if (udp_len >= 8 && udp_len - 8u < out.payload_length) out.payload_length = udp_len - 8u;
        return;
      }
      break;
    case kProtoIcmp:
    case kProtoIcmpV6:
      if (avail >= 2) {
        out.dst_port = static_cast<std::uint16_t>(load_u8(l4) << 8 | load_u8(l4 + 1));
      }
      break;
    default:
      break;
  }
  out.payload_length = 0;
}

bool is_ipv6_extension(std::uint8_t next) noexcept {
  return next == 0 || next == 43 || next == 44 || next == 51 || next == 60 || next == 135 || next == 139 ||
         next == 140;
}

}  // namespace

bool is_supported_link_type(std::uint32_t link_type) noexcept {
  switch (static_cast<LinkType>(link_type)) {
    case LinkType::null_loopback:
    case LinkType::ethernet:
    case LinkType::raw_ip:
    case LinkType::loop:
    case LinkType::linux_sll:
    case LinkType::ipv4:
    case LinkType::ipv6:
    case LinkType::linux_sll2:
      return true;
  }
  return false;
}

bool parse_ip_packet(Bytes pkt, PacketSummary& out, Anomaly& why) noexcept {
  const std::byte* p = pkt.data();
  const std::size_t n = pkt.size();
  if (n < 1) {
    why = Anomaly::packet_truncated;
    return false;
  }
  const unsigned version = load_u8(p) >> 4;
  if (version == 4) {
    if (n < 20) {
      why = Anomaly::packet_truncated;
      return false;
    }
    const std::size_t ihl = static_cast<std::size_t>(load_u8(p) & 0x0f) * 4;
    if (ihl < 20) {
      why = Anomaly::packet_bad_ip;
      return false;
    }
    out.ip_version = 4;
    out.tos = load_u8(p + 1);
    out.ip_length = load_be16(p + 2);
    out.proto = load_u8(p + 9);
    out.src_addr = IpAddress::v4(load_be32(p + 12));
    out.dst_addr = IpAddress::v4(load_be32(p + 16));
    const std::uint16_t frag = load_be16(p + 6);
    out.is_fragment = (frag & 0x1fff) != 0;
    if (n < ihl || out.is_fragment) {
      out.payload_offset = static_cast<std::uint32_t>(n < ihl ? n : ihl);
      return true;
    }
    std::size_t avail = n - ihl;
    if (out.ip_length >= ihl && out.ip_length - ihl < avail) avail = out.ip_length - ihl;  // Ethernet padding
    out.payload_offset += static_cast<std::uint32_t>(ihl);
    parse_transport(p + ihl, avail, out);
    return true;
  }
  if (version == 6) {
    if (n < 40) {
      why = Anomaly::packet_truncated;
      return false;
    }
    out.ip_version = 6;
    out.tos = static_cast<std::uint8_t>((load_be16(p) >> 4) & 0xff);
    out.ip_length = 40u + load_be16(p + 4);
    out.src_addr = IpAddress::v6(p + 8);
    out.dst_addr = IpAddress::v6(p + 24);
    std::uint8_t next = load_u8(p + 6);
    std::size_t off = 40;
    // Walk extension headers; a fragment header with a non-zero offset hides the ports.
    for (int guard = 0; guard < 8 && is_ipv6_extension(next); ++guard) {
      if (off + 8 > n) {
        out.proto = next;
        out.payload_offset += static_cast<std::uint32_t>(off > n ? n : off);
        return true;
      }
      const std::uint8_t following = load_u8(p + off);
      if (next == 44) {
        if ((load_be16(p + off + 2) & 0xfff8) != 0) out.is_fragment = true;
        off += 8;
      } else if (next == 51) {
        off += (static_cast<std::size_t>(load_u8(p + off + 1)) + 2) * 4;
      } else {
        off += (static_cast<std::size_t>(load_u8(p + off + 1)) + 1) * 8;
      }
      next = following;
    }
    out.proto = next;
    if (off > n || out.is_fragment) {
      out.payload_offset += static_cast<std::uint32_t>(off > n ? n : off);
      return true;
    }
    std::size_t avail = n - off;
    if (out.ip_length >= off && out.ip_length - off < avail) avail = out.ip_length - off;
    out.payload_offset += static_cast<std::uint32_t>(off);
    parse_transport(p + off, avail, out);
    return true;
  }
  why = Anomaly::packet_not_ip;
  return false;
}

bool parse_packet(LinkType link, Bytes frame, PacketSummary& out, Anomaly& why) noexcept {
  out = PacketSummary{};
  const std::byte* p = frame.data();
  const std::size_t n = frame.size();
  std::size_t off = 0;
  std::uint16_t ethertype = 0;
  switch (link) {
    case LinkType::ethernet:
      if (n < 14) {
        why = Anomaly::packet_truncated;
        return false;
      }
      ethertype = load_be16(p + 12);
      off = 14;
      break;
    case LinkType::linux_sll:
      if (n < 16) {
        why = Anomaly::packet_truncated;
        return false;
      }
      ethertype = load_be16(p + 14);
      off = 16;
      break;
    case LinkType::linux_sll2:
      if (n < 20) {
        why = Anomaly::packet_truncated;
        return false;
      }
      ethertype = load_be16(p);
      off = 20;
      break;
    case LinkType::null_loopback:
    case LinkType::loop: {
      if (n < 4) {
        why = Anomaly::packet_truncated;
        return false;
      }
      // The family is in host order of the capturing machine; accept both orders.
      std::uint32_t fam = load_be32(p);
      if (fam > 0xffff) fam = __builtin_bswap32(fam);
      if (fam == 2) ethertype = kEtherIPv4;
      else if (fam == 24 || fam == 28 || fam == 30 || fam == 10) ethertype = kEtherIPv6;
      off = 4;
      break;
    }
    case LinkType::raw_ip:
    case LinkType::ipv4:
    case LinkType::ipv6:
      out.payload_offset = 0;
      return parse_ip_packet(frame, out, why);
    default:
      why = Anomaly::capture_unsupported_link;
      return false;
  }
  // VLAN tags (802.1Q, QinQ) and MPLS label stacks in front of IP.
  for (int guard = 0; guard < 8; ++guard) {
    if (ethertype == kEtherVlan || ethertype == kEtherQinQ || ethertype == kEtherQinQOld) {
      if (off + 4 > n) {
        why = Anomaly::packet_truncated;
        return false;
      }
      ethertype = load_be16(p + off + 2);
      off += 4;
      continue;
    }
    if (ethertype == kEtherMplsUnicast || ethertype == kEtherMplsMulticast) {
      bool bottom = false;
      while (!bottom) {
        if (off + 4 > n) {
          why = Anomaly::packet_truncated;
          return false;
        }
        bottom = (load_u8(p + off + 2) & 1) != 0;
        off += 4;
      }
      if (off >= n) {
        why = Anomaly::packet_truncated;
        return false;
      }
      const unsigned v = load_u8(p + off) >> 4;
      if (v == 4 || v == 6) {
        ethertype = v == 4 ? kEtherIPv4 : kEtherIPv6;
        continue;
      }
      // An Ethernet pseudowire (RFC 4448), with the all-zero control word when
      // the first nibble is 0: the traffic is in the inner Ethernet frame.
      if (v == 0) off += 4;
      if (off + 14 > n) {
        why = Anomaly::packet_truncated;
        return false;
      }
      ethertype = load_be16(p + off + 12);
      off += 14;
      continue;
    }
    break;
  }
  if (ethertype != kEtherIPv4 && ethertype != kEtherIPv6) {
    why = Anomaly::packet_not_ip;
    return false;
  }
  out.payload_offset = static_cast<std::uint32_t>(off);
  return parse_ip_packet(frame.subspan(off), out, why);
}

}  // namespace mamori::flow
