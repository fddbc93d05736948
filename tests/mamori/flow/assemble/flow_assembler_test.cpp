#include "mamori/flow/assemble/flow_assembler.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <tuple>

#include "../packet/frame_builder.hpp"

namespace mamori::flow {
namespace {

using namespace mamori::test;

// A multiple of 60, so expiry-interval rounding is easy to follow.
constexpr TimeNs kT0 = 1'700'000'040ULL * kNsPerSecond;
constexpr TimeNs kSec = kNsPerSecond;

struct Harness {
  explicit Harness(AssemblerOptions o = {}) : assembler(o) {}
  void feed(TimeNs t, const Frame& frame) {
    CapturedPacket p;
    p.timestamp_ns = t;
    p.wire_length = static_cast<std::uint32_t>(frame.size());
    p.data = bytes(frame);
    assembler.add_frame(LinkType::ethernet, p, out);
  }
  std::vector<FlowRecord>& flush() {
    assembler.flush(out);
    return out;
  }
  FlowAssembler assembler;
  std::vector<FlowRecord> out;
};

Frame udp4(const char* s, const char* d, std::uint16_t sp, std::uint16_t dp, std::size_t payload = 10) {
  return ethernet(ipv4(s, d, kProtoUdp, udp(sp, dp, payload)));
}
Frame tcp4(const char* s, const char* d, std::uint16_t sp, std::uint16_t dp, std::uint8_t flags,
           std::size_t payload = 0) {
  return ethernet(ipv4(s, d, kProtoTcp, tcp(sp, dp, flags, payload)));
}

const FlowRecord* find(const std::vector<FlowRecord>& v, const char* src, std::uint16_t sport) {
  for (const auto& r : v)
    if (r.src_addr == ip(src) && r.src_port == sport) return &r;
  return nullptr;
}

TEST(FlowAssembler, BidirectionalTcpBecomesTwoRecords) {
  Harness h;
  h.feed(kT0, tcp4("10.0.0.9", "10.0.0.1", 40000, 80, 0x02));
  h.feed(kT0 + 1000, tcp4("10.0.0.1", "10.0.0.9", 80, 40000, 0x12));
  h.feed(kT0 + 2000, tcp4("10.0.0.9", "10.0.0.1", 40000, 80, 0x10, 500));
  EXPECT_TRUE(h.out.empty());
  auto& out = h.flush();
  ASSERT_EQ(out.size(), 2u);
  const FlowRecord* c = find(out, "10.0.0.9", 40000);
  const FlowRecord* s = find(out, "10.0.0.1", 80);
  ASSERT_TRUE(c && s);
  EXPECT_EQ(c->dst_addr, ip("10.0.0.1"));
  EXPECT_EQ(c->dst_port, 80);
  EXPECT_EQ(c->packets, 2u);
  EXPECT_EQ(c->raw_packets, 2u);
  // Short frames are padded to 60 bytes; softflowd counts wire length minus the Ethernet header.
  EXPECT_EQ(c->bytes, 46u + (14 + 20 + 20 + 500 - 14));
  EXPECT_EQ(c->tcp_flags, 0x12);
  EXPECT_EQ(s->packets, 1u);
  EXPECT_EQ(s->bytes, 46u);
  EXPECT_EQ(s->tcp_flags, 0x12);
  // Both directions carry the bidirectional flow's first and last times.
  for (const FlowRecord* r : {c, s}) {
    EXPECT_EQ(r->start_ns, kT0);
    EXPECT_EQ(r->end_ns, kT0 + 2000);
    EXPECT_EQ(r->proto, kProtoTcp);
    EXPECT_EQ(r->source, FlowSource::capture);
    EXPECT_EQ(r->sampling_rate, 1u);
  }
  const AssemblerStats st = h.assembler.stats();
  EXPECT_EQ(st.frames, 3u);
  EXPECT_EQ(st.flows_created, 1u);
  EXPECT_EQ(st.flows_emitted, 2u);
  EXPECT_EQ(st.active_flows, 0u);
}

TEST(FlowAssembler, IpLengthByteCount) {
  AssemblerOptions o;
  o.byte_count = ByteCount::ip_length;
  Harness h(o);
  h.feed(kT0, tcp4("10.0.0.1", "10.0.0.2", 1, 2, 0x10));
  h.feed(kT0, ethernet(ipv4("10.0.0.1", "10.0.0.2", kProtoUdp, udp(5, 6, 2)), 0x0800, {0x8100'0005}));
  auto& out = h.flush();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(find(out, "10.0.0.1", 1)->bytes, 40u);
  EXPECT_EQ(find(out, "10.0.0.1", 5)->bytes, 30u);
}

TEST(FlowAssembler, VlanTagIsNotCountedAsBytes) {
  Harness h;
  h.feed(kT0, ethernet(ipv4("10.0.0.1", "10.0.0.2", kProtoUdp, udp(5, 6, 100)), 0x0800, {0x8100'0005}));
  auto& out = h.flush();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].bytes, 128u);
}

TEST(FlowAssembler, UdpIdleTimeoutWaitsForTheExpiryInterval) {
  Harness h;  // udp 300 s, expint 60 s
  h.feed(kT0, udp4("10.0.0.1", "10.0.0.2", 1000, 53));
  h.feed(kT0 + 100 * kSec, udp4("10.0.0.2", "10.0.0.1", 53, 1000));
  // Deadline t0+400 rounds up to t0+420: a packet at t0+420 still joins the flow.
  h.feed(kT0 + 420 * kSec, udp4("10.0.0.1", "10.0.0.2", 1000, 53));
  EXPECT_TRUE(h.out.empty());
  // Now the deadline is t0+720 (rounded t0+720): the next packet at t0+721 finds it expired.
  h.feed(kT0 + 721 * kSec, udp4("10.0.0.1", "10.0.0.2", 1000, 53));
  ASSERT_EQ(h.out.size(), 2u);
  EXPECT_EQ(find(h.out, "10.0.0.1", 1000)->packets, 2u);
  EXPECT_EQ(find(h.out, "10.0.0.1", 1000)->end_ns, kT0 + 420 * kSec);
  auto& out = h.flush();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[2].start_ns, kT0 + 721 * kSec);
  EXPECT_EQ(out[2].packets, 1u);
}

TEST(FlowAssembler, WithoutClusteringDeadlinesAreExactSeconds) {
  AssemblerOptions o;
  o.expiry_interval = 0;
  Harness h(o);
  h.feed(kT0, udp4("10.0.0.1", "10.0.0.2", 1000, 53));
  h.feed(kT0 + 300 * kSec + 999'999'999, udp4("10.0.0.1", "10.0.0.2", 1000, 53));  // second t0+300: not yet
  EXPECT_TRUE(h.out.empty());
  h.feed(kT0 + 601 * kSec, udp4("10.0.0.1", "10.0.0.2", 1000, 53));  // last t0+300 -> deadline t0+600 < t0+601
  ASSERT_EQ(h.out.size(), 1u);
  EXPECT_EQ(h.out[0].packets, 2u);
}

TEST(FlowAssembler, TcpRstAndFinTimeouts) {
  AssemblerOptions o;
  o.expiry_interval = 0;
  Harness h(o);
  // Reset: 120 s after the last packet.
  h.feed(kT0, tcp4("10.0.0.1", "10.0.0.2", 1111, 22, 0x02));
  h.feed(kT0 + kSec, tcp4("10.0.0.2", "10.0.0.1", 22, 1111, 0x14));
  // One FIN only: still the 3600 s TCP timeout.
  h.feed(kT0, tcp4("10.0.1.1", "10.0.1.2", 2222, 80, 0x11));
  // FIN from both sides: 300 s.
  h.feed(kT0, tcp4("10.0.2.1", "10.0.2.2", 3333, 80, 0x11));
  h.feed(kT0 + kSec, tcp4("10.0.2.2", "10.0.2.1", 80, 3333, 0x11));
  h.feed(kT0 + 122 * kSec, udp4("192.0.2.1", "192.0.2.2", 1, 2));
  ASSERT_EQ(h.out.size(), 2u);  // the reset flow, both directions
  EXPECT_EQ(h.out[0].src_port == 1111 ? h.out[0].tcp_flags : h.out[1].tcp_flags, 0x02);
  h.out.clear();
  h.feed(kT0 + 302 * kSec, udp4("192.0.2.1", "192.0.2.2", 1, 2));
  ASSERT_EQ(h.out.size(), 2u);
  EXPECT_TRUE(find(h.out, "10.0.2.1", 3333) != nullptr);
  h.out.clear();
  h.feed(kT0 + 3601 * kSec, udp4("192.0.2.1", "192.0.2.2", 1, 2));
  EXPECT_TRUE(find(h.out, "10.0.1.1", 2222) != nullptr);
}

TEST(FlowAssembler, MaxLifeCutsLongFlows) {
  AssemblerOptions o;
  o.max_life = 10 * kSec;
  Harness h(o);
  for (int i = 0; i <= 6; ++i) h.feed(kT0 + static_cast<TimeNs>(i) * 3 * kSec, udp4("10.0.0.1", "10.0.0.2", 7, 8));
  // At t=12 the flow is older than 10 s: it is exported before the packet at t=15.
  ASSERT_EQ(h.out.size(), 1u);
  EXPECT_EQ(h.out[0].packets, 5u);
  EXPECT_EQ(h.out[0].end_ns, kT0 + 12 * kSec);
  auto& out = h.flush();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].start_ns, kT0 + 15 * kSec);
  EXPECT_EQ(out[1].packets, 2u);
}

TEST(FlowAssembler, FullTableEvictsTheFlowClosestToExpiry) {
  AssemblerOptions o;
  o.max_flows = 2;
  Harness h(o);
  h.feed(kT0, tcp4("10.0.0.1", "10.0.0.2", 1, 2, 0x10));        // deadline t0+3600
  h.feed(kT0, udp4("10.0.0.1", "10.0.0.3", 3, 4));              // deadline t0+300
  h.feed(kT0 + kSec, ethernet(ipv4("10.0.0.1", "10.0.0.4", kProtoIcmp, icmp(8, 0))));  // t0+301
  ASSERT_EQ(h.out.size(), 1u);
  EXPECT_EQ(h.out[0].proto, kProtoUdp);
  EXPECT_EQ(h.assembler.anomalies().get(Anomaly::flow_table_full), 1u);
  EXPECT_EQ(h.assembler.stats().flows_evicted, 1u);
  EXPECT_EQ(h.assembler.stats().active_flows, 2u);
}

TEST(FlowAssembler, IcmpRequestAndReplyAreSeparateFlows) {
  Harness h;
  h.feed(kT0, ethernet(ipv4("10.0.0.1", "10.0.0.2", kProtoIcmp, icmp(8, 0))));
  h.feed(kT0 + 10, ethernet(ipv4("10.0.0.2", "10.0.0.1", kProtoIcmp, icmp(0, 0))));
  h.feed(kT0 + 20, ethernet(ipv4("10.0.0.1", "10.0.0.2", kProtoIcmp, icmp(8, 0))));
  h.feed(kT0 + 30, ethernet(ipv6("2001:db8::1", "2001:db8::2", kProtoIcmpV6, icmp(1, 4)), 0x86dd));
  auto& out = h.flush();
  ASSERT_EQ(out.size(), 3u);
  std::map<std::uint16_t, std::uint64_t> by_port;
  for (const auto& r : out) {
    EXPECT_EQ(r.src_port, 0);
    by_port[r.dst_port] += r.packets;
  }
  EXPECT_EQ(by_port[0x0800], 2u);
  EXPECT_EQ(by_port[0x0000], 1u);
  EXPECT_EQ(by_port[0x0104], 1u);
}

TEST(FlowAssembler, Ipv6FlowsAndFragments) {
  Harness h;
  h.feed(kT0, ethernet(ipv6("2001:db8::2", "2001:db8::1", kProtoTcp, tcp(443, 50000, 0x12)), 0x86dd));
  h.feed(kT0 + 1, ethernet(ipv6("2001:db8::1", "2001:db8::2", kProtoTcp, tcp(50000, 443, 0x10)), 0x86dd));
  Frame first = frag6(kProtoUdp, 0, true);
  append(first, udp(9000, 9001, 16));
  Frame later = frag6(kProtoUdp, 3, false);
  later.resize(later.size() + 16, std::byte{1});
  h.feed(kT0 + 2, ethernet(ipv6("2001:db8::1", "2001:db8::2", 44, first), 0x86dd));
  h.feed(kT0 + 3, ethernet(ipv6("2001:db8::1", "2001:db8::2", 44, later), 0x86dd));
  h.feed(kT0 + 4, ethernet(ipv4("10.0.0.1", "10.0.0.2", kProtoUdp, udp(9000, 9001, 30), 0x0004)));
  auto& out = h.flush();
  ASSERT_EQ(out.size(), 5u);
  const FlowRecord* server = find(out, "2001:db8::2", 443);
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->dst_addr, ip("2001:db8::1"));
  EXPECT_EQ(server->bytes, 60u);
  EXPECT_FALSE(server->is_v4());
  EXPECT_NE(find(out, "2001:db8::1", 9000), nullptr);
  // Non-first fragments: no ports; IPv6 ones also no protocol (as softflowd).
  int later_fragments = 0;
  for (const auto& r : out) {
    if (r.src_port != 0 || r.dst_port != 0) continue;
    ++later_fragments;
    EXPECT_EQ(r.proto, r.is_v4() ? kProtoUdp : 0);
  }
  EXPECT_EQ(later_fragments, 2);
  EXPECT_EQ(h.assembler.stats().fragments, 3u);
  EXPECT_EQ(h.assembler.anomalies().get(Anomaly::packet_fragment), 2u);
}

TEST(FlowAssembler, SameHostBothEndsKeepsDirectionsApart) {
  Harness h;
  h.feed(kT0, udp4("10.0.0.1", "10.0.0.1", 1111, 2222));
  h.feed(kT0 + 1, udp4("10.0.0.1", "10.0.0.1", 2222, 1111));
  auto& out = h.flush();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(h.assembler.stats().flows_created, 2u);
}

TEST(FlowAssembler, NonIpAndBrokenFramesAreCounted) {
  Harness h;
  h.feed(kT0, ethernet(Frame(28, std::byte{0}), 0x0806));
  Frame short_frame(10, std::byte{0});
  h.feed(kT0, short_frame);
  EXPECT_TRUE(h.flush().empty());
  EXPECT_EQ(h.assembler.anomalies().get(Anomaly::packet_not_ip), 1u);
  EXPECT_EQ(h.assembler.anomalies().get(Anomaly::packet_truncated), 1u);
  EXPECT_EQ(h.assembler.stats().frames, 2u);
  EXPECT_EQ(h.assembler.stats().ip_packets, 0u);
}

TEST(FlowAssembler, ClockNeverRunsBackwards) {
  AssemblerOptions o;
  o.expiry_interval = 0;
  Harness h(o);
  h.feed(kT0 + 1000 * kSec, udp4("10.0.0.1", "10.0.0.2", 1, 2));
  h.feed(kT0, udp4("10.0.0.3", "10.0.0.4", 1, 2));  // deadline t0+300 is already past "now"
  h.feed(kT0 + 1000 * kSec, udp4("10.0.0.1", "10.0.0.2", 1, 2));
  ASSERT_EQ(h.out.size(), 1u);
  EXPECT_EQ(h.out[0].src_addr, ip("10.0.0.3"));
  EXPECT_EQ(h.flush().size(), 2u);
}

TEST(FlowAssembler, SoftflowdFileModeHasNoIdleTimeouts) {
  AssemblerOptions o;
  o.clock = ExpiryClock::softflowd_file;
  o.max_life = 10 * kSec;
  o.max_flows = 2;  // softflowd checks expiry after every batch of max_flows frames
  Harness h(o);
  h.feed(kT0, udp4("10.0.0.1", "10.0.0.2", 1, 2));
  h.feed(kT0 + 5000 * kSec, udp4("10.0.0.1", "10.0.0.2", 1, 2));  // far past every idle timeout: same flow
  ASSERT_EQ(h.out.size(), 1u);  // but older than maxlife at the end of the batch
  EXPECT_EQ(h.out[0].packets, 2u);
  EXPECT_EQ(h.out[0].end_ns, kT0 + 5000 * kSec);
  h.out.clear();
  h.feed(kT0 + 5001 * kSec, udp4("10.0.0.1", "10.0.0.2", 1, 2));
  h.feed(kT0 + 5002 * kSec, udp4("10.0.0.5", "10.0.0.6", 1, 2));
  EXPECT_TRUE(h.out.empty());
  h.feed(kT0 + 5013 * kSec, udp4("10.0.0.1", "10.0.0.2", 1, 2));  // marked for expiry ...
  EXPECT_TRUE(h.out.empty());
  h.feed(kT0 + 5014 * kSec, udp4("10.0.0.1", "10.0.0.2", 1, 2));  // ... yet still counted until the batch ends
  ASSERT_EQ(h.out.size(), 1u);
  EXPECT_EQ(h.out[0].packets, 3u);
  EXPECT_EQ(h.out[0].start_ns, kT0 + 5001 * kSec);
  EXPECT_EQ(h.out[0].end_ns, kT0 + 5014 * kSec);
}

// The table against a plain map: with timeouts out of reach and a table much
// smaller than the key space, every packet and byte still lands in exactly
// one exported record, and the table never holds more than max_flows.
TEST(FlowAssembler, ConservesPacketsUnderChurn) {
  for (const ExpiryClock clock : {ExpiryClock::packet_time, ExpiryClock::softflowd_file}) {
    AssemblerOptions o;
    o.max_flows = 64;
    o.clock = clock;
    Harness h(o);
    std::mt19937 rng(7);
    std::map<std::tuple<std::uint32_t, std::uint16_t>, std::uint64_t> sent;
    std::uint64_t bytes_sent = 0;
    for (int i = 0; i < 20000; ++i) {
      const std::uint32_t host = rng() % 500;
      const std::uint16_t port = static_cast<std::uint16_t>(1000 + rng() % 3);
      const std::string src = "10.1." + std::to_string(host / 256) + "." + std::to_string(host % 256);
      const Frame f = udp4(src.c_str(), "192.0.2.1", port, 53, rng() % 200);
      h.feed(kT0 + static_cast<TimeNs>(i) * 1000, f);
      ++sent[{host, port}];
      bytes_sent += f.size() - 14;
      const std::size_t bound = clock == ExpiryClock::packet_time ? o.max_flows : 2 * o.max_flows;
      ASSERT_LE(h.assembler.stats().active_flows, bound);
    }
    auto& out = h.flush();
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
    for (const auto& r : out) {
      packets += r.packets;
      bytes += r.bytes;
      EXPECT_EQ(r.dst_addr, ip("192.0.2.1"));
    }
    EXPECT_EQ(packets, 20000u);
    EXPECT_EQ(bytes, bytes_sent);
    EXPECT_GT(h.assembler.stats().flows_evicted, 100u);
    EXPECT_EQ(h.assembler.stats().active_flows, 0u);
  }
}

}  // namespace
}  // namespace mamori::flow
