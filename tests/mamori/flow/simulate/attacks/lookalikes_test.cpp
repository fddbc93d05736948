#include "mamori/flow/simulate/attacks/lookalikes.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "planted_run.hpp"

namespace mamori::flow::sim::attacks {
namespace {

using namespace plant_test;

TEST(LookalikeSource, NtpClientsPollAtPowersOfTwo) {
  World w(3 * kHour);
  const PlantedRun run = run_one(LookalikeSource::create({{Lookalike::ntp, 20}}, *w.env), 3 * kHour);
  ASSERT_EQ(run.instances.size(), 1u);
  EXPECT_EQ(run.instances[0].attack, "benign_ntp");
  const IpAddress server = run.instances[0].endpoints[0].address;
  std::map<IpAddress, std::vector<TimeNs>> polls;
  for (const auto& f : run.flows) {
    EXPECT_EQ(f.bytes, 76u);
    if (f.dst_addr == server) polls[f.src_addr].push_back(f.start_ns);
  }
  EXPECT_EQ(polls.size(), 20u);
  for (const auto& [client, times] : polls) {
    ASSERT_GE(times.size(), 2u);
    const double first_gap = static_cast<double>(times[1] - times[0]) / 1e9;
    const double poll = std::exp2(std::round(std::log2(first_gap)));
    EXPECT_TRUE(poll == 64 || poll == 128 || poll == 256 || poll == 1024) << poll;
    for (std::size_t k = 1; k < times.size(); ++k) {
      EXPECT_NEAR(static_cast<double>(times[k] - times[k - 1]) / 1e9, poll, 0.011 * poll);
    }
  }
}

TEST(LookalikeSource, PushConnectionsExportPeriodicRecords) {
  World w;
  const PlantedRun run = run_one(LookalikeSource::create({{Lookalike::push, 10}}, *w.env), kHour);
  const IpAddress server = run.instances[0].endpoints[0].address;
  std::map<std::pair<IpAddress, std::uint16_t>, std::vector<FlowRecord>> connections;
  for (const auto& f : run.flows) {
    if (f.dst_addr == server) connections[{f.src_addr, f.src_port}].push_back(f);
  }
  EXPECT_EQ(connections.size(), 10u);
  for (const auto& [key, records] : connections) {
    EXPECT_EQ(key.second >= 49152, true);
    EXPECT_GE(records.size(), 11u);
    for (std::size_t k = 0; k < records.size(); ++k) {
      EXPECT_EQ(records[k].dst_port, 5223);
      EXPECT_EQ(records[k].tcp_flags & kSyn, 0) << "mid-connection records carry no SYN";
      EXPECT_LE(records[k].packets, 5u);
      if (k > 0) {
        EXPECT_EQ(records[k].start_ns - records[k - 1].start_ns, 300 * kNsPerSecond);
      }
    }
  }
}

TEST(LookalikeSource, CdnAndResolverDrawManyClientsWithSteadySizes) {
  World w;
  const PlantedRun run = run_one(LookalikeSource::create({{Lookalike::cdn, 200}, {Lookalike::dns, 100}}, *w.env), kHour);
  ASSERT_EQ(run.instances.size(), 2u);
  EXPECT_EQ(run.instances[1].endpoints[0].address.to_string(), "208.67.222.222");
  for (const auto& inst : run.instances) {
    const IpAddress server = inst.endpoints[0].address;
    std::set<IpAddress> clients;
    std::uint64_t min_answer = ~0ULL, max_answer = 0;
    for (const auto& f : run.with_label(inst.label)) {
      if (f.dst_addr == server) clients.insert(f.src_addr);
      if (f.src_addr == server) {
        min_answer = std::min(min_answer, f.bytes);
        max_answer = std::max(max_answer, f.bytes);
      }
    }
    EXPECT_GE(clients.size(), inst.attack == "benign_cdn" ? 190u : 100u) << inst.attack;
    EXPECT_LT(static_cast<double>(max_answer) / static_cast<double>(min_answer), 1.2) << inst.attack;
  }
}

}  // namespace
}  // namespace mamori::flow::sim::attacks
