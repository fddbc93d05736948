#pragma once
// Writes classic pcap files (nanosecond timestamps) and builds the frames that
// go in them: UDP datagrams carrying flow exports, and synthetic TCP/UDP/ICMP
// packets whose payload is all zeros (only headers carry information, so no
// content ever appears in a simulated capture).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mamori/core/byte_reader.hpp"
#include "mamori/core/ip_address.hpp"
#include "mamori/core/output_file.hpp"
#include "mamori/core/result.hpp"
#include "mamori/core/time.hpp"
#include "mamori/flow/packet/packet_parser.hpp"

namespace mamori::flow {

class PcapWriter {
 public:
  // Link type ethernet or raw_ip. `path` "-" is standard output (never a terminal).
  // Frames longer than `snaplen` are cut, keeping their length on the wire.
  static Result<std::unique_ptr<PcapWriter>> open(const std::string& path, LinkType link,
                                                  std::uint32_t snaplen = 65535);

  Status write(TimeNs timestamp, Bytes frame, std::uint32_t wire_length = 0);
  Status close();

  LinkType link_type() const noexcept { return link_; }
  std::uint64_t packets() const noexcept { return packets_; }
  std::uint64_t file_bytes() const noexcept { return file_bytes_; }

 private:
  PcapWriter(OutputFile out, LinkType link, std::uint32_t snaplen) noexcept
      : out_(std::move(out)), link_(link), snaplen_(snaplen) {}
  OutputFile out_;
  LinkType link_;
  std::uint32_t snaplen_;
  std::uint64_t packets_ = 0;
  std::uint64_t file_bytes_ = 0;
};

// Bytes before the IP header for a link type this writer supports.
std::size_t link_header_length(LinkType link) noexcept;

// Header fields of one synthetic packet. For ICMP/ICMPv6, dst_port holds
// type * 256 + code (as in FlowRecord) and src_port the echo identifier.
struct PacketSpec {
  IpAddress src;
  IpAddress dst;
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint8_t proto = 0;
  std::uint8_t tcp_flags = 0;
  std::uint8_t tos = 0;
  std::uint8_t ttl = 64;
  std::uint16_t ip_id = 0;
  std::uint32_t tcp_seq = 0;
  std::uint32_t tcp_ack = 0;
  std::uint16_t icmp_sequence = 0;
  std::uint32_t ip_length = 0;  // IP header + transport header + zero payload
};

// Largest frame build_packet() can produce.
inline constexpr std::size_t kMaxFrame = 14 + 40 + 65535;

// Writes the frame into `out` (at least link header + ip_length bytes, at most
// kMaxFrame) with valid IP, TCP, UDP and ICMP checksums. Returns its length,
// or 0 when ip_length is smaller than the headers or too large for the family.
std::size_t build_packet(LinkType link, const PacketSpec& spec, std::byte* out) noexcept;

// An IPv4 or IPv6 UDP datagram carrying `payload` (checksum computed; IPv4
// would allow zero, IPv6 does not). Replaces the contents of `out`.
void build_udp_packet(LinkType link, const IpAddress& src, std::uint16_t src_port, const IpAddress& dst,
                      std::uint16_t dst_port, Bytes payload, std::uint16_t ip_id, std::vector<std::byte>& out);

}  // namespace mamori::flow
