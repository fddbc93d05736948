#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "../sketch/synthetic_flows.hpp"
#include "mamori/detect/builtin.hpp"
#include "mamori/detect/fan_in/fan_in_detector.hpp"

namespace mamori::detect {
namespace {

using namespace testing;

std::unique_ptr<Detector> make(std::map<std::string, std::string> options = {},
                               std::size_t max_tracked = 100000) {
  auto d = make_fan_in_detector(options_of(std::move(options)), DetectorLimits{max_tracked});
  EXPECT_TRUE(d) << (d ? "" : d.error().message);
  return d ? std::move(*d) : nullptr;
}

// Bots polling their C2 server: each every `period` s ± 10%, requests and replies of nearly one size.
void botnet(FlowFeed& feed, IpAddress server, std::uint16_t port, std::uint32_t bots, double period,
            double hours, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> jitter(-0.1, 0.1), size(-0.01, 0.01), phase(0, 1);
  for (std::uint32_t b = 0; b < bots; ++b) {
    const IpAddress bot = v4(0x0a400000 + b * 11);
    std::uint16_t cport = 30000;
    for (double t = phase(rng) * period; t < hours * 3600; t += period * (1 + jitter(rng)))
      feed.tcp_session(bot, cport++, server, port, kT0 + seconds(t), seconds(0.4),
                       static_cast<std::uint64_t>(320 * (1 + size(rng))),
                       static_cast<std::uint64_t>(180 * (1 + size(rng))));
  }
}

TEST(FanIn, ManyBotsPollingAlikeAreReported) {
  std::mt19937_64 rng(1);
  FlowFeed feed;
  const IpAddress c2 = ip("203.0.113.200");
  botnet(feed, c2, 8080, 60, 120, 2, rng);
  // Records reach the detector in time order, as a collector delivers them.
  std::sort(feed.records().begin(), feed.records().end(),
            [](const flow::FlowRecord& a, const flow::FlowRecord& b) { return a.start_ns < b.start_ns; });
  auto d = make();
  feed.feed(*d);
  auto findings = final_findings(*d, kT0 + seconds(7200));
  ASSERT_FALSE(findings.empty());
  const Finding& f = findings.back();
  EXPECT_EQ(f.endpoint, c2);
  EXPECT_EQ(f.kind, FindingKind::fan_in);
  EXPECT_EQ(f.role, "c2_server");
  EXPECT_EQ(f.ports, std::vector<std::uint16_t>{8080});
  EXPECT_NEAR(static_cast<double>(f.peers), 60, 60 * 0.3);
  EXPECT_GE(f.score, 85);
  EXPECT_NEAR(metric(f, "return_interval_median_s"), 120, 15);
  EXPECT_NEAR(metric(f, "size_median_bytes"), 320, 10);
  EXPECT_EQ(f.sample_peers.size(), 4u);
}

TEST(FanIn, DomesticServersAreLeftOutWhereForeignnessIsKnown) {
  // The same bots polling a domestic server (selected data says
  // domestic_to_domestic): the carrier's own services are not botnet fan-in.
  std::mt19937_64 rng(3);
  FlowFeed feed;
  const IpAddress server = ip("203.0.113.201");
  botnet(feed, server, 8080, 60, 120, 2, rng);
  for (auto& r : feed.records()) r.locality = flow::Locality::domestic_to_domestic;
  std::sort(feed.records().begin(), feed.records().end(),
            [](const flow::FlowRecord& a, const flow::FlowRecord& b) { return a.start_ns < b.start_ns; });
  auto d = make();
  feed.feed(*d);
  EXPECT_TRUE(final_findings(*d, kT0 + seconds(7200)).empty());
  // Unless asked for; and where nothing says which end is foreign, every server counts.
  for (const std::map<std::string, std::string>& opts :
       {std::map<std::string, std::string>{{"include_domestic", "true"}},
        std::map<std::string, std::string>{}}) {
    FlowFeed copy;
    for (auto r : feed.records()) {
      if (opts.empty()) r.locality = flow::Locality::unknown;
      copy.records().push_back(r);
    }
    auto d2 = make(opts);
    copy.feed(*d2);
    auto findings = final_findings(*d2, kT0 + seconds(7200));
    ASSERT_FALSE(findings.empty());
    EXPECT_EQ(findings.back().endpoint, server);
  }
}

TEST(FanIn, NtpPoolsAreDiscounted) {
  // 200 clients polling a pool server every 1024 s with 76-byte datagrams:
  // identical sizes and timers, as bots, but NTP-shaped.
  FlowFeed feed;
  const IpAddress pool = ip("203.0.113.123");
  for (std::uint32_t c = 0; c < 200; ++c)
    for (double t = c * 5.0; t < 4 * 3600; t += 1024) {
      feed.add({v4(0x0a500000 + c), pool, 40000, 123, flow::kProtoUdp, kT0 + seconds(t), seconds(0.02), 1, 76,
                0, flow::Locality::domestic_to_foreign});
      feed.add({pool, v4(0x0a500000 + c), 123, 40000, flow::kProtoUdp, kT0 + seconds(t), seconds(0.02), 1, 76,
                0, flow::Locality::foreign_to_domestic});
    }
  std::sort(feed.records().begin(), feed.records().end(),
            [](const flow::FlowRecord& a, const flow::FlowRecord& b) { return a.start_ns < b.start_ns; });
  auto d = make();
  feed.feed(*d);
  EXPECT_TRUE(final_findings(*d, kT0 + seconds(4 * 3600)).empty());
  FlowFeed copy;
  for (const auto& r : feed.records()) copy.records().push_back(r);
  auto undiscounted = make({{"ntp_factor", "1"}});
  copy.feed(*undiscounted);
  EXPECT_FALSE(final_findings(*undiscounted, kT0 + seconds(4 * 3600)).empty());
}

TEST(FanIn, APopularServiceIsNotReportedForPopularityAlone) {
  std::mt19937_64 rng(2);
  std::lognormal_distribution<double> request(7, 1.2), reply(10, 2);
  std::exponential_distribution<double> gap(1.0 / 900);
  FlowFeed feed;
  const IpAddress cdn = ip("198.51.100.80");
  for (std::uint32_t c = 0; c < 500; ++c) {
    double t = gap(rng);
    const int visits = 1 + static_cast<int>(rng() % 6);
    for (int v = 0; v < visits && t < 4 * 3600; ++v, t += gap(rng) * (1 + static_cast<double>(rng() % 8)))
      feed.tcp_session(v4(0x0a500000 + c), static_cast<std::uint16_t>(40000 + v), cdn, 443, kT0 + seconds(t),
                       seconds(3), static_cast<std::uint64_t>(request(rng)),
                       static_cast<std::uint64_t>(reply(rng)));
  }
  std::sort(feed.records().begin(), feed.records().end(),
            [](const flow::FlowRecord& a, const flow::FlowRecord& b) { return a.start_ns < b.start_ns; });
  auto d = make();
  feed.feed(*d);
  auto findings = final_findings(*d, kT0 + seconds(4 * 3600));
  EXPECT_TRUE(findings.empty()) << findings[0].summary << " score " << findings[0].score;
}

TEST(FanIn, FewClientsAreNotEnough) {
  std::mt19937_64 rng(3);
  FlowFeed feed;
  botnet(feed, ip("203.0.113.201"), 443, 12, 120, 2, rng);
  auto d = make();
  feed.feed(*d);
  EXPECT_TRUE(final_findings(*d, kT0 + seconds(7200)).empty());
  // The same with a lower minimum is reported.
  auto d2 = make({{"min_clients", "10"}});
  FlowFeed again;
  std::mt19937_64 rng2(3);
  botnet(again, ip("203.0.113.201"), 443, 12, 120, 2, rng2);
  again.feed(*d2);
  EXPECT_FALSE(final_findings(*d2, kT0 + seconds(7200)).empty());
}

TEST(FanIn, MemoryIsBoundedWithEvictionsCounted) {
  FanInOptions options;
  options.admission = false;
  auto d = std::make_unique<FanInDetector>(options, DetectorLimits{200});
  FlowFeed feed;
  for (std::uint32_t i = 0; i < 5000; ++i)
    feed.tcp_session(v4(0x0a000000 + i % 97), 40000, v4(0xc6336400 + i), 443, kT0 + seconds(i), seconds(1),
                     500, 5000);
  feed.feed(*d);
  EXPECT_EQ(d->tracked(), 200u);
  EXPECT_EQ(d->evictions(), 4800u);
  EXPECT_LE(FanInDetector::Table::entry_bytes(), 1024u);
  EXPECT_FALSE(make_fan_in_detector(options_of({{"min_clients", "1"}}), {}));
  EXPECT_FALSE(make_fan_in_detector(options_of({{"size_weight", "0"},
                                                {"reply_weight", "0"},
                                                {"timing_weight", "0"},
                                                {"clients_weight", "0"},
                                                {"repeat_weight", "0"}}),
                                    {}));
}

}  // namespace
}  // namespace mamori::detect
