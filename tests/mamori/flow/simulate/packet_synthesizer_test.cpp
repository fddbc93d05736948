#include "mamori/flow/simulate/packet_synthesizer.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <map>

#include "mamori/flow/capture/pcap_file.hpp"
#include "mamori/flow/encode/export_sink.hpp"
#include "mamori/flow/packet/packet_parser.hpp"
#include "mamori/flow/simulate/background_traffic.hpp"
#include "mamori/flow/simulate/wire_sizes.hpp"

namespace mamori::flow::sim {
namespace {

constexpr TimeNs kStart = 1'748'862'000ULL * kNsPerSecond;

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "mamori_sim_" + std::to_string(::getpid()) + "_" + name;
}

std::vector<FlowRecord> simulated(std::uint64_t n) {
  BackgroundConfig config;
  config.subscribers = 500;
  config.servers = 100;
  config.flows_per_second = 500;
  config.start_ns = kStart;
  MixLimits limits;
  limits.start_ns = kStart;
  limits.max_flows = n;
  TrafficMix mix(limits);
  mix.add(std::move(*BackgroundTraffic::create(config)));
  std::vector<FlowRecord> out;
  FlowBatch batch;
  while (mix.next(batch)) out.insert(out.end(), batch.flows.begin(), batch.flows.end());
  return out;
}

using Tuple = std::tuple<IpAddress, IpAddress, std::uint16_t, std::uint16_t, std::uint8_t>;
struct Totals {
  std::uint64_t packets = 0, bytes = 0;
  std::uint8_t flags = 0;
  TimeNs first = ~TimeNs{0}, last = 0;
};

TEST(PacketLayout, SizesAddUpAndFlagsOrToTheFlowsFlags) {
  for (std::uint8_t flags : {0x1b, 0x1a, 0x1e, 0x18, 0x02, 0x14, 0x11, 0x13}) {
    for (std::uint64_t packets : {1, 2, 3, 4, 17, 64}) {
      FlowRecord f;
      f.src_addr = IpAddress::v4(0x7e000001);
      f.dst_addr = IpAddress::v4(0x08080808);
      f.src_port = 50000;
      f.dst_port = 443;
      f.proto = kProtoTcp;
      f.tcp_flags = flags;
      f.packets = packets;
      for (std::uint64_t bytes : {packets * 40, packets * 52 + 3, packets * 900, packets * 1500}) {
        f.bytes = bytes;
        std::uint64_t sum = 0;
        std::uint8_t all = 0;
        for (std::uint64_t i = 0; i < packets; ++i) {
          const auto size = synthetic_packet_size(f, i);
          ASSERT_GE(size, 40u);
          ASSERT_LE(size, kMaxIpPacket);
          sum += size;
          all |= synthetic_packet_flags(f, i);
        }
        EXPECT_EQ(sum, bytes) << int(flags) << " " << packets;
        EXPECT_EQ(all, flags) << int(flags) << " " << packets;
        if ((flags & 0x12) == 0x12 && packets >= 2) {
          EXPECT_EQ(synthetic_packet_flags(f, 0), 0x02) << "the client's SYN has no ACK";
        }
      }
    }
  }
}

TEST(PacketLayout, ThinningKeepsBytesWithinPacketBounds) {
  FlowRecord f;
  f.src_addr = IpAddress::v6(std::array<std::uint8_t, 16>{0x24, 0x00, 0x40, 0x50}.data());
  f.dst_addr = IpAddress::v6(std::array<std::uint8_t, 16>{0x26, 0x07, 0xf8, 0xb0}.data());
  f.proto = kProtoUdp;
  f.start_ns = kStart;
  f.end_ns = kStart + 60 * kNsPerSecond;
  f.packets = 10'000;
  f.bytes = 10'000 * 1400;
  CaptureOptions options;
  options.max_packets_per_flow = 10;
  const auto g = fit_to_capture(f, options);
  EXPECT_EQ(g.packets, 10u);
  EXPECT_EQ(g.bytes, 14'000u);
  EXPECT_EQ(g.end_ns, f.end_ns);
  options.max_packets_per_flow = 0;
  EXPECT_EQ(fit_to_capture(f, options), f);
}

class SynthesisedCapture : public ::testing::TestWithParam<LinkType> {};

TEST_P(SynthesisedCapture, ReadsBackAsTheFlowsItWasMadeFrom) {
  const auto flows = simulated(3000);
  const std::string path = temp_path(GetParam() == LinkType::ethernet ? "eth.pcap" : "raw.pcap");
  CaptureOptions options;
  options.max_packets_per_flow = 32;
  std::map<Tuple, Totals> expected;
  std::uint64_t expected_packets = 0;
  {
    auto writer = PcapWriter::open(path, GetParam());
    ASSERT_TRUE(writer) << writer.error().message;
    PacketSynthesizer synth(options, **writer);
    for (const auto& f : flows) {
      ASSERT_TRUE(synth.add(f));
      const auto g = fit_to_capture(f, options);
      auto& t = expected[{g.src_addr, g.dst_addr, g.src_port, g.dst_port, g.proto}];
      t.packets += g.packets;
      t.bytes += g.bytes;
      t.flags |= g.tcp_flags;
      t.first = std::min(t.first, g.start_ns);
      t.last = std::max(t.last, g.end_ns);
      expected_packets += g.packets;
    }
    ASSERT_TRUE(synth.finish());
    EXPECT_EQ(synth.packets(), expected_packets);
    ASSERT_TRUE((*writer)->close());
  }
  auto file = PcapFile::open(path);
  ASSERT_TRUE(file) << file.error().message;
  // libpcap reports raw IP (LINKTYPE_RAW 101 in the file) as DLT_RAW, 12 on Linux.
  if (GetParam() == LinkType::ethernet) {
    EXPECT_EQ(file->link_type(), 1u);
  } else {
    EXPECT_TRUE(file->link_type() == 101u || file->link_type() == 12u) << file->link_type();
  }
  std::map<Tuple, Totals> seen;
  CapturedPacket packet;
  TimeNs previous = 0;
  std::uint64_t packets = 0;
  while (true) {
    auto more = file->next(packet);
    ASSERT_TRUE(more) << more.error().message;
    if (!*more) break;
    ++packets;
    ASSERT_GE(packet.timestamp_ns, previous) << "packets are written in time order";
    previous = packet.timestamp_ns;
    PacketSummary s;
    Anomaly why{};
    ASSERT_TRUE(parse_packet(GetParam(), packet.data, s, why));
    ASSERT_LE(s.ip_length, kMaxIpPacket);
    ASSERT_EQ(s.ip_length + link_header_length(GetParam()), packet.wire_length);
    auto& t = seen[{s.src_addr, s.dst_addr, s.src_port, s.dst_port, s.proto}];
    t.packets += 1;
    t.bytes += s.ip_length;
    t.flags |= s.tcp_flags;
    t.first = std::min(t.first, packet.timestamp_ns);
    t.last = std::max(t.last, packet.timestamp_ns);
  }
  EXPECT_EQ(packets, expected_packets);
  ASSERT_EQ(seen.size(), expected.size());
  for (const auto& [tuple, want] : expected) {
    const auto it = seen.find(tuple);
    ASSERT_NE(it, seen.end()) << std::get<0>(tuple).to_string();
    EXPECT_EQ(it->second.packets, want.packets);
    EXPECT_EQ(it->second.bytes, want.bytes);
    EXPECT_EQ(it->second.flags, want.flags);
    EXPECT_EQ(it->second.first, want.first);
    EXPECT_EQ(it->second.last, want.last);
  }
  std::remove(path.c_str());
}

INSTANTIATE_TEST_SUITE_P(Links, SynthesisedCapture, ::testing::Values(LinkType::ethernet, LinkType::raw_ip),
                         [](const auto& param_info) { return param_info.param == LinkType::ethernet ? "ethernet" : "raw"; });

TEST(PcapWriter, SnaplenCutsFramesButKeepsTheirLength) {
  const std::string path = temp_path("snap.pcap");
  {
    auto writer = PcapWriter::open(path, LinkType::ethernet, 64);
    ASSERT_TRUE(writer);
    PacketSpec spec;
    spec.src = IpAddress::v4(0x7e000001);
    spec.dst = IpAddress::v4(0x08080808);
    spec.src_port = 40000;
    spec.dst_port = 53;
    spec.proto = kProtoUdp;
    spec.ip_length = 1000;
    std::vector<std::byte> frame(kMaxFrame);
    const auto n = build_packet(LinkType::ethernet, spec, frame.data());
    ASSERT_EQ(n, 1014u);
    ASSERT_TRUE((*writer)->write(kStart + 123, Bytes(frame.data(), n)));
    spec.ip_length = 10;  // below the headers: refused
    EXPECT_EQ(build_packet(LinkType::ethernet, spec, frame.data()), 0u);
    ASSERT_TRUE((*writer)->close());
  }
  auto file = PcapFile::open(path);
  ASSERT_TRUE(file);
  CapturedPacket packet;
  ASSERT_TRUE(*file->next(packet));
  EXPECT_EQ(packet.timestamp_ns, kStart + 123);
  EXPECT_EQ(packet.data.size(), 64u);
  EXPECT_EQ(packet.wire_length, 1014u);
  std::remove(path.c_str());
  EXPECT_FALSE(PcapWriter::open("/nonexistent-dir/x.pcap", LinkType::ethernet));
}

TEST(PcapExportSink, WrapsDatagramsInUdpFromExporterToCollector) {
  const std::string path = temp_path("export.pcap");
  {
    PcapExportSink::Endpoints endpoints;
    endpoints.collector_port = 4739;
    auto sink = PcapExportSink::open(path, endpoints);
    ASSERT_TRUE(sink);
    const std::vector<std::byte> payload(100, std::byte{0xab});
    ASSERT_TRUE((*sink)->send(Bytes(payload.data(), payload.size()), kStart));
    ASSERT_TRUE((*sink)->finish());
  }
  auto file = PcapFile::open(path);
  ASSERT_TRUE(file);
  CapturedPacket packet;
  ASSERT_TRUE(*file->next(packet));
  PacketSummary s;
  Anomaly why{};
  ASSERT_TRUE(parse_packet(LinkType::ethernet, packet.data, s, why));
  EXPECT_EQ(s.src_addr, IpAddress::v4(0x7f000001));
  EXPECT_EQ(s.dst_port, 4739);
  EXPECT_EQ(s.proto, kProtoUdp);
  EXPECT_EQ(s.payload_length, 100u);
  EXPECT_EQ(static_cast<int>(packet.data[s.payload_offset]), 0xab);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace mamori::flow::sim
