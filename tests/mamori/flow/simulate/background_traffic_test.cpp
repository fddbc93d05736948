#include "mamori/flow/simulate/background_traffic.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "mamori/flow/simulate/wire_sizes.hpp"

namespace mamori::flow::sim {
namespace {

constexpr TimeNs kStart = 1'748'862'000ULL * kNsPerSecond;  // 2025-06-02T11:00:00Z, 20:00 JST

BackgroundConfig small_config(std::uint64_t seed = 1) {
  BackgroundConfig c;
  c.seed = seed;
  c.subscribers = 2'000;
  c.servers = 300;
  c.flows_per_second = 2'000;
  c.start_ns = kStart;
  return c;
}

std::vector<FlowRecord> generate(const BackgroundConfig& config, TimeNs duration, std::size_t batch_flows = 8192,
                                 std::uint64_t max_flows = ~0ULL) {
  MixLimits limits;
  limits.start_ns = config.start_ns;
  limits.end_ns = config.start_ns + duration;
  limits.batch_flows = batch_flows;
  limits.max_flows = max_flows;
  TrafficMix mix(limits);
  auto source = BackgroundTraffic::create(config);
  EXPECT_TRUE(source) << (source ? "" : source.error().message);
  mix.add(std::move(*source));
  std::vector<FlowRecord> out;
  FlowBatch batch;
  while (mix.next(batch)) {
    EXPECT_EQ(batch.labels.size(), batch.flows.size());
    for (auto label : batch.labels) EXPECT_EQ(label, kBackgroundLabel);
    out.insert(out.end(), batch.flows.begin(), batch.flows.end());
  }
  return out;
}

TEST(BackgroundTraffic, SameSeedSameFlowsDifferentSeedDifferentFlows) {
  const auto a = generate(small_config(7), 60 * kNsPerSecond);
  const auto b = generate(small_config(7), 60 * kNsPerSecond);
  const auto c = generate(small_config(8), 60 * kNsPerSecond);
  ASSERT_GT(a.size(), 10'000u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(BackgroundTraffic, OutputDoesNotDependOnBatchSize) {
  const auto small = generate(small_config(3), 120 * kNsPerSecond, 100);
  const auto large = generate(small_config(3), 120 * kNsPerSecond, 100'000);
  ASSERT_FALSE(small.empty());
  EXPECT_EQ(small, large);
}

TEST(BackgroundTraffic, MaxFlowsIsAPrefixOfTheUnlimitedRun) {
  const auto all = generate(small_config(4), 30 * kNsPerSecond);
  const auto some = generate(small_config(4), 30 * kNsPerSecond, 8192, 1234);
  ASSERT_EQ(some.size(), 1234u);
  EXPECT_TRUE(std::equal(some.begin(), some.end(), all.begin()));
}

TEST(BackgroundTraffic, FlowsAreTimeOrderedAndInsideTheWindow) {
  const auto flows = generate(small_config(), 120 * kNsPerSecond, 500);
  for (std::size_t i = 1; i < flows.size(); ++i) ASSERT_LE(flows[i - 1].start_ns, flows[i].start_ns) << i;
  for (const auto& f : flows) {
    ASSERT_GE(f.start_ns, kStart);
    ASSERT_LT(f.start_ns, kStart + 120 * kNsPerSecond);
  }
}

TEST(BackgroundTraffic, EveryFlowIsWellFormed) {
  const auto flows = generate(small_config(11), 300 * kNsPerSecond);
  ASSERT_GT(flows.size(), 100'000u);
  for (const auto& f : flows) {
    SCOPED_TRACE(f.src_addr.to_string() + " -> " + f.dst_addr.to_string());
    const bool v6 = !f.is_v4();
    ASSERT_EQ(f.src_addr.is_v4(), f.dst_addr.is_v4());
    ASSERT_LE(f.start_ns, f.end_ns);
    ASSERT_EQ(f.start_ns % kNsPerMs, 0u);
    ASSERT_EQ(f.end_ns % kNsPerMs, 0u);
    ASSERT_GE(f.packets, 1u);
    if (f.packets == 1) {
      ASSERT_EQ(f.start_ns, f.end_ns);
    }
    ASSERT_GE(f.bytes, f.packets * min_ip_packet(f.proto, v6));
    ASSERT_LE(f.bytes, f.packets * kMaxIpPacket);
    ASSERT_EQ(f.raw_packets, f.packets);
    ASSERT_EQ(f.raw_bytes, f.bytes);
    ASSERT_EQ(f.sampling_rate, 1u);
    ASSERT_EQ(f.source, FlowSource::simulated);
    ASSERT_LE(f.duration_ns(), 300 * kNsPerSecond) << "longer than the active timeout";
    switch (f.proto) {
      case kProtoTcp:
        ASSERT_NE(f.src_port, 0);
        ASSERT_NE(f.dst_port, 0);
        ASSERT_NE(f.tcp_flags, 0);
        break;
      case kProtoUdp:
        ASSERT_NE(f.src_port, 0);
        ASSERT_NE(f.dst_port, 0);
        ASSERT_EQ(f.tcp_flags, 0);
        break;
      case kProtoIcmp:
        ASSERT_FALSE(v6);
        ASSERT_EQ(f.src_port, 0);
        ASSERT_TRUE(f.dst_port == 8 * 256 || f.dst_port == 0) << f.dst_port;
        break;
      case kProtoIcmpV6:
        ASSERT_TRUE(v6);
        ASSERT_EQ(f.src_port, 0);
        ASSERT_TRUE(f.dst_port == 128 * 256 || f.dst_port == 129 * 256) << f.dst_port;
        break;
      default: FAIL() << "unexpected protocol " << int(f.proto);
    }
  }
}

TEST(BackgroundTraffic, ServiceMixAndBidirectionalTraffic) {
  const auto flows = generate(small_config(5), 120 * kNsPerSecond);
  std::map<std::pair<int, int>, std::size_t> by_port;  // (proto, server port)
  std::size_t responses = 0;
  std::set<std::tuple<IpAddress, IpAddress, std::uint16_t, std::uint16_t>> seen;
  for (const auto& f : flows) {
    const std::uint16_t server_port = std::min(f.src_port, f.dst_port);
    by_port[{f.proto, is_icmp(f.proto) ? 0 : server_port}]++;
    seen.insert({f.src_addr, f.dst_addr, f.src_port, f.dst_port});
  }
  for (const auto& f : flows) {
    if (f.proto != kProtoIcmp && f.proto != kProtoIcmpV6 && seen.count({f.dst_addr, f.src_addr, f.dst_port, f.src_port})) {
      ++responses;
    }
  }
  for (auto [proto, port] : std::vector<std::pair<int, int>>{
           {6, 443}, {6, 80}, {17, 443}, {17, 53}, {17, 123}, {6, 25}, {6, 587}, {6, 993}, {6, 22}, {6, 5223}, {6, 5228}, {1, 0}}) {
    EXPECT_GT(by_port[std::make_pair(proto, port)], 0u) << proto << "/" << port;
  }
  // DNS is the most frequent service by count.
  EXPECT_GT(by_port[std::make_pair(17, 53)], flows.size() / 5);
  // Most flows have their reverse direction in the data.
  EXPECT_GT(responses, flows.size() * 8 / 10);
}

TEST(BackgroundTraffic, Ipv6ShareFollowsTheConfiguration) {
  for (double share : {0.0, 0.2, 0.5}) {
    auto config = small_config(9);
    config.ipv6_share = share;
    const auto flows = generate(config, 120 * kNsPerSecond);
    const auto v6 = std::count_if(flows.begin(), flows.end(), [](const FlowRecord& f) { return !f.is_v4(); });
    EXPECT_NEAR(static_cast<double>(v6) / static_cast<double>(flows.size()), share, 0.02) << share;
  }
}

TEST(BackgroundTraffic, RateMatchesTheDiurnalCurve) {
  auto config = small_config(12);
  const auto flows = generate(config, 600 * kNsPerSecond);
  double expected = 0.0;
  for (int s = 0; s < 600; ++s) {
    expected += config.flows_per_second * config.diurnal.factor(kStart + static_cast<TimeNs>(s) * kNsPerSecond);
  }
  EXPECT_NEAR(static_cast<double>(flows.size()), expected, expected * 0.05);
}

TEST(BackgroundTraffic, DiurnalShapeHasANightTroughAndAnAfternoonPeak) {
  auto config = small_config(13);
  config.flows_per_second = 5;
  config.start_ns = 1'748'790'000ULL * kNsPerSecond;  // 2025-06-01T15:00:00Z, midnight JST
  const auto flows = generate(config, 86'400 * kNsPerSecond);
  std::array<double, 24> per_hour{};
  for (const auto& f : flows) per_hour[static_cast<std::size_t>(config.diurnal.local_hour(f.start_ns))] += 1.0;
  const double trough = per_hour[4];  // 04:00-05:00 JST
  const double peak = per_hour[16];   // 16:00-17:00 JST
  const double a = config.diurnal.amplitude;
  EXPECT_NEAR(trough / peak, (1 - a) / (1 + a), 0.08);
  for (std::size_t h = 0; h < 24; ++h) {
    const double expected = 3600.0 * config.flows_per_second *
                            config.diurnal.factor(config.start_ns + (h * 3600 + 1800) * kNsPerSecond);
    EXPECT_NEAR(per_hour[h], expected, expected * 0.12) << "hour " << h;
  }
}

bool in_blocks(const IpAddress& a, std::string_view country, std::optional<BlockKind> kind = std::nullopt) {
  for (const auto& block : default_address_blocks()) {
    if (block.country != country || (kind && block.kind != *kind)) continue;
    if (Prefix::parse(block.prefix)->contains(a)) return true;
  }
  return false;
}

TEST(AddressPlan, EveryBlockParsesAndCountriesHaveBothFamilies) {
  for (const auto& block : default_address_blocks()) EXPECT_TRUE(Prefix::parse(block.prefix)) << block.prefix;
  const auto plan = AddressPlan::japan();
  EXPECT_EQ(plan.home().code, "JP");
  std::set<std::string_view> codes;
  for (const auto& c : plan.countries()) {
    codes.insert(c.code);
    EXPECT_FALSE(c.access_v4.empty() && c.hosting_v4.empty()) << c.code;
    EXPECT_FALSE(c.access_v6.empty() && c.hosting_v6.empty()) << c.code;
  }
  for (auto code : {"US", "DE", "NL", "SG", "CN", "KR", "GB", "FR", "AU", "BR"}) EXPECT_TRUE(codes.count(code)) << code;
}

TEST(AddressPlan, HostsLandInTheirCountrysBlocks) {
  auto source = BackgroundTraffic::create(small_config());
  ASSERT_TRUE(source);
  const auto& model = **source;
  for (const auto& s : model.subscribers()) {
    EXPECT_TRUE(in_blocks(s.v4, "JP", BlockKind::access)) << s.v4.to_string();
    EXPECT_TRUE(in_blocks(s.v6, "JP", BlockKind::access)) << s.v6.to_string();
  }
  std::set<IpAddress> distinct;
  for (const auto& s : model.subscribers()) distinct.insert(s.v4);
  EXPECT_EQ(distinct.size(), model.subscribers().size());
  std::size_t domestic = 0;
  for (const auto& s : model.servers()) {
    const auto code = model.plan().countries()[s.country].code;
    EXPECT_TRUE(in_blocks(s.v4, code)) << code << " " << s.v4.to_string();
    EXPECT_TRUE(in_blocks(s.v6, code)) << code << " " << s.v6.to_string();
    domestic += s.country == 0;
  }
  EXPECT_GT(domestic, 0u);
  EXPECT_LT(domestic, model.servers().size() / 2);
}

TEST(AddressPlan, RandomHostStaysInsideThePrefix) {
  Rng rng(1);
  for (const char* text : {"126.0.0.0/8", "212.58.224.0/19", "10.0.0.0/30", "2400:4050::/32", "2001:db8::/64",
                           "2001:db8::/100", "2804::/16"}) {
    const auto prefix = *Prefix::parse(text);
    for (int i = 0; i < 1000; ++i) {
      const auto a = random_host(prefix, rng, i % 2 == 0);
      ASSERT_TRUE(prefix.contains(a)) << text << " " << a.to_string();
    }
  }
}

TEST(BackgroundTraffic, RejectsBadConfiguration) {
  auto c = small_config();
  c.subscribers = 0;
  EXPECT_FALSE(BackgroundTraffic::create(c));
  c = small_config();
  c.servers = 3;
  EXPECT_FALSE(BackgroundTraffic::create(c));
  c = small_config();
  c.flows_per_second = 0;
  EXPECT_FALSE(BackgroundTraffic::create(c));
  c = small_config();
  c.ipv6_share = 1.5;
  EXPECT_FALSE(BackgroundTraffic::create(c));
  c = small_config();
  c.diurnal.amplitude = 1.0;
  EXPECT_FALSE(BackgroundTraffic::create(c));
}

}  // namespace
}  // namespace mamori::flow::sim
