#include <gtest/gtest.h>

#include <map>

#include "mamori/flow/encode/flow_encoder.hpp"
#include "mamori/flow/encode/ipfix_encoder.hpp"
#include "mamori/flow/encode/message_builder.hpp"
#include "mamori/flow/encode/netflow5_encoder.hpp"
#include "mamori/flow/encode/netflow9_encoder.hpp"
#include "mamori/flow/simulate/background_traffic.hpp"

namespace mamori::flow {
namespace {

constexpr TimeNs kStart = 1'748'862'000ULL * kNsPerSecond;

std::vector<FlowRecord> simulated(std::uint64_t n, double ipv6_share = 0.2) {
  sim::BackgroundConfig config;
  config.subscribers = 1000;
  config.servers = 200;
  config.flows_per_second = 5000;
  config.start_ns = kStart;
  config.ipv6_share = ipv6_share;
  sim::MixLimits limits;
  limits.start_ns = kStart;
  limits.max_flows = n;
  sim::TrafficMix mix(limits);
  mix.add(std::move(*sim::BackgroundTraffic::create(config)));
  std::vector<FlowRecord> out;
  sim::FlowBatch batch;
  while (mix.next(batch)) out.insert(out.end(), batch.flows.begin(), batch.flows.end());
  return out;
}

// A deliberately small decoder, independent of the encoders' code: it walks
// sets by their lengths and reads records by the templates it has seen.
struct DecodedSet {
  std::uint16_t id = 0;
  std::size_t length = 0;
  std::vector<std::vector<std::uint64_t>> records;  // field values (addresses: hi/lo folded)
};
struct DecodedMessage {
  std::uint16_t version = 0, count = 0;
  std::size_t length = 0;
  std::uint32_t uptime = 0, secs = 0, sequence = 0, domain = 0;
  std::vector<DecodedSet> sets;
  std::vector<FlowRecord> flows;
};

struct TemplateDecoder {
  std::map<std::uint16_t, std::vector<TemplateField>> templates;
  std::map<std::uint16_t, std::vector<TemplateField>> options;  // scope + option fields
  TimeNs boot_ms = 0;

  DecodedMessage decode(Bytes b) {
    DecodedMessage m;
    m.version = load_be16(b.data());
    const bool ipfix = m.version == 10;
    std::size_t off = ipfix ? 16 : 20;
    if (ipfix) {
      m.length = load_be16(b.data() + 2);
      m.secs = load_be32(b.data() + 4);
      m.sequence = load_be32(b.data() + 8);
      m.domain = load_be32(b.data() + 12);
    } else {
      m.count = load_be16(b.data() + 2);
      m.uptime = load_be32(b.data() + 4);
      m.secs = load_be32(b.data() + 8);
      m.sequence = load_be32(b.data() + 12);
      m.domain = load_be32(b.data() + 16);
      boot_ms = static_cast<TimeNs>(m.secs) * 1000 - m.uptime;
    }
    while (off + 4 <= b.size()) {
      DecodedSet s;
      s.id = load_be16(b.data() + off);
      s.length = load_be16(b.data() + off + 2);
      EXPECT_GE(s.length, 4u);
      EXPECT_LE(off + s.length, b.size());
      if (s.length < 4 || off + s.length > b.size()) break;
      const std::byte* p = b.data() + off + 4;
      const std::byte* end = b.data() + off + s.length;
      const std::uint16_t template_set = ipfix ? 2 : 0, options_set = ipfix ? 3 : 1;
      if (s.id == template_set) {
        while (end - p >= 4) {
          const std::uint16_t id = load_be16(p), n = load_be16(p + 2);
          if (id == 0) break;  // padding
          p += 4;
          std::vector<TemplateField> fields;
          for (int i = 0; i < n; ++i, p += 4) fields.push_back({load_be16(p), load_be16(p + 2), 0});
          templates[id] = fields;
        }
      } else if (s.id == options_set) {
        const std::uint16_t id = load_be16(p);
        std::vector<TemplateField> fields;
        if (ipfix) {
          const std::uint16_t n = load_be16(p + 2);
          p += 6;
          for (int i = 0; i < n; ++i, p += 4) fields.push_back({load_be16(p), load_be16(p + 2), 0});
        } else {
          const std::uint16_t scope_bytes = load_be16(p + 2), option_bytes = load_be16(p + 4);
          p += 6;
          for (int i = 0; i < (scope_bytes + option_bytes) / 4; ++i, p += 4) {
            fields.push_back({load_be16(p), load_be16(p + 2), 0});
          }
        }
        options[id] = fields;
      } else {
        const auto* fields = templates.count(s.id) ? &templates[s.id] : (options.count(s.id) ? &options[s.id] : nullptr);
        EXPECT_NE(fields, nullptr) << "data set " << s.id << " before its template";
        if (fields == nullptr) break;
        std::size_t rec_len = 0;
        for (const auto& f : *fields) rec_len += f.length;
        while (static_cast<std::size_t>(end - p) >= rec_len) {
          std::vector<std::uint64_t> values;
          FlowRecord fr;
          for (const auto& f : *fields) {
            std::uint64_t v = f.length <= 8 ? load_be_var(p, f.length) : 0;
            if (f.length == 16) {
              const IpAddress a(load_be64(p), load_be64(p + 8));
              (f.id == 27 ? fr.src_addr : fr.dst_addr) = a;
              v = a.hi() ^ a.lo();
            }
            values.push_back(v);
            switch (f.id) {
              case 8: fr.src_addr = IpAddress::v4(static_cast<std::uint32_t>(v)); break;
              case 12: fr.dst_addr = IpAddress::v4(static_cast<std::uint32_t>(v)); break;
              case 7: fr.src_port = static_cast<std::uint16_t>(v); break;
              case 11: fr.dst_port = static_cast<std::uint16_t>(v); break;
              case 4: fr.proto = static_cast<std::uint8_t>(v); break;
              case 6: fr.tcp_flags = static_cast<std::uint8_t>(v); break;
              case 5: fr.tos = static_cast<std::uint8_t>(v); break;
              case 2: fr.packets = v; break;
              case 1: fr.bytes = v; break;
              case 10: fr.input_if = static_cast<std::uint32_t>(v); break;
              case 14: fr.output_if = static_cast<std::uint32_t>(v); break;
              case 152: fr.start_ns = v * kNsPerMs; break;
              case 153: fr.end_ns = v * kNsPerMs; break;
              case 22: fr.start_ns = (boot_ms + v) * kNsPerMs; break;
              case 21: fr.end_ns = (boot_ms + v) * kNsPerMs; break;
              default: break;
            }
            p += f.length;
          }
          s.records.push_back(values);
          if (templates.count(s.id)) m.flows.push_back(fr);
        }
        // Only padding may remain, and it must be zeros.
        for (; p < end; ++p) EXPECT_EQ(static_cast<int>(*p), 0);
      }
      m.sets.push_back(std::move(s));
      off += m.sets.back().length;
    }
    EXPECT_EQ(off, b.size()) << "sets must fill the message exactly";
    return m;
  }
};

bool same_flow(const FlowRecord& a, const FlowRecord& b) {
  return a.src_addr == b.src_addr && a.dst_addr == b.dst_addr && a.src_port == b.src_port &&
         a.dst_port == b.dst_port && a.proto == b.proto && a.packets == b.packets && a.bytes == b.bytes &&
         a.tcp_flags == b.tcp_flags && a.tos == b.tos && a.input_if == b.input_if && a.output_if == b.output_if &&
         a.start_ns == b.start_ns && a.end_ns == b.end_ns;
}

class TemplateFormats : public ::testing::TestWithParam<ExportFormat> {};

TEST_P(TemplateFormats, RoundTripsEveryFlowWithTemplatesFirstAndWithinTheMtu) {
  const auto format = GetParam();
  const auto flows = simulated(5000);
  MemorySink sink;
  EncoderOptions options;
  options.max_datagram = 1200;
  options.observation_domain = 77;
  auto encoder = std::move(*make_flow_encoder(format, options, sink));
  ASSERT_TRUE(encoder->add(flows));
  ASSERT_TRUE(encoder->flush());
  EXPECT_EQ(encoder->stats().data_records, flows.size());
  EXPECT_EQ(encoder->stats().datagrams, sink.datagrams.size());

  TemplateDecoder decoder;
  std::vector<FlowRecord> decoded;
  std::uint32_t expected_sequence = 0;
  std::uint32_t last_secs = 0;
  for (std::size_t i = 0; i < sink.datagrams.size(); ++i) {
    const auto& d = sink.datagrams[i];
    ASSERT_LE(d.bytes.size(), options.max_datagram);
    const auto m = decoder.decode(d.bytes);
    EXPECT_EQ(m.domain, 77u);
    EXPECT_GE(m.secs, last_secs) << "export time never goes back";
    last_secs = m.secs;
    EXPECT_EQ(d.export_time_ns, static_cast<TimeNs>(m.secs) * kNsPerSecond);
    if (i == 0) {
      ASSERT_FALSE(m.sets.empty());
      EXPECT_EQ(m.sets.front().id, format == ExportFormat::ipfix ? 2 : 0) << "templates come first";
    }
    std::size_t records = 0;
    for (const auto& s : m.sets) {
      if (s.id >= 256) records += s.records.size();
      if (s.id == 0 || s.id == 2) records += 2;
      if (format == ExportFormat::netflow9) {
        EXPECT_EQ(s.length % 4, 0u) << "v9 flowsets are padded";
      }
    }
    if (format == ExportFormat::ipfix) {
      EXPECT_EQ(m.length, d.bytes.size());
      EXPECT_EQ(m.sequence, expected_sequence) << "IPFIX counts data records";
      for (const auto& s : m.sets) expected_sequence += s.id >= 256 ? static_cast<std::uint32_t>(s.records.size()) : 0;
    } else {
      EXPECT_EQ(m.count, records) << "v9 count is every record";
      EXPECT_EQ(m.sequence, i) << "v9 counts packets";
    }
    for (const auto& f : m.flows) EXPECT_LE(f.end_ns, static_cast<TimeNs>(m.secs) * kNsPerSecond);
    decoded.insert(decoded.end(), m.flows.begin(), m.flows.end());
  }
  ASSERT_EQ(decoded.size(), flows.size());
  for (std::size_t i = 0; i < flows.size(); ++i) {
    ASSERT_TRUE(same_flow(decoded[i], flows[i])) << i << ": " << flows[i].src_addr.to_string();
  }
}

TEST_P(TemplateFormats, RefreshesTemplatesEveryNDatagrams) {
  MemorySink sink;
  EncoderOptions options;
  options.template_refresh_packets = 5;
  options.template_refresh_ns = 0;
  auto encoder = std::move(*make_flow_encoder(GetParam(), options, sink));
  ASSERT_TRUE(encoder->add(simulated(3000)));
  ASSERT_TRUE(encoder->flush());
  ASSERT_GT(sink.datagrams.size(), 20u);
  const std::uint16_t template_set = GetParam() == ExportFormat::ipfix ? 2 : 0;
  for (std::size_t i = 0; i < sink.datagrams.size(); ++i) {
    const auto& b = sink.datagrams[i].bytes;
    const std::size_t header = GetParam() == ExportFormat::ipfix ? 16 : 20;
    const bool has_templates = load_be16(b.data() + header) == template_set;
    EXPECT_EQ(has_templates, i % 5 == 0) << i;
  }
}

TEST_P(TemplateFormats, SamplingOptionsAndPadding) {
  MemorySink sink;
  EncoderOptions options;
  options.set_alignment = 4;
  options.observation_domain = 5;
  options.template_refresh_packets = 0;
  options.template_refresh_ns = 0;
  options.max_datagram = 512;  // the smallest allowed still holds templates, options and an IPv6 record
  auto encoder = std::move(*make_flow_encoder(GetParam(), options, sink));
  encoder->announce_sampling(100);
  ASSERT_TRUE(encoder->add(simulated(50)));
  ASSERT_TRUE(encoder->flush());
  for (const auto& d : sink.datagrams) EXPECT_LE(d.bytes.size(), 512u);
  TemplateDecoder decoder;
  const auto m = decoder.decode(sink.datagrams.front().bytes);
  const bool ipfix = GetParam() == ExportFormat::ipfix;
  ASSERT_GE(m.sets.size(), 3u);
  EXPECT_EQ(m.sets[1].id, ipfix ? 3 : 1) << "options template after the templates";
  EXPECT_EQ(m.sets[2].id, kTemplateSampling);
  ASSERT_EQ(m.sets[2].records.size(), 1u);
  const auto& r = m.sets[2].records[0];
  EXPECT_EQ(r[0], 5u);    // scope: observation domain / source ID
  EXPECT_EQ(r[1], 100u);  // samplingInterval
  if (ipfix) {
    EXPECT_EQ(r[2], 1u);   // samplingPacketInterval
    EXPECT_EQ(r[3], 99u);  // samplingPacketSpace
  }
  for (const auto& s : m.sets) EXPECT_EQ(s.length % 4, 0u) << "set " << s.id;
  EXPECT_EQ(encoder->stats().options_records, 1u);
  if (ipfix) {
    EXPECT_EQ(decoder.decode(sink.datagrams.front().bytes).sequence, 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(Export, TemplateFormats, ::testing::Values(ExportFormat::ipfix, ExportFormat::netflow9),
                         [](const auto& param_info) { return std::string(export_format_name(param_info.param)); });

TEST(Netflow5Encoder, ThirtyRecordsAtMostIpv4OnlyWithSequenceAndUptime) {
  const auto flows = simulated(3000);
  MemorySink sink;
  EncoderOptions options;
  options.max_datagram = 1500;
  options.observation_domain = 3;
  Netflow5Encoder encoder(options, sink);
  ASSERT_TRUE(encoder.add(flows));
  ASSERT_TRUE(encoder.flush());
  const auto v6 = static_cast<std::uint64_t>(
      std::count_if(flows.begin(), flows.end(), [](const FlowRecord& f) { return !f.is_v4(); }));
  EXPECT_EQ(encoder.stats().skipped, v6);
  std::vector<FlowRecord> v4;
  for (const auto& f : flows) {
    if (f.is_v4()) v4.push_back(f);
  }
  std::size_t next = 0;
  std::uint32_t sequence = 0;
  for (const auto& d : sink.datagrams) {
    const std::byte* b = d.bytes.data();
    ASSERT_EQ(load_be16(b), 5);
    const std::uint16_t count = load_be16(b + 2);
    ASSERT_LE(count, 30);
    ASSERT_EQ(d.bytes.size(), 24u + 48u * count);
    EXPECT_EQ(load_be32(b + 16), sequence);
    EXPECT_EQ(static_cast<int>(b[21]), 3);
    sequence += count;
    const TimeNs boot_ms = static_cast<TimeNs>(load_be32(b + 8)) * 1000 - load_be32(b + 4);
    for (int i = 0; i < count; ++i, ++next) {
      const std::byte* r = b + 24 + 48 * i;
      const FlowRecord& f = v4.at(next);
      EXPECT_EQ(load_be32(r), f.src_addr.v4_value());
      EXPECT_EQ(load_be32(r + 4), f.dst_addr.v4_value());
      EXPECT_EQ(load_be32(r + 16), f.packets);
      EXPECT_EQ(load_be32(r + 20), f.bytes);
      EXPECT_EQ((boot_ms + load_be32(r + 24)) * kNsPerMs, f.start_ns);
      EXPECT_EQ((boot_ms + load_be32(r + 28)) * kNsPerMs, f.end_ns);
      EXPECT_EQ(load_be16(r + 32), f.src_port);
      EXPECT_EQ(load_be16(r + 34), f.dst_port);
      EXPECT_EQ(static_cast<std::uint8_t>(r[37]), f.tcp_flags);
      EXPECT_EQ(static_cast<std::uint8_t>(r[38]), f.proto);
    }
  }
  EXPECT_EQ(next, v4.size());
  EXPECT_EQ(sink.datagrams.front().bytes.size(), 24u + 30u * 48u);
}

TEST(Netflow5Encoder, MtuLimitsRecordsAndCountersClamp) {
  MemorySink sink;
  EncoderOptions options;  // 1400 bytes: 28 records
  Netflow5Encoder encoder(options, sink);
  EXPECT_EQ(encoder.records_per_packet(), 28u);
  FlowRecord f;
  f.start_ns = kStart;
  f.end_ns = kStart + kNsPerSecond;
  f.src_addr = IpAddress::v4(0x7e000001);
  f.dst_addr = IpAddress::v4(0x08080808);
  f.proto = kProtoTcp;
  f.packets = 5'000'000'000ULL;
  f.bytes = 7'000'000'000'000ULL;
  encoder.announce_sampling(64);
  ASSERT_TRUE(encoder.add(f));
  ASSERT_TRUE(encoder.flush());
  EXPECT_EQ(encoder.stats().clamped, 1u);
  const std::byte* b = sink.datagrams.at(0).bytes.data();
  EXPECT_EQ(load_be32(b + 24 + 16), 0xffffffffu);
  EXPECT_EQ(load_be16(b + 22), 0x4000 | 64);
}

TEST(EncoderOptions, RejectsDatagramsTooSmallForTheTemplates) {
  MemorySink sink;
  EncoderOptions options;
  options.max_datagram = 100;
  EXPECT_FALSE(make_flow_encoder(ExportFormat::ipfix, options, sink));
  EXPECT_TRUE(make_flow_encoder(ExportFormat::netflow5, options, sink));
  options.max_datagram = 70'000;
  EXPECT_FALSE(make_flow_encoder(ExportFormat::netflow9, options, sink));
  EXPECT_TRUE(parse_export_format("ipfix"));
  EXPECT_FALSE(parse_export_format("sflow"));
}

TEST(MessageBuilder, EnterpriseAndVariableLengthFields) {
  MessageBuilder b(ExportProtocol::ipfix);
  b.begin();
  b.begin_set(b.template_set_id());
  const std::vector<TemplateField> fields = {{8, 4, 0}, {1, kVariableLength, 29305}};
  b.add_template(300, fields);
  b.end_set();
  b.begin_set(300);
  b.put_u32(0x01020304);
  const std::vector<std::byte> text(300, std::byte{'x'});
  b.put_varlen(Bytes(text.data(), 3));
  b.end_record();
  b.put_u32(0x05060708);
  b.put_varlen(Bytes(text.data(), text.size()));
  b.end_record();
  const std::size_t padding = b.end_set(8);
  const Bytes m = b.finish_ipfix(1000, 9, 2);
  EXPECT_EQ(load_be16(m.data() + 2), m.size());
  EXPECT_EQ(b.records(), 3);
  // Template: set header, template header, 4-byte field, 8-byte enterprise field.
  EXPECT_EQ(load_be16(m.data() + 16 + 2), 4 + 4 + 4 + 8);
  EXPECT_EQ(load_be16(m.data() + 16 + 4 + 4 + 4), 0x8001);
  EXPECT_EQ(load_be32(m.data() + 16 + 4 + 4 + 4 + 4), 29305u);
  const std::byte* data = m.data() + 16 + 20;
  const std::size_t set_length = load_be16(data + 2);
  EXPECT_EQ(set_length, 4 + (4 + 1 + 3) + (4 + 3 + 300) + padding);
  EXPECT_EQ(set_length % 8, 0u);
  EXPECT_EQ(static_cast<int>(data[8]), 3);
  EXPECT_EQ(static_cast<int>(data[4 + 8 + 4]), 255);
  EXPECT_EQ(load_be16(data + 4 + 8 + 4 + 1), 300);
}

TEST(UdpTarget, ParsesHostsPortsAndRejectsGarbage) {
  auto a = parse_udp_target("udp://127.0.0.1:4739");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 4739);
  auto b = parse_udp_target("udp://[::1]:2055");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, 2055);
  auto local = parse_udp_target("udp://:9995");
  ASSERT_TRUE(local);
  EXPECT_EQ(local->host, "127.0.0.1");
  for (const char* bad : {"tcp://1.2.3.4:5", "udp://1.2.3.4", "udp://1.2.3.4:0", "udp://1.2.3.4:70000", "udp://::1:5",
                          "udp://[::1]", "udp://x:y"}) {
    EXPECT_FALSE(parse_udp_target(bad)) << bad;
  }
}

}  // namespace
}  // namespace mamori::flow
