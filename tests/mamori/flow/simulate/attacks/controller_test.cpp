#include "mamori/flow/simulate/attacks/controller.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "planted_run.hpp"

namespace mamori::flow::sim::attacks {
namespace {

using namespace plant_test;
constexpr TimeNs s = kNsPerSecond;

TEST(ControllerSource, BotsCallTheControllerShortlyBeforeEachFlood) {
  World w;
  ControllerConfig config;
  config.bots = 25;
  const PlantedRun run = run_one(ControllerSource::create(config, *w.env), kHour);
  ASSERT_EQ(run.instances.size(), 1u);
  const IpAddress controller = run.instances[0].endpoints[0].address;
  EXPECT_EQ(run.instances[0].endpoints[0].role, "controller");
  EXPECT_FALSE(is_home(*w.env, controller));
  std::map<IpAddress, std::vector<TimeNs>> contacts, floods;
  std::set<IpAddress> victims;
  for (const auto& f : run.flows) {
    if (f.dst_addr == controller) {
      contacts[f.src_addr].push_back(f.start_ns);
      EXPECT_EQ(f.dst_port, 7777);
    } else if (f.src_addr != controller) {
      floods[f.src_addr].push_back(f.start_ns);
      victims.insert(f.dst_addr);
      EXPECT_EQ(f.proto, kProtoUdp);
      EXPECT_GT(f.bytes, 1'000'000u);  // a minute of a home uplink
    }
  }
  ASSERT_EQ(victims.size(), 1u);
  EXPECT_FALSE(is_home(*w.env, *victims.begin()));
  EXPECT_EQ(contacts.size(), 25u);
  for (const auto& [bot, times] : contacts) {
    ASSERT_EQ(times.size(), 2u) << "one call per round";
    const auto& flood = floods[bot];
    for (TimeNs call : times) {
      // The first flood record after the call starts within the lead time (+ the 3 s start spread).
      auto next = std::upper_bound(flood.begin(), flood.end(), call);
      ASSERT_NE(next, flood.end());
      EXPECT_GE(*next - call, config.lead_min - kNsPerMs);
      EXPECT_LE(*next - call, config.lead_max + 3 * s);
    }
  }
  EXPECT_GT(run.supporting, 0u);  // the floods name no planted endpoint
  ASSERT_EQ(run.rows.size(), 1u);
  EXPECT_EQ(run.rows[0].peers, 25u);
}

}  // namespace
}  // namespace mamori::flow::sim::attacks
