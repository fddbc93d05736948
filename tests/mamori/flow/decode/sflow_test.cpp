#include "mamori/flow/decode/sflow.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "../packet/frame_builder.hpp"
#include "mamori/flow/capture/pcap_file.hpp"
#include "mamori/flow/packet/packet_parser.hpp"

namespace mamori::flow {
namespace {

using namespace mamori::test;

const std::filesystem::path kCaptures = std::filesystem::path(MAMORI_SHARED_DATA) / "netflow-pcaps";

std::vector<std::filesystem::path> sflow_captures() {
  std::vector<std::filesystem::path> out;
  if (!std::filesystem::exists(kCaptures)) return out;
  for (const auto& e : std::filesystem::directory_iterator(kCaptures)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with("sflow-") && name.ends_with(".pcap")) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Datagram {
  TimeNs time = 0;
  std::vector<std::byte> bytes;
};

// The UDP payloads of a capture of sFlow exports, read the way the CLI will.
std::vector<Datagram> datagrams(const std::filesystem::path& path) {
  std::vector<Datagram> out;
  auto file = PcapFile::open(path.string());
  EXPECT_TRUE(file.has_value());
  if (!file) return out;
  CapturedPacket packet;
  while (true) {
    auto more = file->next(packet);
    if (!more || !*more) break;
    PacketSummary s;
    Anomaly why{};
    if (!parse_packet(static_cast<LinkType>(file->link_type()), packet.data, s, why) || s.proto != kProtoUdp) continue;
    const auto payload = packet.data.subspan(s.payload_offset, s.payload_length);
    out.push_back({packet.timestamp_ns, std::vector<std::byte>(payload.begin(), payload.end())});
  }
  return out;
}

std::vector<FlowRecord> decode(const std::vector<std::byte>& d, AnomalyCounters& anomalies, SflowStats& stats) {
  std::vector<FlowRecord> out;
  decode_sflow(Bytes(d.data(), d.size()), 42, out, anomalies, stats);
  return out;
}

// ---- tshark as the reference decoder ----

// One flow sample as tshark dissects it: the first occurrence of each field
// inside the sample, which for the sampled header is its outermost layer.
using Fields = std::map<std::string, std::string>;
struct TsharkFrame {
  Fields datagram;
  std::vector<Fields> samples;
};

std::string attribute(const std::string& line, const char* name) {
  const std::string key = std::string(name) + "=\"";
  const auto at = line.find(key);
  if (at == std::string::npos) return {};
  const auto start = at + key.size();
  return line.substr(start, line.find('"', start) - start);
}

std::vector<TsharkFrame> tshark_pdml(const std::filesystem::path& path) {
  std::vector<TsharkFrame> frames;
  const std::string cmd = "tshark -r '" + path.string() + "' -T pdml 2>/dev/null";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return frames;
  std::string line;
  char buf[65536];
  bool in_sflow = false;
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) {
    line = buf;
    if (line.find("<packet>") != std::string::npos) {
      frames.emplace_back();
      in_sflow = false;
      continue;
    }
    if (line.find("<proto name=\"sflow\"") != std::string::npos) in_sflow = true;
    if (!in_sflow || frames.empty()) continue;
    const std::string name = attribute(line, "name");
    if (name.empty()) continue;
    std::string value = attribute(line, "show");
    if (name == "sflow.flow_sample.output_interface") value = attribute(line, "value");  // the raw 32 bits
    TsharkFrame& f = frames.back();
    if (name == "sflow_245.sampletype") {
      if (value == "1" || value == "3") f.samples.emplace_back()["type"] = value;
      else f.samples.emplace_back()["type"] = "other";
      continue;
    }
    Fields& target = f.samples.empty() ? f.datagram : f.samples.back();
    if (name == "ip.src" || name == "ipv6.src") target.emplace("first_ip", name);
    target.emplace(name, value);  // keeps the first occurrence
  }
  pclose(pipe);
  return frames;
}

std::uint32_t num(const Fields& f, const std::string& key, int base = 10) {
  const auto it = f.find(key);
  return it == f.end() ? 0 : static_cast<std::uint32_t>(std::stoul(it->second, nullptr, base));
}

bool has(const Fields& f, const std::string& key) { return f.count(key) != 0; }

std::uint32_t expected_output(std::uint32_t format, std::uint32_t value, bool compact) {
  if (format != 0) return 0;  // discarded or several interfaces
  return compact && value == 0x3fffffff ? 0 : value;
}

TEST(SflowVsTshark, EveryRealCaptureFieldByField) {
  ASSERT_EQ(std::system("tshark -v > /dev/null 2>&1"), 0) << "tshark is not installed (scripts/test.sh installs it)";
  const auto captures = sflow_captures();
  ASSERT_FALSE(captures.empty()) << "no sFlow captures under " << kCaptures;
  std::size_t compared = 0;
  for (const auto& path : captures) {
    SCOPED_TRACE(path.filename().string());
    const auto ours = datagrams(path);
    const auto theirs = tshark_pdml(path);
    ASSERT_EQ(ours.size(), theirs.size());
    for (std::size_t i = 0; i < ours.size(); ++i) {
      AnomalyCounters anomalies;
      SflowStats stats;
      const auto records = decode(ours[i].bytes, anomalies, stats);
      EXPECT_EQ(anomalies.total(), 0u);
      std::vector<const Fields*> flow_samples;
      for (const auto& s : theirs[i].samples)
        if (s.at("type") != "other") flow_samples.push_back(&s);
      ASSERT_EQ(records.size(), flow_samples.size());
      const Fields& dg = theirs[i].datagram;
      for (std::size_t k = 0; k < records.size(); ++k) {
        SCOPED_TRACE("sample " + std::to_string(k));
        const FlowRecord& r = records[k];
        const Fields& t = *flow_samples[k];
        const std::string agent = has(dg, "sflow_245.agent") ? dg.at("sflow_245.agent") : dg.at("sflow_245.agent.v6");
        EXPECT_EQ(r.exporter, ip(agent.c_str()));
        EXPECT_EQ(r.observation_domain, num(dg, "sflow_245.sub_agent_id"));
        const bool v6 = t.at("first_ip") == "ipv6.src";
        const std::string src = v6 ? t.at("ipv6.src") : t.at("ip.src");
        const std::string dst = v6 ? t.at("ipv6.dst") : t.at("ip.dst");
        EXPECT_EQ(r.src_addr, ip(src.c_str()));
        EXPECT_EQ(r.dst_addr, ip(dst.c_str()));
        const std::uint32_t proto = v6 ? num(t, "ipv6.nxt") : num(t, "ip.proto");
        EXPECT_EQ(r.proto, proto);
        if (proto == kProtoTcp) {
          EXPECT_EQ(r.src_port, num(t, "tcp.srcport"));
          EXPECT_EQ(r.dst_port, num(t, "tcp.dstport"));
          EXPECT_EQ(r.tcp_flags, num(t, "tcp.flags", 16) & 0xff);
        } else if (proto == kProtoUdp) {
          EXPECT_EQ(r.src_port, num(t, "udp.srcport"));
          EXPECT_EQ(r.dst_port, num(t, "udp.dstport"));
        } else if (proto == kProtoIcmp) {
          EXPECT_EQ(r.src_port, 0);
          EXPECT_EQ(r.dst_port, num(t, "icmp.type") * 256 + num(t, "icmp.code"));
        } else if (proto == kProtoIcmpV6) {
          EXPECT_EQ(r.dst_port, num(t, "icmpv6.type") * 256 + num(t, "icmpv6.code"));
        }
        const std::uint32_t frame_length = num(t, "sflow_245.header.frame_length");
        const std::uint32_t rate = num(t, "sflow.flow_sample.sampling_rate");
        EXPECT_EQ(r.raw_bytes, frame_length);
        EXPECT_EQ(r.raw_packets, 1u);
        EXPECT_EQ(r.sampling_rate, rate);
        EXPECT_EQ(r.packets, rate);
        EXPECT_EQ(r.bytes, std::uint64_t{frame_length} * rate);
        if (t.at("type") == "1") {
          const std::uint32_t in = num(t, "sflow.flow_sample.input_interface");
          EXPECT_EQ(r.input_if, (in >> 30) == 0 && (in & 0x3fffffff) != 0x3fffffff ? in : 0u);
          const std::uint32_t out = num(t, "sflow.flow_sample.output_interface", 16);
          EXPECT_EQ(r.output_if, expected_output(out >> 30, out & 0x3fffffff, true));
        } else {
          EXPECT_EQ(r.input_if, num(t, "sflow.flow_sample.input_interface_format") == 0
                                    ? num(t, "sflow.flow_sample.input_interface_value")
                                    : 0u);
          EXPECT_EQ(r.output_if, expected_output(num(t, "sflow.flow_sample.output_interface.format"),
                                                 num(t, "sflow.flow_sample.output_interface_value"), false));
        }
        EXPECT_EQ(r.start_ns, 42u);
        EXPECT_EQ(r.source, FlowSource::sflow5);
        ++compared;
      }
    }
  }
  EXPECT_GE(compared, 15u);
}

// Values read off `tshark -V` once, so the decoder is pinned even where tshark is absent.
TEST(Sflow, ExpandedSampleKnownValues) {
  const auto path = kCaptures / "sflow-data-sflow-expanded-sample.pcap";
  ASSERT_TRUE(std::filesystem::exists(path)) << path;
  const auto d = datagrams(path);
  ASSERT_EQ(d.size(), 1u);
  AnomalyCounters anomalies;
  SflowStats stats;
  const auto r = decode(d[0].bytes, anomalies, stats);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].exporter, ip("49.49.49.49"));
  EXPECT_EQ(r[0].src_addr, ip("52.52.52.52"));
  EXPECT_EQ(r[0].dst_addr, ip("53.53.53.53"));
  EXPECT_EQ(r[0].src_port, 22);
  EXPECT_EQ(r[0].dst_port, 52237);
  EXPECT_EQ(r[0].proto, kProtoTcp);
  EXPECT_EQ(r[0].tcp_flags, 0x18);
  EXPECT_EQ(r[0].tos, 0x08);
  EXPECT_EQ(r[0].raw_bytes, 126u);
  EXPECT_EQ(r[0].bytes, 126'000u);
  EXPECT_EQ(r[0].packets, 1000u);
  EXPECT_EQ(r[0].input_if, 29001u);
  EXPECT_EQ(r[0].output_if, 1285816721u);
  EXPECT_EQ(stats.flow_samples, 1u);
}

TEST(Sflow, CompactInterfaceEncodings) {
  const std::pair<const char*, std::uint32_t> cases[] = {
      {"sflow-data-discard-interface.pcap", 0}, {"sflow-data-multiple-interfaces.pcap", 0},
      {"sflow-data-local-interface.pcap", 0}};
  for (const auto& [name, out_if] : cases) {
    const auto path = kCaptures / name;
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    AnomalyCounters anomalies;
    SflowStats stats;
    const auto r = decode(datagrams(path).at(0).bytes, anomalies, stats);
    ASSERT_EQ(r.size(), 1u) << name;
    EXPECT_EQ(r[0].input_if, 27u);
    EXPECT_EQ(r[0].output_if, out_if);
    EXPECT_EQ(r[0].sampling_rate, 1024u);
    EXPECT_EQ(r[0].raw_bytes, 1518u);
    EXPECT_EQ(r[0].proto, kProtoTcp);
    EXPECT_FALSE(r[0].src_addr.is_v4());
  }
  AnomalyCounters a;
  SflowStats s;
  decode(datagrams(kCaptures / "sflow-data-discard-interface.pcap").at(0).bytes, a, s);
  EXPECT_EQ(s.discarded_samples, 1u);
  decode(datagrams(kCaptures / "sflow-data-multiple-interfaces.pcap").at(0).bytes, a, s);
  EXPECT_EQ(s.multi_output_samples, 1u);
}

// ---- synthetic datagrams ----

Frame record(std::uint32_t format, const Frame& body) {
  Frame f;
  put32(f, format);
  put32(f, static_cast<std::uint32_t>(body.size()));
  append(f, body);
  while (f.size() % 4) put8(f, 0);
  return f;
}

Frame raw_header(std::uint32_t protocol, std::uint32_t frame_length, const Frame& header) {
  Frame f;
  put32(f, protocol);
  put32(f, frame_length);
  put32(f, 4);
  put32(f, static_cast<std::uint32_t>(header.size()));
  append(f, header);
  while (f.size() % 4) put8(f, 0);
  return record(1, f);
}

Frame sampled_ipv6(std::uint32_t length, std::uint8_t proto, const char* src, const char* dst, std::uint32_t sp,
                   std::uint32_t dp) {
  Frame f;
  put32(f, length);
  put32(f, proto);
  put_addr(f, ip(src));
  put_addr(f, ip(dst));
  put32(f, sp);
  put32(f, dp);
  put32(f, 0x12);
  put32(f, 0);
  return record(4, f);
}

Frame expanded_sample(std::uint32_t rate, std::uint32_t in_fmt, std::uint32_t in_val, std::uint32_t out_fmt,
                      std::uint32_t out_val, const std::vector<Frame>& records) {
  Frame body;
  put32(body, 7);  // sequence
  put32(body, 0);  // source id type
  put32(body, 5);  // source id index
  put32(body, rate);
  put32(body, 1000000);
  put32(body, 3);  // drops
  put32(body, in_fmt);
  put32(body, in_val);
  put32(body, out_fmt);
  put32(body, out_val);
  put32(body, static_cast<std::uint32_t>(records.size()));
  for (const auto& r : records) append(body, r);
  Frame f;
  put32(f, 3);
  put32(f, static_cast<std::uint32_t>(body.size()));
  append(f, body);
  return f;
}

Frame compact_sample(std::uint32_t rate, std::uint32_t input, std::uint32_t output, const std::vector<Frame>& records) {
  Frame body;
  put32(body, 9);
  put32(body, 0x00000005);
  put32(body, rate);
  put32(body, 1000000);
  put32(body, 0);
  put32(body, input);
  put32(body, output);
  put32(body, static_cast<std::uint32_t>(records.size()));
  for (const auto& r : records) append(body, r);
  Frame f;
  put32(f, 1);
  put32(f, static_cast<std::uint32_t>(body.size()));
  append(f, body);
  return f;
}

Frame datagram_v6_agent(const std::vector<Frame>& samples) {
  Frame f;
  put32(f, 5);
  put32(f, 2);
  put_addr(f, ip("2001:db8:ffff::7"));
  put32(f, 11);   // sub-agent
  put32(f, 100);  // sequence
  put32(f, 5000); // uptime
  put32(f, static_cast<std::uint32_t>(samples.size()));
  for (const auto& s : samples) append(f, s);
  return f;
}

Frame counter_sample() {
  Frame f;
  put32(f, 2);
  put32(f, 12);
  put32(f, 1);
  put32(f, 5);
  put32(f, 0);  // no counter records
  return f;
}

Frame synthetic() {
  const Frame eth = ethernet(ipv4("10.9.8.7", "10.1.2.3", kProtoUdp, udp(5353, 53, 100)), 0x0800, {0x8100'0010});
  Frame ext_switch;
  for (int i = 0; i < 4; ++i) put32(ext_switch, 1);
  Frame enterprise_sample;
  put32(enterprise_sample, (4413u << 12) | 5);
  put32(enterprise_sample, 4);
  put32(enterprise_sample, 0);
  return datagram_v6_agent({
      expanded_sample(512, 0, 70000, 1, 0, {record(1001, ext_switch), raw_header(1, 1400, eth)}),
      counter_sample(),
      compact_sample(100, 0x3fffffff, 0x80000003,
                     {sampled_ipv6(1280, kProtoTcp, "2001:db8::10", "2001:db8::20", 443, 61000)}),
      enterprise_sample,
      compact_sample(1, 4, 5, {raw_header(12, 60, ipv6("2001:db8::1", "2001:db8::2", kProtoIcmpV6, icmp(129, 0)))}),
  });
}

TEST(Sflow, SyntheticDatagramAllRecordKinds) {
  const Frame d = synthetic();
  ASSERT_TRUE(looks_like_sflow5(bytes(d)));
  AnomalyCounters anomalies;
  SflowStats stats;
  std::vector<FlowRecord> r;
  decode_sflow(bytes(d), 7'000'000'000, r, anomalies, stats);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(stats.datagrams, 1u);
  EXPECT_EQ(stats.flow_samples, 3u);
  EXPECT_EQ(stats.counter_samples, 1u);
  EXPECT_EQ(stats.other_samples, 1u);
  EXPECT_EQ(stats.discarded_samples, 1u);
  EXPECT_EQ(stats.multi_output_samples, 1u);
  EXPECT_EQ(stats.agent_drops, 3u);
  EXPECT_EQ(anomalies.get(Anomaly::sflow_counter_sample), 1u);
  EXPECT_EQ(anomalies.total(), 1u);

  for (const auto& f : r) {
    EXPECT_EQ(f.exporter, ip("2001:db8:ffff::7"));
    EXPECT_EQ(f.observation_domain, 11u);
    EXPECT_EQ(f.start_ns, 7'000'000'000u);
    EXPECT_EQ(f.end_ns, 7'000'000'000u);
  }
  // Expanded sample, raw Ethernet header behind a VLAN tag, packet discarded.
  EXPECT_EQ(r[0].src_addr, ip("10.9.8.7"));
  EXPECT_EQ(r[0].dst_addr, ip("10.1.2.3"));
  EXPECT_EQ(r[0].src_port, 5353);
  EXPECT_EQ(r[0].dst_port, 53);
  EXPECT_EQ(r[0].proto, kProtoUdp);
  EXPECT_EQ(r[0].raw_bytes, 1400u);
  EXPECT_EQ(r[0].bytes, 1400u * 512);
  EXPECT_EQ(r[0].packets, 512u);
  EXPECT_EQ(r[0].input_if, 70000u);
  EXPECT_EQ(r[0].output_if, 0u);
  // Compact sample with only a sampled IPv6 record; input is the device itself, output multiple.
  EXPECT_EQ(r[1].src_addr, ip("2001:db8::10"));
  EXPECT_EQ(r[1].dst_port, 61000);
  EXPECT_EQ(r[1].tcp_flags, 0x12);
  EXPECT_EQ(r[1].raw_bytes, 1280u);
  EXPECT_EQ(r[1].bytes, 128000u);
  EXPECT_EQ(r[1].input_if, 0u);
  EXPECT_EQ(r[1].output_if, 0u);
  // Raw IPv6 header protocol: ICMPv6 echo reply.
  EXPECT_EQ(r[2].proto, kProtoIcmpV6);
  EXPECT_EQ(r[2].dst_port, 129 * 256);
  EXPECT_EQ(r[2].input_if, 4u);
  EXPECT_EQ(r[2].output_if, 5u);
  EXPECT_EQ(r[2].sampling_rate, 1u);
}

TEST(Sflow, HeaderErrors) {
  AnomalyCounters anomalies;
  SflowStats stats;
  std::vector<FlowRecord> out;
  Frame v4 = synthetic();
  v4[3] = std::byte{4};  // version 4
  EXPECT_FALSE(looks_like_sflow5(bytes(v4)));
  decode_sflow(bytes(v4), 0, out, anomalies, stats);
  Frame agent = synthetic();
  agent[7] = std::byte{3};  // unknown agent address type
  decode_sflow(bytes(agent), 0, out, anomalies, stats);
  EXPECT_EQ(anomalies.get(Anomaly::sflow_bad_header), 2u);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(stats.datagrams, 0u);
}

TEST(Sflow, SampleWithoutUsableHeader) {
  Frame arp(28, std::byte{0});
  const Frame d = datagram_v6_agent({compact_sample(1, 1, 2, {raw_header(1, 64, ethernet(arp, 0x0806))})});
  AnomalyCounters anomalies;
  SflowStats stats;
  std::vector<FlowRecord> out;
  decode_sflow(bytes(d), 0, out, anomalies, stats);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(anomalies.get(Anomaly::sflow_no_header), 1u);
}

// Where the last sample ends; some agents send trailing bytes after it.
std::size_t samples_end(const std::vector<std::byte>& d) {
  std::size_t off = load_be32(d.data() + 4) == 1 ? 28 : 40;
  const std::uint32_t count = load_be32(d.data() + off - 4);
  for (std::uint32_t i = 0; i < count; ++i) off += 8 + load_be32(d.data() + off + 4);
  return off;
}

// Cutting a datagram anywhere, or overwriting any byte, never crashes, never
// reads outside it (ASan builds check that) and a cut always counts an anomaly.
TEST(Sflow, TruncatedAndCorruptedAtEveryOffset) {
  std::vector<Frame> inputs{synthetic()};
  for (const auto& path : sflow_captures())
    for (auto& d : datagrams(path)) inputs.push_back(std::move(d.bytes));
  std::size_t runs = 0;
  for (const auto& full : inputs) {
    const std::size_t end = samples_end(full);
    ASSERT_LE(end, full.size());
    for (std::size_t n = 0; n < end; ++n) {
      std::vector<std::byte> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
      AnomalyCounters anomalies;
      SflowStats stats;
      decode(cut, anomalies, stats);
      EXPECT_GT(anomalies.total() - anomalies.get(Anomaly::sflow_counter_sample), 0u) << "cut at " << n;
      ++runs;
    }
    for (std::size_t i = 0; i < full.size(); ++i) {
      for (const std::byte v : {std::byte{0xff}, std::byte{0x00}, std::byte{0x7f}}) {
        std::vector<std::byte> bad = full;
        bad[i] = v;
        AnomalyCounters anomalies;
        SflowStats stats;
        const auto r = decode(bad, anomalies, stats);
        EXPECT_LE(r.size(), stats.flow_samples);
        ++runs;
      }
    }
  }
  EXPECT_GT(runs, 1000u);
}

}  // namespace
}  // namespace mamori::flow
