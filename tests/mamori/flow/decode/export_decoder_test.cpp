#include "mamori/flow/decode/export_decoder.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "mamori/flow/decode/information_elements.hpp"

namespace mamori::flow {
namespace {

// Builds export datagrams byte by byte so tests can also build broken ones.
class Builder {
 public:
  Builder& u8(std::uint8_t v) {
    bytes_.push_back(std::byte{v});
    return *this;
  }
  Builder& u16(std::uint16_t v) { return u8(static_cast<std::uint8_t>(v >> 8)).u8(static_cast<std::uint8_t>(v)); }
  Builder& u32(std::uint32_t v) { return u16(static_cast<std::uint16_t>(v >> 16)).u16(static_cast<std::uint16_t>(v)); }
  Builder& u64(std::uint64_t v) { return u32(static_cast<std::uint32_t>(v >> 32)).u32(static_cast<std::uint32_t>(v)); }
  Builder& ip4(const char* text) { return u32(IpAddress::parse(text)->v4_value()); }
  Builder& ip6(const char* text) {
    for (auto b : IpAddress::parse(text)->bytes()) u8(b);
    return *this;
  }
  // Starts a set/flowset; end_set() patches its length.
  Builder& begin_set(std::uint16_t id) {
    set_start_ = bytes_.size();
    return u16(id).u16(0);
  }
  Builder& end_set() {
    patch16(set_start_ + 2, static_cast<std::uint16_t>(bytes_.size() - set_start_));
    return *this;
  }
  void patch16(std::size_t at, std::uint16_t v) {
    bytes_[at] = std::byte{static_cast<std::uint8_t>(v >> 8)};
    bytes_[at + 1] = std::byte{static_cast<std::uint8_t>(v)};
  }
  std::vector<std::byte>& bytes() { return bytes_; }
  std::size_t size() const { return bytes_.size(); }

 private:
  std::vector<std::byte> bytes_;
  std::size_t set_start_ = 0;
};

constexpr std::uint32_t kExportSecs = 1700000000;

Builder ipfix_header(std::uint32_t domain, std::uint32_t sequence = 0) {
  Builder b;
  b.u16(10).u16(0).u32(kExportSecs).u32(sequence).u32(domain);
  return b;
}

void finish_ipfix(Builder& b) { b.patch16(2, static_cast<std::uint16_t>(b.size())); }

Builder v9_header(std::uint32_t source_id, std::uint32_t uptime_ms, std::uint16_t count = 1,
                  std::uint32_t sequence = 0) {
  Builder b;
  b.u16(9).u16(count).u32(uptime_ms).u32(kExportSecs).u32(sequence).u32(source_id);
  return b;
}

// A basic IPv4 template: src, dst, sport, dport, proto, flags, packets(4), bytes(8), start/end ms.
void add_ipv4_template(Builder& b, std::uint16_t id) {
  b.begin_set(2).u16(id).u16(10);
  b.u16(ie::sourceIPv4Address).u16(4).u16(ie::destinationIPv4Address).u16(4);
  b.u16(ie::sourceTransportPort).u16(2).u16(ie::destinationTransportPort).u16(2);
  b.u16(ie::protocolIdentifier).u16(1).u16(ie::tcpControlBits).u16(1);
  b.u16(ie::packetDeltaCount).u16(4).u16(ie::octetDeltaCount).u16(8);
  b.u16(ie::flowStartMilliseconds).u16(8).u16(ie::flowEndMilliseconds).u16(8);
  b.end_set();
}

void add_ipv4_record(Builder& b, const char* src, const char* dst, std::uint16_t sport, std::uint16_t dport,
                     std::uint8_t proto, std::uint32_t packets, std::uint64_t bytes) {
  b.ip4(src).ip4(dst).u16(sport).u16(dport).u8(proto).u8(0x1b).u32(packets).u64(bytes);
  b.u64(std::uint64_t{kExportSecs} * 1000 - 5000).u64(std::uint64_t{kExportSecs} * 1000 - 10);
}

ExportDatagram datagram(Builder& b, TimeNs at = std::uint64_t{kExportSecs} * kNsPerSecond,
                        const char* exporter = "192.0.2.1") {
  return ExportDatagram{*IpAddress::parse(exporter), at, b.bytes()};
}

TEST(Ipfix, DecodesTemplateAndData) {
  ExportDecoder decoder;
  Builder b = ipfix_header(7);
  add_ipv4_template(b, 256);
  b.begin_set(256);
  add_ipv4_record(b, "198.51.100.1", "203.0.113.9", 51000, 443, 6, 12, 3400);
  add_ipv4_record(b, "203.0.113.9", "198.51.100.1", 443, 51000, 6, 10, 12000);
  b.u8(0).u8(0);  // set padding
  b.end_set();
  finish_ipfix(b);
  std::vector<FlowRecord> out;
  decoder.decode(datagram(b), out);
  ASSERT_EQ(out.size(), 2u);
  const FlowRecord& f = out[0];
  EXPECT_EQ(f.src_addr.to_string(), "198.51.100.1");
  EXPECT_EQ(f.dst_addr.to_string(), "203.0.113.9");
  EXPECT_EQ(f.src_port, 51000);
  EXPECT_EQ(f.dst_port, 443);
  EXPECT_EQ(f.proto, 6);
  EXPECT_EQ(f.tcp_flags, 0x1b);
  EXPECT_EQ(f.packets, 12u);
  EXPECT_EQ(f.bytes, 3400u);
  EXPECT_EQ(f.start_ns, (std::uint64_t{kExportSecs} * 1000 - 5000) * kNsPerMs);
  EXPECT_EQ(f.end_ns, (std::uint64_t{kExportSecs} * 1000 - 10) * kNsPerMs);
  EXPECT_EQ(f.observation_domain, 7u);
  EXPECT_EQ(f.exporter.to_string(), "192.0.2.1");
  EXPECT_EQ(f.source, FlowSource::ipfix);
  EXPECT_EQ(f.sampling_rate, 1u);
  EXPECT_EQ(decoder.anomalies().total(), 0u);
  EXPECT_EQ(decoder.templates().size(), 1u);
}

TEST(Ipfix, TemplatesAreKeyedByExporterAndDomain) {
  ExportDecoder decoder;
  std::vector<FlowRecord> out;
  Builder t1 = ipfix_header(1);
  add_ipv4_template(t1, 300);
  finish_ipfix(t1);
  decoder.decode(datagram(t1), out);
  // Same template ID in another domain of the same exporter: an IPv6-only layout.
  Builder t2 = ipfix_header(2);
  t2.begin_set(2).u16(300).u16(3);
  t2.u16(ie::sourceIPv6Address).u16(16).u16(ie::destinationIPv6Address).u16(16).u16(ie::packetDeltaCount).u16(4);
  t2.end_set();
  finish_ipfix(t2);
  decoder.decode(datagram(t2), out);

  Builder d2 = ipfix_header(2);
  d2.begin_set(300).ip6("2001:db8::1").ip6("2001:db8::2").u32(5).end_set();
  finish_ipfix(d2);
  decoder.decode(datagram(d2), out);
  Builder d1 = ipfix_header(1);
  d1.begin_set(300);
  add_ipv4_record(d1, "192.0.2.10", "192.0.2.20", 1, 2, 17, 3, 300);
  d1.end_set();
  finish_ipfix(d1);
  decoder.decode(datagram(d1), out);
  // A third exporter that never sent a template gets nothing.
  decoder.decode(datagram(d1, std::uint64_t{kExportSecs} * kNsPerSecond, "192.0.2.99"), out);

  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].src_addr.to_string(), "2001:db8::1");
  EXPECT_EQ(out[0].packets, 5u);
  EXPECT_EQ(out[1].src_addr.to_string(), "192.0.2.10");
  EXPECT_EQ(decoder.anomalies().get(Anomaly::data_before_template), 1u);
}

TEST(Ipfix, DataBeforeTemplateIsBufferedThenDecoded) {
  ExportDecoder decoder;
  std::vector<FlowRecord> out;
  Builder d = ipfix_header(1);
  d.begin_set(256);
  add_ipv4_record(d, "192.0.2.10", "192.0.2.20", 1, 2, 17, 3, 300);
  d.end_set();
  finish_ipfix(d);
  decoder.decode(datagram(d), out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(decoder.stats().pending_sets, 1u);
  Builder t = ipfix_header(1);
  add_ipv4_template(t, 256);
  finish_ipfix(t);
  decoder.decode(datagram(t, std::uint64_t{kExportSecs + 5} * kNsPerSecond), out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].bytes, 300u);
  EXPECT_EQ(decoder.stats().pending_sets, 0u);
  EXPECT_EQ(decoder.anomalies().get(Anomaly::data_template_timeout), 0u);
}

TEST(Ipfix, DataWaitingTooLongIsDroppedAndCounted) {
  DecoderOptions options;
  options.pending_timeout = 10 * kNsPerSecond;
  ExportDecoder decoder(options);
  std::vector<FlowRecord> out;
  Builder d = ipfix_header(1);
  d.begin_set(256);
  add_ipv4_record(d, "192.0.2.10", "192.0.2.20", 1, 2, 17, 3, 300);
  d.end_set();
  finish_ipfix(d);
  decoder.decode(datagram(d), out);
  Builder t = ipfix_header(1);
  add_ipv4_template(t, 256);
  finish_ipfix(t);
  decoder.decode(datagram(t, std::uint64_t{kExportSecs + 11} * kNsPerSecond), out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(decoder.anomalies().get(Anomaly::data_template_timeout), 1u);
}

TEST(Ipfix, PendingBufferIsBounded) {
  DecoderOptions options;
  options.pending_max_bytes = 100;
  ExportDecoder decoder(options);
  std::vector<FlowRecord> out;
  for (int i = 0; i < 5; ++i) {
    Builder d = ipfix_header(1);
    d.begin_set(256);
    add_ipv4_record(d, "192.0.2.10", "192.0.2.20", 1, 2, 17, 3, 300);
    d.end_set();
    finish_ipfix(d);
    decoder.decode(datagram(d), out);
  }
  EXPECT_EQ(decoder.stats().pending_sets, 2u);  // 2 * 45 bytes fit in 100
  EXPECT_EQ(decoder.anomalies().get(Anomaly::data_buffer_full), 3u);
  decoder.finish();
  EXPECT_EQ(decoder.anomalies().get(Anomaly::data_template_timeout), 2u);
}

TEST(Ipfix, VariableLengthAndEnterpriseFieldsAreSkippedSafely) {
  ExportDecoder decoder;
  std::vector<FlowRecord> out;
  Builder b = ipfix_header(1);
  b.begin_set(2).u16(400).u16(5);
  b.u16(ie::sourceIPv4Address).u16(4);
  b.u16(0x8000 | 12).u16(4).u32(9);  // enterprise 9, element 12: must not be taken as the destination
  b.u16(ie::destinationIPv4Address).u16(4);
  b.u16(82).u16(0xffff);  // interfaceName, variable length
  b.u16(ie::octetDeltaCount).u16(4);
  b.end_set();
  b.begin_set(400);
  b.ip4("10.0.0.1").ip4("10.9.9.9").ip4("10.0.0.2").u8(3).u8('e').u8('t').u8('h').u32(1000);
  // Long form of the variable length: 255 then two bytes.
  b.ip4("10.0.0.3").ip4("10.9.9.9").ip4("10.0.0.4").u8(255).u16(300);
  for (int i = 0; i < 300; ++i) b.u8('x');
  b.u32(2000);
  b.end_set();
  finish_ipfix(b);
  decoder.decode(datagram(b), out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].dst_addr.to_string(), "10.0.0.2");
  EXPECT_EQ(out[0].bytes, 1000u);
  EXPECT_EQ(out[1].src_addr.to_string(), "10.0.0.3");
  EXPECT_EQ(out[1].bytes, 2000u);
  EXPECT_EQ(decoder.anomalies().total(), 0u);
}

TEST(Ipfix, VariableLengthOverrunIsCounted) {
  ExportDecoder decoder;
  std::vector<FlowRecord> out;
  Builder b = ipfix_header(1);
  b.begin_set(2).u16(400).u16(3).u16(ie::sourceIPv4Address).u16(4).u16(82).u16(0xffff).u16(
      ie::destinationIPv4Address).u16(4);
  b.end_set();
  b.begin_set(400).ip4("10.0.0.1").u8(200).u32(7).end_set();  // claims 200 bytes, has 4
  finish_ipfix(b);
  decoder.decode(datagram(b), out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(decoder.anomalies().get(Anomaly::varlen_overrun), 1u);
}

TEST(Ipfix, SamplingRateComesFromOptionsDataBySelectorId) {
  ExportDecoder decoder;
  std::vector<FlowRecord> out;
  Builder b = ipfix_header(1);
  // Options template: scope selectorId; options samplingPacketInterval, samplingPacketSpace.
  b.begin_set(3).u16(500).u16(3).u16(1);
  b.u16(ie::selectorId).u16(8).u16(ie::samplingPacketInterval).u16(4).u16(ie::samplingPacketSpace).u16(4);
  b.end_set();
  b.begin_set(500).u64(42).u32(1).u32(999).u64(43).u32(1).u32(99).end_set();
  b.begin_set(2).u16(256).u16(4);
  b.u16(ie::sourceIPv4Address).u16(4).u16(ie::destinationIPv4Address).u16(4).u16(ie::selectorId).u16(8).u16(
      ie::packetDeltaCount).u16(4);
  b.end_set();
  b.begin_set(256);
  b.ip4("10.0.0.1").ip4("10.0.0.2").u64(42).u32(3);
  b.ip4("10.0.0.1").ip4("10.0.0.2").u64(43).u32(3);
  b.ip4("10.0.0.1").ip4("10.0.0.2").u64(44).u32(3);  // unknown selector: unsampled
  b.end_set();
  finish_ipfix(b);
  decoder.decode(datagram(b), out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].sampling_rate, 1000u);
  EXPECT_EQ(out[0].raw_packets, 3u);
  EXPECT_EQ(out[0].packets, 3000u);
  EXPECT_EQ(out[1].sampling_rate, 100u);
  EXPECT_EQ(out[2].sampling_rate, 1u);
  EXPECT_EQ(decoder.stats().options_records, 2u);
}

TEST(Ipfix, TemplateWithdrawal) {
  ExportDecoder decoder;
  std::vector<FlowRecord> out;
  Builder t = ipfix_header(1);
  add_ipv4_template(t, 256);
  add_ipv4_template(t, 257);
  finish_ipfix(t);
  decoder.decode(datagram(t), out);
  EXPECT_EQ(decoder.templates().size(), 2u);
  Builder w = ipfix_header(1);
  w.begin_set(2).u16(256).u16(0).end_set();
  finish_ipfix(w);
  decoder.decode(datagram(w), out);
  EXPECT_EQ(decoder.templates().size(), 1u);
  Builder all = ipfix_header(1);
  all.begin_set(2).u16(2).u16(0).end_set();  // withdraw every template of the domain
  finish_ipfix(all);
  decoder.decode(datagram(all), out);
  EXPECT_EQ(decoder.templates().size(), 0u);
  Builder unknown = ipfix_header(1);
  unknown.begin_set(2).u16(999).u16(0).end_set();
  finish_ipfix(unknown);
  decoder.decode(datagram(unknown), out);
  EXPECT_EQ(decoder.anomalies().get(Anomaly::template_withdrawn_unknown), 1u);
}

TEST(Ipfix, BiflowReverseCountersBecomeTheirOwnRecord) {
  ExportDecoder decoder;
  std::vector<FlowRecord> out;
  Builder b = ipfix_header(1);
  b.begin_set(2).u16(256).u16(7);
  b.u16(ie::sourceIPv4Address).u16(4).u16(ie::destinationIPv4Address).u16(4);
  b.u16(ie::sourceTransportPort).u16(2).u16(ie::destinationTransportPort).u16(2).u16(ie::protocolIdentifier).u16(1);
  b.u16(ie::octetDeltaCount).u16(8);
  b.u16(0x8000 | ie::octetDeltaCount).u16(8).u32(ie::kReversePen);
  b.end_set();
  b.begin_set(256).ip4("10.0.0.1").ip4("10.0.0.2").u16(1234).u16(80).u8(6).u64(100).u64(5000).end_set();
  finish_ipfix(b);
  decoder.decode(datagram(b), out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].bytes, 100u);
  EXPECT_EQ(out[1].src_addr.to_string(), "10.0.0.2");
  EXPECT_EQ(out[1].src_port, 80);
  EXPECT_EQ(out[1].dst_port, 1234);
  EXPECT_EQ(out[1].bytes, 5000u);
}

TEST(Ipfix, SequenceGapsAreCounted) {
  ExportDecoder decoder;
  std::vector<FlowRecord> out;
  Builder t = ipfix_header(1, 0);
  add_ipv4_template(t, 256);
  finish_ipfix(t);
  decoder.decode(datagram(t), out);
  for (std::uint32_t seq : {0u, 1u, 5u}) {  // 1 record each: 0, 1, then a jump to 5
    Builder d = ipfix_header(1, seq);
    d.begin_set(256);
    add_ipv4_record(d, "10.0.0.1", "10.0.0.2", 1, 2, 17, 1, 1);
    d.end_set();
    finish_ipfix(d);
    decoder.decode(datagram(d), out);
  }
  EXPECT_EQ(decoder.stats().sequence_gaps, 1u);
}

TEST(NetflowV9, DecodesUptimeRelativeTimesAcrossTheWrap) {
  ExportDecoder decoder;
  std::vector<FlowRecord> out;
  // sysUptime just wrapped to 1000 ms; the flow started 3000 ms before, i.e. before the wrap.
  Builder b = v9_header(77, 1000, 2);
  b.begin_set(0).u16(260).u16(6);
  b.u16(ie::sourceIPv4Address).u16(4).u16(ie::destinationIPv4Address).u16(4);
  b.u16(ie::flowStartSysUpTime).u16(4).u16(ie::flowEndSysUpTime).u16(4);
  b.u16(ie::packetDeltaCount).u16(4).u16(ie::octetDeltaCount).u16(4);
  b.end_set();
  b.begin_set(260).ip4("10.1.1.1").ip4("10.2.2.2").u32(0xffffffffu - 1999).u32(500).u32(4).u32(400).end_set();
  decoder.decode(datagram(b), out);
  ASSERT_EQ(out.size(), 1u);
  const TimeNs export_ns = std::uint64_t{kExportSecs} * kNsPerSecond;
  EXPECT_EQ(out[0].start_ns, export_ns - 3000 * kNsPerMs);
  EXPECT_EQ(out[0].end_ns, export_ns - 500 * kNsPerMs);
  EXPECT_EQ(out[0].observation_domain, 77u);
  EXPECT_EQ(out[0].source, FlowSource::netflow9);
}

TEST(NetflowV9, OptionsTemplateScopeIsNotMistakenForFields) {
  ExportDecoder decoder;
  std::vector<FlowRecord> out;
  Builder b = v9_header(0, 100000, 4);
  // Options template: scope System(1) of 4 bytes; options SAMPLING_INTERVAL(34) 4 bytes.
  b.begin_set(1).u16(257).u16(4).u16(4).u16(1).u16(4).u16(ie::samplingInterval).u16(4).u16(0).end_set();
  b.begin_set(257).u32(8).u32(512).end_set();  // scope value 8 would be IE 8 if misread
  b.begin_set(0).u16(260).u16(3);
  b.u16(ie::sourceIPv4Address).u16(4).u16(ie::destinationIPv4Address).u16(4).u16(ie::packetDeltaCount).u16(4);
  b.end_set();
  b.begin_set(260).ip4("10.1.1.1").ip4("10.2.2.2").u32(2).end_set();
  decoder.decode(datagram(b), out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].sampling_rate, 512u);
  EXPECT_EQ(out[0].packets, 1024u);
}

TEST(NetflowV5, DecodesHeaderSamplingAndRecords) {
  ExportDecoder decoder;
  std::vector<FlowRecord> out;
  Builder b;
  b.u16(5).u16(2).u32(600000).u32(kExportSecs).u32(0).u32(100).u8(1).u8(2).u16(0x4000 | 64);
  for (int i = 0; i < 2; ++i) {
    b.ip4("198.51.100.7").ip4("192.0.2.8").ip4("0.0.0.0").u16(3).u16(4).u32(10).u32(1500);
    b.u32(590000).u32(599000).u16(i == 0 ? 53 : 0).u16(i == 0 ? 40000 : 0x0800).u8(0).u8(0).u8(i == 0 ? 17 : 1).u8(0);
    b.u16(0).u16(0).u8(0).u8(0).u16(0);
  }
  decoder.decode(datagram(b), out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].src_port, 53);
  EXPECT_EQ(out[0].sampling_rate, 64u);
  EXPECT_EQ(out[0].packets, 640u);
  EXPECT_EQ(out[0].raw_bytes, 1500u);
  EXPECT_EQ(out[0].input_if, 3u);
  EXPECT_EQ(out[0].start_ns, (std::uint64_t{kExportSecs} * 1000 - 10000) * kNsPerMs);
  EXPECT_EQ(out[0].observation_domain, 0x0102u);
  EXPECT_EQ(out[1].proto, 1);
  EXPECT_EQ(out[1].dst_port, 0x0800);  // ICMP echo request as type * 256 + code
}

TEST(NetflowV5, CountBeyondDatagramIsRejected) {
  ExportDecoder decoder;
  std::vector<FlowRecord> out;
  Builder b;
  b.u16(5).u16(3).u32(0).u32(kExportSecs).u32(0).u32(0).u8(0).u8(0).u16(0);
  for (int i = 0; i < 48; ++i) b.u8(0);
  decoder.decode(datagram(b), out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(decoder.anomalies().get(Anomaly::nf5_bad_count), 1u);
}

TEST(ExportDecoder, UnknownPayloadIsCounted) {
  ExportDecoder decoder;
  std::vector<FlowRecord> out;
  Builder b;
  b.u32(0xdeadbeef).u32(1).u32(2);
  decoder.decode(datagram(b), out);
  EXPECT_EQ(decoder.anomalies().get(Anomaly::export_unknown_version), 1u);
}

// Every prefix of a valid message either decodes a subset of its records or
// is counted; never a crash and never a record that was not in the message.
TEST(ExportDecoder, EveryTruncationIsSafe) {
  Builder b = ipfix_header(1);
  add_ipv4_template(b, 256);
  b.begin_set(256);
  add_ipv4_record(b, "198.51.100.1", "203.0.113.9", 51000, 443, 6, 12, 3400);
  add_ipv4_record(b, "203.0.113.9", "198.51.100.1", 443, 51000, 6, 10, 12000);
  b.end_set();
  finish_ipfix(b);
  for (std::size_t len = 0; len <= b.size(); ++len) {
    std::vector<std::byte> copy(b.bytes().begin(), b.bytes().begin() + static_cast<std::ptrdiff_t>(len));
    ExportDecoder decoder;
    std::vector<FlowRecord> out;
    decoder.decode(ExportDatagram{IpAddress::v4(1), 0, copy}, out);
    if (len < b.size()) {
      EXPECT_TRUE(out.empty()) << len;
      EXPECT_GE(decoder.anomalies().total(), 1u) << len;
    } else {
      EXPECT_EQ(out.size(), 2u);
    }
    for (const auto& f : out) EXPECT_TRUE(f.bytes == 3400 || f.bytes == 12000);
  }
}

TEST(ExportDecoder, CorruptedBytesNeverCrash) {
  Builder b = ipfix_header(1);
  add_ipv4_template(b, 256);
  b.begin_set(256);
  add_ipv4_record(b, "198.51.100.1", "203.0.113.9", 51000, 443, 6, 12, 3400);
  b.end_set();
  finish_ipfix(b);
  std::uint32_t seed = 12345;
  for (int round = 0; round < 2000; ++round) {
    std::vector<std::byte> copy = b.bytes();
    for (int k = 0; k < 3; ++k) {
      seed = seed * 1103515245 + 12345;
      copy[(seed >> 8) % copy.size()] = std::byte{static_cast<std::uint8_t>(seed >> 24)};
    }
    ExportDecoder decoder;
    std::vector<FlowRecord> out;
    decoder.decode(ExportDatagram{IpAddress::v4(1), 0, copy}, out);
    EXPECT_LE(out.size(), 4u);
  }
}

TEST(ExportDecoder, TemplateTableIsBounded) {
  DecoderOptions options;
  options.max_templates = 3;
  ExportDecoder decoder(options);
  std::vector<FlowRecord> out;
  Builder t = ipfix_header(1);
  for (std::uint16_t id = 256; id < 261; ++id) add_ipv4_template(t, id);
  finish_ipfix(t);
  decoder.decode(datagram(t), out);
  EXPECT_EQ(decoder.templates().size(), 3u);
  EXPECT_EQ(decoder.anomalies().get(Anomaly::template_too_large), 2u);
}

TEST(DetectExportVersion, RecognisesEachProtocol) {
  ExportVersion v{};
  Builder ipfix = ipfix_header(1);
  finish_ipfix(ipfix);
  EXPECT_TRUE(detect_export_version(ipfix.bytes(), v));
  EXPECT_EQ(v, ExportVersion::ipfix);
  Builder nf9 = v9_header(1, 1);
  EXPECT_TRUE(detect_export_version(nf9.bytes(), v));
  EXPECT_EQ(v, ExportVersion::netflow9);
  Builder dns;
  dns.u16(0x1234).u16(0x0100).u16(1).u16(0).u32(0);
  EXPECT_FALSE(detect_export_version(dns.bytes(), v));
}

}  // namespace
}  // namespace mamori::flow
