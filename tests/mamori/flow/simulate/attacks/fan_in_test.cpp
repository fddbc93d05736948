#include "mamori/flow/simulate/attacks/fan_in.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "planted_run.hpp"

namespace mamori::flow::sim::attacks {
namespace {

using namespace plant_test;
constexpr TimeNs s = kNsPerSecond;

TEST(FanInSource, ManyBotsCheckInTogetherWithIdenticalSizes) {
  World w;
  FanInConfig config;
  config.botnets = {{120, 300 * s, 20 * s, 8080, 310, 190}};
  const PlantedRun run = run_one(FanInSource::create(config, *w.env), kHour);
  ASSERT_EQ(run.instances.size(), 1u);
  const IpAddress c2 = run.instances[0].endpoints[0].address;
  EXPECT_FALSE(is_home(*w.env, c2));
  std::set<IpAddress> bots;
  std::set<std::uint64_t> request_sizes, response_sizes;
  std::vector<TimeNs> starts;
  for (const auto& f : run.flows) {
    if (f.dst_addr == c2) {
      bots.insert(f.src_addr);
      request_sizes.insert(f.bytes);
      starts.push_back(f.start_ns);
      EXPECT_EQ(f.dst_port, 8080);
      EXPECT_TRUE(is_home_access(*w.env, f.src_addr));
    } else {
      EXPECT_EQ(f.src_addr, c2);
      response_sizes.insert(f.bytes);
    }
  }
  EXPECT_EQ(bots.size(), 120u);
  EXPECT_EQ(request_sizes.size(), 1u);  // the same binary everywhere
  EXPECT_EQ(response_sizes.size(), 1u);
  // Check-ins bunch around the ticks: within a round they span at most the
  // spread plus each bot's drift, and rounds are a period apart.
  std::sort(starts.begin(), starts.end());
  TimeNs round_start = starts.front();
  std::size_t rounds = 1;
  for (std::size_t i = 1; i < starts.size(); ++i) {
    if (starts[i] - starts[i - 1] > 60 * s) {
      EXPECT_GE(starts[i] - round_start, 270 * s);
      round_start = starts[i];
      ++rounds;
    }
    EXPECT_LE(starts[i] - round_start, 23 * s);
  }
  EXPECT_GE(rounds, 11u);
  EXPECT_LE(rounds, 13u);
  EXPECT_EQ(run.rows.size(), 1u);
  EXPECT_EQ(run.rows[0].peers, 120u);
}

TEST(FanInSource, IntensityScalesTheBotnet) {
  World w(kHour, 0.5);
  FanInConfig config;
  config.botnets = {{120, 300 * s, 20 * s, 8080, 310, 190}};
  const PlantedRun run = run_one(FanInSource::create(config, *w.env), kHour);
  ASSERT_EQ(run.rows.size(), 1u);
  EXPECT_EQ(run.rows[0].peers, 60u);
}

}  // namespace
}  // namespace mamori::flow::sim::attacks
