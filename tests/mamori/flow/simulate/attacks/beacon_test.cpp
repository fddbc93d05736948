#include "mamori/flow/simulate/attacks/beacon.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "planted_run.hpp"

namespace mamori::flow::sim::attacks {
namespace {

using namespace plant_test;
constexpr TimeNs s = kNsPerSecond;

double coefficient_of_variation(const std::vector<double>& v) {
  double mean = 0, sq = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  for (double x : v) sq += (x - mean) * (x - mean);
  return std::sqrt(sq / static_cast<double>(v.size())) / mean;
}

// Request flows (victim -> C2) of each victim, by start.
std::map<IpAddress, std::vector<FlowRecord>> contacts(const std::vector<FlowRecord>& flows, const IpAddress& c2) {
  std::map<IpAddress, std::vector<FlowRecord>> out;
  for (const auto& f : flows) {
    if (f.dst_addr == c2) out[f.src_addr].push_back(f);
  }
  return out;
}

TEST(BeaconSource, ContactsFollowThePeriodWithinTheJitter) {
  World w(4 * kHour);
  BeaconConfig config;
  config.c2s = {{60 * s, 0.2, 443, 3, false}, {300 * s, 0.1, 7443, 2, false}, {120 * s, 0.3, 80, 2, true}};
  config.active_min = config.active_max = 10 * kHour;  // no sleeping here
  config.miss_share = 0;
  config.tasking_share = 0;
  const PlantedRun run = run_one(BeaconSource::create(config, *w.env), 3 * kHour);
  ASSERT_EQ(run.instances.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    const BeaconC2& shape = config.c2s[i];
    const PlantedInstance& inst = run.instances[i];
    ASSERT_EQ(inst.endpoints.size(), 1u);
    EXPECT_EQ(inst.attack, "beacon");
    EXPECT_EQ(inst.endpoints[0].role, "c2_server");
    const IpAddress c2 = inst.endpoints[0].address;
    EXPECT_EQ(c2.is_v4(), !shape.ipv6);
    EXPECT_FALSE(is_home(*w.env, c2)) << c2.to_string();
    const auto by_victim = contacts(run.with_label(inst.label), c2);
    EXPECT_EQ(by_victim.size(), shape.victims);
    const double period = static_cast<double>(shape.period);
    for (const auto& [victim, list] : by_victim) {
      EXPECT_TRUE(is_home_access(*w.env, victim)) << victim.to_string();
      ASSERT_GT(list.size(), 3 * kHour / shape.period - 3);
      std::vector<double> gaps, requests;
      for (std::size_t k = 0; k < list.size(); ++k) {
        EXPECT_EQ(list[k].dst_port, shape.port);
        EXPECT_EQ(list[k].proto, kProtoTcp);
        EXPECT_GE(list[k].src_port, 49152);
        requests.push_back(static_cast<double>(list[k].bytes));
        if (k == 0) continue;
        const double gap = static_cast<double>(list[k].start_ns - list[k - 1].start_ns);
        EXPECT_GE(gap, period * (1 - shape.jitter) - 1e6);
        EXPECT_LE(gap, period * (1 + shape.jitter) + 1e6);
        gaps.push_back(gap);
      }
      double mean = 0;
      for (double g : gaps) mean += g;
      mean /= static_cast<double>(gaps.size());
      EXPECT_NEAR(mean / period, 1.0, 0.04);
      // Jitter is really there: the gaps spread over most of the allowed band.
      const auto [lo, hi] = std::minmax_element(gaps.begin(), gaps.end());
      EXPECT_GT((*hi - *lo) / period, shape.jitter);
      EXPECT_LT(coefficient_of_variation(requests), 0.1);  // the same request every time
    }
  }
}

TEST(BeaconSource, ImplantsSleepForHoursBetweenActiveSpells) {
  World w(10 * kHour);
  BeaconConfig config;
  config.c2s = {{60 * s, 0.1, 443, 3, false}};
  config.active_min = config.active_max = kHour;
  config.sleep_min = 2 * kHour;
  config.sleep_max = 3 * kHour;
  config.miss_share = 0;
  const PlantedRun run = run_one(BeaconSource::create(config, *w.env), 9 * kHour);
  const auto by_victim = contacts(run.flows, run.instances[0].endpoints[0].address);
  ASSERT_EQ(by_victim.size(), 3u);
  for (const auto& [victim, list] : by_victim) {
    std::size_t sleeps = 0;
    for (std::size_t k = 1; k < list.size(); ++k) {
      const TimeNs gap = list[k].start_ns - list[k - 1].start_ns;
      if (gap > 70 * s) {
        EXPECT_GE(gap, 2 * kHour);
        EXPECT_LE(gap, 3 * kHour + 70 * s);
        ++sleeps;
      }
    }
    EXPECT_GE(sleeps, 2u);  // 9 h: awake 1 h, asleep 2-3 h, awake, asleep, awake
    EXPECT_LE(sleeps, 3u);
  }
}

TEST(BeaconSource, ResponsesAreSmallAndSteadyExceptTasking) {
  World w;
  const PlantedRun run = run_one(BeaconSource::create(default_beacon_config(), *w.env), kHour);
  ASSERT_EQ(run.instances.size(), 20u);
  std::size_t tasking = 0, answers = 0;
  for (const auto& inst : run.instances) {
    const IpAddress c2 = inst.endpoints[0].address;
    std::vector<double> all;
    for (const auto& f : run.with_label(inst.label)) {
      if (f.src_addr != c2) continue;
      EXPECT_EQ(f.tcp_flags & (kSyn | kAck), kSyn | kAck);
      all.push_back(static_cast<double>(f.bytes));
    }
    ASSERT_GT(all.size(), 10u);
    std::vector<double> sorted = all;
    std::sort(sorted.begin(), sorted.end());
    const double median = sorted[sorted.size() / 2];
    EXPECT_LT(median, 6'000);  // small answers
    std::vector<double> usual;
    for (double b : all) {
      if (b > median + 3'000) {
        ++tasking;  // a command on top of the usual answer
      } else {
        usual.push_back(b);
      }
    }
    answers += all.size();
    EXPECT_LT(coefficient_of_variation(usual), 0.1);
  }
  EXPECT_GT(tasking, 0u);
  EXPECT_LT(static_cast<double>(tasking), 0.1 * static_cast<double>(answers));
}

TEST(BeaconSource, RejectsImpossibleConfigurations) {
  World w;
  BeaconConfig none;
  EXPECT_FALSE(BeaconSource::create(none, *w.env));
  BeaconConfig jitter;
  jitter.c2s = {{60 * s, 1.5, 443, 3, false}};
  EXPECT_FALSE(BeaconSource::create(jitter, *w.env));
  BeaconConfig fast;
  fast.c2s = {{kNsPerMs, 0.1, 443, 3, false}};
  EXPECT_FALSE(BeaconSource::create(fast, *w.env));
}

}  // namespace
}  // namespace mamori::flow::sim::attacks
