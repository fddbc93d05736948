#include "mamori/flow/simulate/attacks/reflection.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "planted_run.hpp"

namespace mamori::flow::sim::attacks {
namespace {

using namespace plant_test;
constexpr TimeNs s = kNsPerSecond;

TEST(ReflectionSource, ReflectorsSendAmplifiedAnswersToOneVictim) {
  World w;
  ReflectionConfig config;
  config.attacks = {{{{Amplifier::ntp, 20}, {Amplifier::memcached, 5}, {Amplifier::ssdp, 8}}, 0.1, 300 * s, 10.0, true, 0}};
  const PlantedRun run = run_one(ReflectionSource::create(config, *w.env), kHour);
  ASSERT_EQ(run.instances.size(), 1u);
  ASSERT_EQ(run.instances[0].endpoints.size(), 33u);
  std::set<IpAddress> reflectors;
  for (const auto& e : run.instances[0].endpoints) {
    EXPECT_EQ(e.role, "reflector");
    EXPECT_FALSE(is_home(*w.env, e.address));
    reflectors.insert(e.address);
  }
  std::set<IpAddress> victims;
  std::map<std::uint16_t, std::pair<std::uint64_t, std::uint64_t>> by_port;  // source port -> bytes, packets
  std::uint64_t reflected = 0, echoed = 0;
  for (const auto& f : run.flows) {
    if (f.proto == kProtoIcmp) {
      // The victim's port unreachables: small, and only to reflectors.
      EXPECT_TRUE(reflectors.contains(f.dst_addr));
      EXPECT_EQ(f.dst_port, 3 * 256 + 3);
      echoed += f.bytes;
      continue;
    }
    EXPECT_EQ(f.proto, kProtoUdp);
    EXPECT_TRUE(reflectors.contains(f.src_addr));
    victims.insert(f.dst_addr);
    reflected += f.bytes;
    by_port[f.src_port].first += f.bytes;
    by_port[f.src_port].second += f.packets;
    EXPECT_GE(f.start_ns, kStart + kHour / 10);
    EXPECT_LE(f.end_ns, kStart + kHour / 10 + 300 * s);
  }
  ASSERT_EQ(victims.size(), 1u);
  EXPECT_TRUE(is_home_access(*w.env, *victims.begin()));
  // Answer packets are the amplifier's large ones, many times its request.
  for (Amplifier a : {Amplifier::ntp, Amplifier::memcached, Amplifier::ssdp}) {
    const AmplifierTraits& t = amplifier_traits(a);
    ASSERT_TRUE(by_port.contains(t.port)) << t.name;
    const double per_packet = static_cast<double>(by_port[t.port].first) / static_cast<double>(by_port[t.port].second);
    EXPECT_NEAR(per_packet, t.response_bytes, 0.05 * t.response_bytes) << t.name;
    EXPECT_GT(per_packet / t.request_bytes, 2.0) << t.name;
  }
  EXPECT_GT(echoed, 0u);
  EXPECT_GT(reflected / echoed, 100u);
  // 33 reflectors at about 10 Mbit/s for 5 minutes.
  EXPECT_NEAR(static_cast<double>(reflected) * 8 / 300 / 1e6, 330.0, 150.0);
  ASSERT_EQ(run.rows.size(), 33u);
  for (const auto& row : run.rows) {
    EXPECT_EQ(row.peers, 1u);
    EXPECT_EQ(row.protos, std::vector<std::uint8_t>{kProtoUdp});
    ASSERT_EQ(row.ports.size(), 1u);
  }
}

TEST(ReflectionSource, FixedPortAttacksAreCutLikeAnExporter) {
  World w;
  ReflectionConfig config;
  config.attacks = {{{{Amplifier::dns, 10}}, 0.0, 200 * s, 10.0, false, 3074}};
  const PlantedRun run = run_one(ReflectionSource::create(config, *w.env), kHour);
  std::map<IpAddress, std::size_t> per_reflector;
  for (const auto& f : run.flows) {
    EXPECT_EQ(f.proto, kProtoUdp);  // no unreachables: the console listens on its port
    EXPECT_EQ(f.src_port, 53);
    EXPECT_EQ(f.dst_port, 3074);
    EXPECT_LE(f.duration_ns(), 60 * s);
    ++per_reflector[f.src_addr];
  }
  EXPECT_EQ(per_reflector.size(), 10u);
  for (const auto& [r, n] : per_reflector) EXPECT_EQ(n, 4u) << r.to_string();  // 200 s in 60 s pieces
}

TEST(ReflectionSource, IntensityScalesReflectorCounts) {
  World w(kHour, 2.0);
  ReflectionConfig config;
  config.attacks = {{{{Amplifier::chargen, 7}, {Amplifier::cldap, 3}}, 0.0, 30 * s, 5.0, true, 0}};
  auto made = ReflectionSource::create(config, *w.env);
  ASSERT_TRUE(made);
  EXPECT_EQ((*made)->planted()[0].endpoints.size(), 20u);
}

}  // namespace
}  // namespace mamori::flow::sim::attacks
