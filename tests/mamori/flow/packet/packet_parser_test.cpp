#include "mamori/flow/packet/packet_parser.hpp"

#include <gtest/gtest.h>

#include "frame_builder.hpp"
#include "mamori/flow/flow_record.hpp"

namespace mamori::flow {
namespace {

using namespace mamori::test;

PacketSummary parse_ok(LinkType link, const Frame& f) {
  PacketSummary s;
  Anomaly why{};
  EXPECT_TRUE(parse_packet(link, bytes(f), s, why)) << anomaly_name(why);
  return s;
}

Anomaly parse_fail(LinkType link, const Frame& f) {
  PacketSummary s;
  Anomaly why = Anomaly::count_;
  EXPECT_FALSE(parse_packet(link, bytes(f), s, why));
  return why;
}

TEST(PacketParser, EthernetIpv4Tcp) {
  const Frame f = ethernet(ipv4("192.0.2.1", "198.51.100.2", kProtoTcp, tcp(40000, 443, 0x12, 100), 0x4000, 0x28));
  const PacketSummary s = parse_ok(LinkType::ethernet, f);
  EXPECT_EQ(s.src_addr, ip("192.0.2.1"));
  EXPECT_EQ(s.dst_addr, ip("198.51.100.2"));
  EXPECT_EQ(s.ip_version, 4);
  EXPECT_EQ(s.proto, kProtoTcp);
  EXPECT_EQ(s.src_port, 40000);
  EXPECT_EQ(s.dst_port, 443);
  EXPECT_EQ(s.tcp_flags, 0x12);
  EXPECT_EQ(s.tos, 0x28);
  EXPECT_EQ(s.ip_length, 140u);
  EXPECT_EQ(s.ip_offset, 14u);
  EXPECT_EQ(s.payload_offset, 14u + 20 + 20);
  EXPECT_EQ(s.payload_length, 100u);
  EXPECT_FALSE(s.is_fragment);
  EXPECT_FALSE(s.is_first_fragment);
}

TEST(PacketParser, EthernetPaddingIsNotPayload) {
  const Frame f = ethernet(ipv4("10.0.0.1", "10.0.0.2", kProtoUdp, udp(53, 5353, 2)));
  ASSERT_EQ(f.size(), 60u);
  const PacketSummary s = parse_ok(LinkType::ethernet, f);
  EXPECT_EQ(s.ip_length, 30u);
  EXPECT_EQ(s.payload_length, 2u);
  EXPECT_EQ(s.src_port, 53);
  EXPECT_EQ(s.dst_port, 5353);
}

TEST(PacketParser, Vlan8021Q) {
  const Frame f = ethernet(ipv4("10.0.0.1", "10.0.0.2", kProtoUdp, udp(1, 2)), 0x0800, {0x8100'2064});
  const PacketSummary s = parse_ok(LinkType::ethernet, f);
  EXPECT_EQ(s.vlan_id, 0x064);
  EXPECT_EQ(s.ip_offset, 18u);
  EXPECT_EQ(s.src_port, 1);
  EXPECT_EQ(s.dst_port, 2);
}

TEST(PacketParser, QinQBothTags) {
  const Frame f =
      ethernet(ipv4("10.0.0.1", "10.0.0.2", kProtoTcp, tcp(22, 50000, 0x18)), 0x0800, {0x88a8'0064, 0x8100'00c8});
  const PacketSummary s = parse_ok(LinkType::ethernet, f);
  EXPECT_EQ(s.vlan_id, 100);  // the outer (service) tag
  EXPECT_EQ(s.ip_offset, 22u);
  EXPECT_EQ(s.src_port, 22);
  EXPECT_EQ(s.tcp_flags, 0x18);
}

TEST(PacketParser, MplsStackToIpv4AndIpv6) {
  Frame labels;
  put32(labels, 0x0001'0040);          // label 16, not bottom
  put32(labels, 0x0002'0140);          // label 32, bottom of stack
  Frame l3 = labels;
  append(l3, ipv4("10.1.1.1", "10.2.2.2", kProtoUdp, udp(1000, 2000)));
  PacketSummary s = parse_ok(LinkType::ethernet, ethernet(l3, 0x8847));
  EXPECT_EQ(s.ip_offset, 22u);
  EXPECT_EQ(s.src_addr, ip("10.1.1.1"));
  EXPECT_EQ(s.dst_port, 2000);

  Frame l3v6 = labels;
  append(l3v6, ipv6("2001:db8::1", "2001:db8::2", kProtoUdp, udp(7, 9)));
  s = parse_ok(LinkType::ethernet, ethernet(l3v6, 0x8847));
  EXPECT_EQ(s.ip_version, 6);
  EXPECT_EQ(s.dst_addr, ip("2001:db8::2"));
  EXPECT_EQ(s.src_port, 7);
}

TEST(PacketParser, MplsWithoutBottomOfStackIsTruncated) {
  Frame l3;
  put32(l3, 0x0001'0040);
  put32(l3, 0x0002'0040);
  EXPECT_EQ(parse_fail(LinkType::ethernet, ethernet(l3, 0x8847, {}, 0)), Anomaly::packet_truncated);
}

TEST(PacketParser, LinuxCookedSll) {
  Frame f;
  put16(f, 0);           // packet type: to us
  put16(f, 1);           // ARPHRD_ETHER
  put16(f, 6);           // address length
  for (int i = 0; i < 8; ++i) put8(f, 0xaa);
  put16(f, 0x86dd);
  append(f, ipv6("fe80::1", "ff02::1", kProtoIcmpV6, icmp(135, 0)));
  const PacketSummary s = parse_ok(LinkType::linux_sll, f);
  EXPECT_EQ(s.ip_offset, 16u);
  EXPECT_EQ(s.proto, kProtoIcmpV6);
  EXPECT_EQ(s.src_port, 0);
  EXPECT_EQ(s.dst_port, 135 * 256);
}

TEST(PacketParser, LinuxCookedSll2) {
  Frame f;
  put16(f, 0x0800);      // protocol type
  put16(f, 0);           // reserved
  put32(f, 3);           // interface index
  put16(f, 1);           // ARPHRD_ETHER
  put8(f, 4);            // packet type: outgoing
  put8(f, 6);            // address length
  for (int i = 0; i < 8; ++i) put8(f, 0xbb);
  append(f, ipv4("172.16.0.1", "8.8.8.8", kProtoUdp, udp(33333, 53)));
  const PacketSummary s = parse_ok(LinkType::linux_sll2, f);
  EXPECT_EQ(s.ip_offset, 20u);
  EXPECT_EQ(s.dst_addr, ip("8.8.8.8"));
  EXPECT_EQ(s.dst_port, 53);
}

TEST(PacketParser, RawIpAndNullLoopback) {
  const Frame pkt = ipv4("127.0.0.1", "127.0.0.2", kProtoTcp, tcp(1, 2, 0x02));
  PacketSummary s = parse_ok(LinkType::raw_ip, pkt);
  EXPECT_EQ(s.ip_offset, 0u);
  EXPECT_EQ(s.tcp_flags, 0x02);

  Frame null_le;
  put32(null_le, 0x02000000);  // AF_INET in little-endian host order
  append(null_le, pkt);
  s = parse_ok(LinkType::null_loopback, null_le);
  EXPECT_EQ(s.ip_offset, 4u);
  EXPECT_EQ(s.src_addr, ip("127.0.0.1"));

  Frame loop_v6;
  put32(loop_v6, 30);  // AF_INET6 on Darwin, network order for DLT_LOOP
  append(loop_v6, ipv6("::1", "::1", kProtoUdp, udp(5, 6)));
  s = parse_ok(LinkType::loop, loop_v6);
  EXPECT_EQ(s.ip_version, 6);
  EXPECT_EQ(s.src_port, 5);
}

TEST(PacketParser, Ipv6ExtensionHeadersAreWalked) {
  Frame rest = ext8(60);         // hop-by-hop -> destination options
  append(rest, ext8(43));        // destination options -> routing
  append(rest, ext8(kProtoTcp)); // routing -> TCP
  append(rest, tcp(8080, 51000, 0x11));
  const PacketSummary s = parse_ok(LinkType::ethernet, ethernet(ipv6("2001:db8::a", "2001:db8::b", 0, rest, 0xb8), 0x86dd));
  EXPECT_EQ(s.proto, kProtoTcp);
  EXPECT_EQ(s.src_port, 8080);
  EXPECT_EQ(s.dst_port, 51000);
  EXPECT_EQ(s.tcp_flags, 0x11);
  EXPECT_EQ(s.tos, 0xb8);
  EXPECT_EQ(s.ip_length, 40u + 24 + 20);
}

TEST(PacketParser, Ipv6Fragments) {
  Frame first = frag6(kProtoUdp, 0, true);
  append(first, udp(4000, 4001, 40));
  PacketSummary s = parse_ok(LinkType::raw_ip, ipv6("2001:db8::1", "2001:db8::2", 44, first));
  EXPECT_TRUE(s.is_first_fragment);
  EXPECT_FALSE(s.is_fragment);
  EXPECT_EQ(s.proto, kProtoUdp);
  EXPECT_EQ(s.src_port, 4000);

  Frame later = frag6(kProtoUdp, 6, false);
  later.resize(later.size() + 20, std::byte{1});
  s = parse_ok(LinkType::raw_ip, ipv6("2001:db8::1", "2001:db8::2", 44, later));
  EXPECT_TRUE(s.is_fragment);
  EXPECT_EQ(s.proto, kProtoUdp);
  EXPECT_EQ(s.src_port, 0);
  EXPECT_EQ(s.dst_port, 0);
}

TEST(PacketParser, Ipv6AuthenticationHeaderIsTheProtocol) {
  Frame ah;
  put8(ah, kProtoTcp);
  put8(ah, 4);  // (4 + 2) * 4 = 24 bytes
  ah.resize(24, std::byte{0});
  append(ah, tcp(1, 2, 0x10));
  const PacketSummary s = parse_ok(LinkType::raw_ip, ipv6("2001:db8::1", "2001:db8::2", 51, ah));
  EXPECT_EQ(s.proto, 51);  // as softflowd: AH is not walked
  EXPECT_EQ(s.src_port, 0);
}

TEST(PacketParser, Ipv4Fragments) {
  PacketSummary s = parse_ok(LinkType::raw_ip, ipv4("10.0.0.1", "10.0.0.2", kProtoUdp, udp(9, 10, 30), 0x2000));
  EXPECT_TRUE(s.is_first_fragment);
  EXPECT_EQ(s.src_port, 9);
  s = parse_ok(LinkType::raw_ip, ipv4("10.0.0.1", "10.0.0.2", kProtoUdp, udp(9, 10, 30), 0x0005));
  EXPECT_TRUE(s.is_fragment);
  EXPECT_EQ(s.proto, kProtoUdp);
  EXPECT_EQ(s.src_port, 0);
  EXPECT_EQ(s.dst_port, 0);
}

TEST(PacketParser, IcmpTypeAndCodeInDestinationPort) {
  const PacketSummary s = parse_ok(LinkType::raw_ip, ipv4("10.0.0.1", "10.0.0.2", kProtoIcmp, icmp(3, 13)));
  EXPECT_EQ(s.src_port, 0);
  EXPECT_EQ(s.dst_port, 3 * 256 + 13);
}

TEST(PacketParser, ShortTransportHeadersKeepTheIpFields) {
  Frame f = ipv4("10.0.0.1", "10.0.0.2", kProtoTcp, tcp(1, 2, 0x02));
  f.resize(20 + 19);  // one byte short of a TCP header
  const PacketSummary s = parse_ok(LinkType::raw_ip, f);
  EXPECT_EQ(s.proto, kProtoTcp);
  EXPECT_EQ(s.src_port, 0);
  EXPECT_EQ(s.tcp_flags, 0);
}

TEST(PacketParser, NotIp) {
  Frame arp(28, std::byte{0});
  EXPECT_EQ(parse_fail(LinkType::ethernet, ethernet(arp, 0x0806)), Anomaly::packet_not_ip);
  Frame junk{std::byte{0x10}};
  EXPECT_EQ(parse_fail(LinkType::raw_ip, junk), Anomaly::packet_not_ip);
}

TEST(PacketParser, BadIhl) {
  Frame f = ipv4("10.0.0.1", "10.0.0.2", kProtoUdp, udp(1, 2));
  f[0] = std::byte{0x44};
  EXPECT_EQ(parse_fail(LinkType::raw_ip, f), Anomaly::packet_bad_ip);
}

TEST(PacketParser, UnsupportedLink) {
  PacketSummary s;
  Anomaly why{};
  const Frame f(64, std::byte{0});
  EXPECT_FALSE(parse_packet(static_cast<LinkType>(105), bytes(f), s, why));
  EXPECT_EQ(why, Anomaly::capture_unsupported_link);
  EXPECT_FALSE(is_supported_link_type(105));
  EXPECT_TRUE(is_supported_link_type(276));
}

// Every prefix of every kind of frame either parses or names a reason; the
// IP header is never reported from fewer bytes than it needs.
TEST(PacketParser, TruncatedAtEveryOffset) {
  Frame qinq_v6 = ext8(kProtoUdp);
  append(qinq_v6, udp(1, 2));
  const std::vector<std::pair<LinkType, Frame>> frames = {
      {LinkType::ethernet, ethernet(ipv4("10.0.0.1", "10.0.0.2", kProtoTcp, tcp(1, 2, 2)), 0x0800, {0x8100'0001}, 0)},
      {LinkType::ethernet, ethernet(ipv6("::1", "::2", 0, qinq_v6), 0x86dd, {0x88a8'0001, 0x8100'0002}, 0)},
      {LinkType::raw_ip, ipv4("10.0.0.1", "10.0.0.2", kProtoUdp, udp(1, 2))},
  };
  for (const auto& [link, frame] : frames) {
    for (std::size_t n = 0; n < frame.size(); ++n) {
      const Frame cut(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(n));
      PacketSummary s;
      Anomaly why = Anomaly::count_;
      if (parse_packet(link, bytes(cut), s, why)) {
        EXPECT_LE(s.ip_offset + (s.ip_version == 4 ? 20u : 40u), n);
      } else {
        EXPECT_EQ(why, Anomaly::packet_truncated) << "cut at " << n;
      }
    }
  }
}

}  // namespace
}  // namespace mamori::flow
