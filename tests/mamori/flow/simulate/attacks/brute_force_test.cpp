#include "mamori/flow/simulate/attacks/brute_force.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "planted_run.hpp"

namespace mamori::flow::sim::attacks {
namespace {

using namespace plant_test;

TEST(BruteForceSource, ManyShortSimilarConnectionsToOneService) {
  World w;
  BruteForceConfig config;
  config.attackers = {{AuthService::ssh, 22, 30.0, 0.0, 0.5, true, 0},
                      {AuthService::telnet, 23, 60.0, 0.0, 0.5, false, 0},
                      {AuthService::rdp, 33890, 12.0, 0.0, 0.5, true, 0}};
  const PlantedRun run = run_one(BruteForceSource::create(config, *w.env), kHour);
  ASSERT_EQ(run.instances.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    const IpAddress attacker = run.instances[i].endpoints[0].address;
    EXPECT_EQ(run.instances[i].endpoints[0].role, "brute_forcer");
    EXPECT_FALSE(is_home(*w.env, attacker));
    std::set<std::pair<IpAddress, std::uint16_t>> services;
    std::vector<double> sizes;
    for (const auto& f : run.with_label(run.instances[i].label)) {
      if (f.src_addr != attacker) continue;
      services.insert({f.dst_addr, f.dst_port});
      sizes.push_back(static_cast<double>(f.bytes));
      EXPECT_LT(f.duration_ns(), 15 * kNsPerSecond);
      EXPECT_LT(f.packets, 40u);
      EXPECT_TRUE(is_home(*w.env, f.dst_addr));
    }
    ASSERT_EQ(services.size(), 1u);
    EXPECT_EQ(services.begin()->second, config.attackers[i].port);
    const double expected = config.attackers[i].attempts_per_minute * 30.0;
    EXPECT_NEAR(static_cast<double>(sizes.size()), expected, 4.0 * std::sqrt(expected));
    double mean = 0, sq = 0;
    for (double x : sizes) mean += x;
    mean /= static_cast<double>(sizes.size());
    for (double x : sizes) sq += (x - mean) * (x - mean);
    EXPECT_LT(std::sqrt(sq / static_cast<double>(sizes.size())) / mean, 0.1) << "attempts look alike";
  }
}

TEST(BruteForceSource, ABannedSourceOnlyGetsSilence) {
  World w;
  BruteForceConfig config;
  config.attackers = {{AuthService::ssh, 22, 30.0, 0.0, 0.5, true, 20}};
  const PlantedRun run = run_one(BruteForceSource::create(config, *w.env), kHour);
  const IpAddress attacker = run.instances[0].endpoints[0].address;
  std::size_t completed = 0, refused = 0, answers = 0;
  for (const auto& f : run.flows) {
    if (f.src_addr != attacker) {
      ++answers;
      continue;
    }
    if (f.tcp_flags == kSyn) {
      ++refused;
      EXPECT_GE(f.packets, 2u);
    } else {
      ++completed;
      EXPECT_EQ(refused, 0u) << "nothing completes after the ban";
    }
  }
  EXPECT_EQ(completed, 20u);
  EXPECT_EQ(answers, 20u);
  EXPECT_GT(refused, 700u);
}

}  // namespace
}  // namespace mamori::flow::sim::attacks
