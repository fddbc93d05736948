#include "mamori/flow/simulate/attacks/scan.hpp"

#include <gtest/gtest.h>

#include <set>

#include "planted_run.hpp"

namespace mamori::flow::sim::attacks {
namespace {

using namespace plant_test;

TEST(ScanSource, HorizontalProbesAreTinySynOnlyFlowsWithFewAnswers) {
  World w(600 * kNsPerSecond);
  ScanConfig config;
  config.scanners = {{ScanDirection::horizontal, {23}, kProtoTcp, 20.0, 0.0, 1.0, false}};
  const PlantedRun run = run_one(ScanSource::create(config, *w.env), 600 * kNsPerSecond);
  const IpAddress scanner = run.instances[0].endpoints[0].address;
  EXPECT_FALSE(is_home(*w.env, scanner));
  std::size_t probes = 0, answers = 0, open = 0, unanswered = 0;
  std::set<IpAddress> targets;
  for (const auto& f : run.flows) {
    EXPECT_EQ(f.proto, kProtoTcp);
    if (f.src_addr == scanner) {
      ++probes;
      targets.insert(f.dst_addr);
      EXPECT_TRUE(is_home_access(*w.env, f.dst_addr));
      EXPECT_EQ(f.dst_port, 23);
      EXPECT_TRUE(f.tcp_flags == kSyn || f.tcp_flags == (kSyn | kRst)) << int(f.tcp_flags);
      EXPECT_LE(f.packets, 2u);
      EXPECT_LE(f.bytes, 2u * 44u);
      EXPECT_GE(f.bytes, 40u);
      if (f.tcp_flags == (kSyn | kRst)) ++open;
    } else {
      ++answers;
      EXPECT_EQ(f.dst_addr, scanner);
      EXPECT_EQ(f.src_port, 23);
      EXPECT_EQ(f.packets, 1u);
      EXPECT_TRUE(f.tcp_flags == (kRst | kAck) || f.tcp_flags == (kSyn | kAck)) << int(f.tcp_flags);
    }
  }
  unanswered = probes - answers;
  EXPECT_NEAR(static_cast<double>(probes), 12'000.0, 600.0);
  EXPECT_GT(static_cast<double>(targets.size()), 0.95 * static_cast<double>(probes));  // a sweep, not a retry loop
  EXPECT_GT(unanswered, probes * 7 / 10);  // most of the space is silent
  EXPECT_GT(answers, probes / 20);
  EXPECT_GT(open, 0u);                     // some hits
  EXPECT_LT(open, probes / 20);
  ASSERT_EQ(run.rows.size(), 1u);
  EXPECT_EQ(run.rows[0].role, "scanner");
  EXPECT_EQ(run.rows[0].ports, std::vector<std::uint16_t>{23});
  EXPECT_EQ(run.rows[0].peers, targets.size());
}

TEST(ScanSource, VerticalScanTriesEveryPortOfOneHostOnce) {
  World w;
  ScanConfig config;
  std::vector<std::uint16_t> ports;
  for (std::uint16_t p = 1; p <= 1024; ++p) ports.push_back(p);
  config.scanners = {{ScanDirection::vertical, ports, kProtoTcp, 150.0, 0.1, 1.0, false}};
  const PlantedRun run = run_one(ScanSource::create(config, *w.env), kHour);
  const IpAddress scanner = run.instances[0].endpoints[0].address;
  std::multiset<std::uint16_t> tried;
  std::set<IpAddress> hosts;
  TimeNs first = ~0ULL, last = 0;
  std::size_t hits = 0;
  for (const auto& f : run.flows) {
    if (f.src_addr != scanner) {
      hits += f.tcp_flags == (kSyn | kAck) ? 1 : 0;
      continue;
    }
    tried.insert(f.dst_port);
    hosts.insert(f.dst_addr);
    first = std::min(first, f.start_ns);
    last = std::max(last, f.start_ns);
  }
  EXPECT_EQ(tried.size(), 1024u);
  EXPECT_EQ(std::set<std::uint16_t>(tried.begin(), tried.end()).size(), 1024u);
  EXPECT_EQ(hosts.size(), 1u);
  EXPECT_TRUE(is_home_access(*w.env, *hosts.begin()));
  EXPECT_GE(first, kStart + kHour / 10);
  EXPECT_NEAR(static_cast<double>(last - first) / 1e9, 1024 / 150.0, 1.5);
  EXPECT_GE(hits, 1u);
  EXPECT_LE(hits, 3u);
  ASSERT_EQ(run.rows.size(), 1u);
  EXPECT_EQ(format_port_list(run.rows[0].ports), "1-1024");
}

TEST(ScanSource, UdpScannersSendSingleDatagrams) {
  World w(600 * kNsPerSecond);
  ScanConfig config;
  config.scanners = {{ScanDirection::horizontal, {5060}, kProtoUdp, 5.0, 0.0, 1.0, false}};
  const PlantedRun run = run_one(ScanSource::create(config, *w.env), 600 * kNsPerSecond);
  const IpAddress scanner = run.instances[0].endpoints[0].address;
  std::size_t probes = 0;
  for (const auto& f : run.flows) {
    EXPECT_EQ(f.proto, kProtoUdp);
    if (f.src_addr == scanner) {
      ++probes;
      EXPECT_EQ(f.packets, 1u);
      EXPECT_EQ(f.dst_port, 5060);
    }
  }
  EXPECT_NEAR(static_cast<double>(probes), 3000.0, 250.0);
  EXPECT_LT(run.flows.size() - probes, probes / 10);
}

TEST(ScanSource, StopsAtItsShareOfTheHorizon) {
  World w(kHour);
  ScanConfig config;
  config.scanners = {{ScanDirection::horizontal, {445}, kProtoTcp, 2.0, 0.25, 0.5, false}};
  const PlantedRun run = run_one(ScanSource::create(config, *w.env), kHour);
  ASSERT_FALSE(run.flows.empty());
  EXPECT_GE(run.flows.front().start_ns, kStart + kHour / 4);
  for (const auto& f : run.flows) EXPECT_LT(f.start_ns, kStart + kHour / 2 + kNsPerSecond);
}

}  // namespace
}  // namespace mamori::flow::sim::attacks
