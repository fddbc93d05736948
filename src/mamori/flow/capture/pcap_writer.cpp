#include "mamori/flow/capture/pcap_writer.hpp"

#include <cstring>

#include "mamori/flow/flow_record.hpp"

namespace mamori::flow {

namespace {

constexpr std::uint32_t kPcapMagicNanoseconds = 0xa1b23c4d;

// Locally administered MAC addresses: clearly synthetic, never a vendor's.
constexpr std::uint8_t kSourceMac[6] = {0x02, 0x00, 0x5e, 0x00, 0x00, 0x01};
constexpr std::uint8_t kDestinationMac[6] = {0x02, 0x00, 0x5e, 0x00, 0x00, 0x02};

template <class T>
void put_native(std::byte* p, T v) noexcept {
  std::memcpy(p, &v, sizeof v);
}

// One's complement sum (RFC 1071), folded at the end.
std::uint32_t sum_bytes(std::uint32_t sum, const std::byte* p, std::size_t n) noexcept {
  for (; n >= 2; p += 2, n -= 2) sum += load_be16(p);
  if (n == 1) sum += static_cast<std::uint32_t>(static_cast<std::uint8_t>(*p)) << 8;
  return sum;
}

std::uint16_t fold(std::uint32_t sum) noexcept {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

std::uint32_t sum_address(std::uint32_t sum, const IpAddress& a) noexcept {
  if (a.is_v4()) return sum + (a.v4_value() >> 16) + (a.v4_value() & 0xffff);
  for (int shift = 48; shift >= 0; shift -= 16) {
    sum += static_cast<std::uint32_t>((a.hi() >> shift) & 0xffff);
    sum += static_cast<std::uint32_t>((a.lo() >> shift) & 0xffff);
  }
  return sum;
}

std::uint32_t pseudo_header_sum(const IpAddress& src, const IpAddress& dst, std::uint8_t proto,
                                std::uint32_t length) noexcept {
  std::uint32_t sum = sum_address(sum_address(0, src), dst);
  return sum + proto + (length >> 16) + (length & 0xffff);
}

void put_address(std::byte* p, const IpAddress& a) noexcept {
  if (a.is_v4()) {
    store_be32(p, a.v4_value());
  } else {
    store_be64(p, a.hi());
    store_be64(p + 8, a.lo());
  }
}

// Writes the link header and IP header; returns the offset of the transport header.
std::size_t put_link_and_ip(LinkType link, const IpAddress& src, const IpAddress& dst, std::uint8_t proto,
                            std::uint8_t tos, std::uint8_t ttl, std::uint16_t ip_id, std::uint32_t ip_length,
                            std::byte* out) noexcept {
  const bool v4 = src.is_v4();
  std::size_t off = 0;
  if (link == LinkType::ethernet) {
    std::memcpy(out, kDestinationMac, 6);
    std::memcpy(out + 6, kSourceMac, 6);
    store_be16(out + 12, v4 ? 0x0800 : 0x86dd);
    off = 14;
  }
  std::byte* ip = out + off;
  if (v4) {
    std::memset(ip, 0, 20);
    ip[0] = std::byte{0x45};
    ip[1] = std::byte{tos};
    store_be16(ip + 2, static_cast<std::uint16_t>(ip_length));
    store_be16(ip + 4, ip_id);
    store_be16(ip + 6, 0x4000);  // don't fragment
    ip[8] = std::byte{ttl};
    ip[9] = std::byte{proto};
    put_address(ip + 12, src);
    put_address(ip + 16, dst);
    store_be16(ip + 10, fold(sum_bytes(0, ip, 20)));
    return off + 20;
  }
  store_be32(ip, 0x60000000u | (static_cast<std::uint32_t>(tos) << 20));
  store_be16(ip + 4, static_cast<std::uint16_t>(ip_length - 40));
  ip[6] = std::byte{proto};
  ip[7] = std::byte{ttl};
  put_address(ip + 8, src);
  put_address(ip + 24, dst);
  return off + 40;
}

}  // namespace

std::size_t link_header_length(LinkType link) noexcept { return link == LinkType::ethernet ? 14 : 0; }

Result<std::unique_ptr<PcapWriter>> PcapWriter::open(const std::string& path, LinkType link, std::uint32_t snaplen) {
  if (link != LinkType::ethernet && link != LinkType::raw_ip) {
    return fail(Errc::unsupported, "pcap writer supports Ethernet and raw IP link types only");
  }
  if (snaplen == 0) snaplen = 65535;
  auto out = OutputFile::open(path);
  if (!out) return tl::unexpected(out.error());
  if (out->is_terminal()) return fail(Errc::invalid_argument, "refusing to write a capture to a terminal (use -o FILE)");
  std::unique_ptr<PcapWriter> writer(new PcapWriter(std::move(*out), link, snaplen));
  auto* p = reinterpret_cast<std::byte*>(writer->out_.reserve(24));
  if (p == nullptr) return fail(Errc::io_error, writer->out_.error());
  put_native<std::uint32_t>(p, kPcapMagicNanoseconds);
  put_native<std::uint16_t>(p + 4, 2);
  put_native<std::uint16_t>(p + 6, 4);
  put_native<std::int32_t>(p + 8, 0);
  put_native<std::uint32_t>(p + 12, 0);
  put_native<std::uint32_t>(p + 16, snaplen);
  put_native<std::uint32_t>(p + 20, static_cast<std::uint32_t>(link));
  writer->out_.commit(24);
  writer->file_bytes_ = 24;
  return writer;
}

Status PcapWriter::write(TimeNs timestamp, Bytes frame, std::uint32_t wire_length) {
  const auto captured = static_cast<std::uint32_t>(std::min<std::size_t>(frame.size(), snaplen_));
  if (wire_length < frame.size()) wire_length = static_cast<std::uint32_t>(frame.size());
  auto* p = reinterpret_cast<std::byte*>(out_.reserve(16 + captured));
  if (p == nullptr) return fail(Errc::io_error, out_.error());
  put_native<std::uint32_t>(p, static_cast<std::uint32_t>(timestamp / kNsPerSecond));
  put_native<std::uint32_t>(p + 4, static_cast<std::uint32_t>(timestamp % kNsPerSecond));
  put_native<std::uint32_t>(p + 8, captured);
  put_native<std::uint32_t>(p + 12, wire_length);
  std::memcpy(p + 16, frame.data(), captured);
  out_.commit(16 + captured);
  ++packets_;
  file_bytes_ += 16 + captured;
  return {};
}

Status PcapWriter::close() { return out_.close(); }

std::size_t build_packet(LinkType link, const PacketSpec& s, std::byte* out) noexcept {
  const bool v4 = s.src.is_v4();
  const std::uint32_t ip_header = v4 ? 20 : 40;
  std::uint32_t l4_header = 0;
  switch (s.proto) {
    case kProtoTcp: l4_header = 20; break;
    case kProtoUdp:
    case kProtoIcmp:
    case kProtoIcmpV6: l4_header = 8; break;
    default: break;
  }
  if (s.ip_length < ip_header + l4_header || s.ip_length > (v4 ? 65535u : 65535u + 40u)) return 0;
  const std::size_t l4 = put_link_and_ip(link, s.src, s.dst, s.proto, s.tos, s.ttl, s.ip_id, s.ip_length, out);
  const std::uint32_t segment = s.ip_length - ip_header;
  std::byte* t = out + l4;
  std::memset(t, 0, segment);  // headers are filled below; the payload stays zero
  switch (s.proto) {
    case kProtoTcp: {
      store_be16(t, s.src_port);
      store_be16(t + 2, s.dst_port);
      store_be32(t + 4, s.tcp_seq);
      store_be32(t + 8, s.tcp_ack);
      t[12] = std::byte{0x50};  // 5 words, no options
      t[13] = std::byte{s.tcp_flags};
      store_be16(t + 14, 65535);
      const std::uint32_t sum = sum_bytes(pseudo_header_sum(s.src, s.dst, s.proto, segment), t, 20);
      store_be16(t + 16, fold(sum));
      break;
    }
    case kProtoUdp: {
      store_be16(t, s.src_port);
      store_be16(t + 2, s.dst_port);
      store_be16(t + 4, static_cast<std::uint16_t>(segment));
      std::uint16_t c = fold(sum_bytes(pseudo_header_sum(s.src, s.dst, s.proto, segment), t, 8));
      store_be16(t + 6, c == 0 ? 0xffff : c);  // 0 means "no checksum"
      break;
    }
    case kProtoIcmp:
    case kProtoIcmpV6: {
      t[0] = std::byte{static_cast<std::uint8_t>(s.dst_port >> 8)};
      t[1] = std::byte{static_cast<std::uint8_t>(s.dst_port & 0xff)};
      store_be16(t + 4, s.src_port);
      store_be16(t + 6, s.icmp_sequence);
      // ICMPv6 covers a pseudo header; ICMP for IPv4 does not.
      const std::uint32_t base = s.proto == kProtoIcmpV6 ? pseudo_header_sum(s.src, s.dst, s.proto, segment) : 0;
      store_be16(t + 2, fold(sum_bytes(base, t, 8)));
      break;
    }
    default: break;
  }
  return l4 + segment;
}

void build_udp_packet(LinkType link, const IpAddress& src, std::uint16_t src_port, const IpAddress& dst,
                      std::uint16_t dst_port, Bytes payload, std::uint16_t ip_id, std::vector<std::byte>& out) {
  const std::uint32_t ip_header = src.is_v4() ? 20 : 40;
  const auto ip_length = static_cast<std::uint32_t>(ip_header + 8 + payload.size());
  out.resize(link_header_length(link) + ip_length);
  const std::size_t l4 = put_link_and_ip(link, src, dst, kProtoUdp, 0, 64, ip_id, ip_length, out.data());
  std::byte* u = out.data() + l4;
  const auto segment = static_cast<std::uint32_t>(8 + payload.size());
  store_be16(u, src_port);
  store_be16(u + 2, dst_port);
  store_be16(u + 4, static_cast<std::uint16_t>(segment));
  store_be16(u + 6, 0);
  if (!payload.empty()) std::memcpy(u + 8, payload.data(), payload.size());
  std::uint16_t c = fold(sum_bytes(pseudo_header_sum(src, dst, kProtoUdp, segment), u, segment));
  store_be16(u + 6, c == 0 ? 0xffff : c);
}

}  // namespace mamori::flow
