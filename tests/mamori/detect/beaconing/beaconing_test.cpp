#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "../sketch/synthetic_flows.hpp"
#include "mamori/detect/beaconing/beacon_score.hpp"
#include "mamori/detect/beaconing/beaconing_detector.hpp"
#include "mamori/detect/builtin.hpp"

namespace mamori::detect {
namespace {

using namespace testing;

std::unique_ptr<Detector> make(std::map<std::string, std::string> options = {},
                               std::size_t max_tracked = 100000) {
  auto d = make_beaconing_detector(DetectorOptions(std::move(options)), DetectorLimits{max_tracked});
  EXPECT_TRUE(d) << (d ? "" : d.error().message);
  return d ? std::move(*d) : nullptr;
}

// A client polling a server every `period` seconds ± jitter, with a sleep from `sleep_from` to `sleep_to`
// hours.
void beacon(FlowFeed& feed, IpAddress client, IpAddress server, std::uint16_t port, double period,
            double jitter, double hours, std::mt19937_64& rng, double sleep_from = -1, double sleep_to = -1,
            double size = 1500) {
  std::uniform_real_distribution<double> j(-jitter, jitter);
  std::uniform_real_distribution<double> sz(-0.03, 0.03);
  std::uint16_t cport = 40000;
  for (double t = 10; t < hours * 3600; t += period * (1 + j(rng))) {
    if (t >= sleep_from * 3600 && t < sleep_to * 3600) continue;
    const auto up = static_cast<std::uint64_t>(size * (1 + sz(rng)));
    feed.tcp_session(client, cport++, server, port, kT0 + seconds(t), seconds(0.3), up, 4000);
  }
}

TEST(BeaconScore, PerfectBeaconScoresFullMarks) {
  std::vector<double> intervals(30, 60.0), sizes(30, 512.0);
  std::vector<std::uint16_t> buckets(24, 60);
  BeaconSample s{intervals, sizes, buckets, 86000, 86400, 1440};
  const BeaconScore r = score_beacon(s, BeaconScoreParams{});
  EXPECT_DOUBLE_EQ(r.ts, 1);
  EXPECT_DOUBLE_EQ(r.ds, 1);
  EXPECT_DOUBLE_EQ(r.hist, 1);
  EXPECT_DOUBLE_EQ(r.dur, 1);
  EXPECT_DOUBLE_EQ(r.count, 1);
  EXPECT_DOUBLE_EQ(r.total, 100);
}

TEST(BeaconScore, BimodalHistogramAndSleepKeepTheHistogramScore) {
  std::vector<double> intervals(30, 60.0), sizes(30, 512.0);
  // Twelve busy hours at 60/h, twelve quiet at 10/h: the CV is poor, the bimodal fit perfect.
  std::vector<std::uint16_t> buckets(24);
  for (std::size_t i = 0; i < 24; ++i) buckets[i] = i < 12 ? 60 : 10;
  BeaconSample s{intervals, sizes, buckets, 86000, 86400, 840};
  BeaconScore r = score_beacon(s, BeaconScoreParams{});
  EXPECT_LT(r.cv_score, 0.5);
  EXPECT_DOUBLE_EQ(r.bimodal_score, 1);
  EXPECT_DOUBLE_EQ(r.hist, 1);
  // Asleep for 8 of 24 buckets: coverage and the longest run still give a full duration score.
  for (std::size_t i = 8; i < 16; ++i) buckets[i] = 0;
  r = score_beacon(s, BeaconScoreParams{});
  EXPECT_EQ(r.buckets_seen, 16u);
  EXPECT_EQ(r.longest_run, 16u);  // wraps from the end to the start
  EXPECT_DOUBLE_EQ(r.dur, 1);
}

TEST(BeaconScore, IrregularTrafficScoresLow) {
  std::mt19937_64 rng(1);
  std::exponential_distribution<double> gap(1.0 / 600);
  std::lognormal_distribution<double> size(8, 1.5);
  std::vector<double> intervals, sizes;
  for (int i = 0; i < 32; ++i) {
    intervals.push_back(gap(rng));
    sizes.push_back(size(rng));
  }
  std::vector<std::uint16_t> buckets = {0,  0, 0, 0, 0, 0, 0, 3, 9, 1, 0, 0,
                                        14, 2, 0, 0, 1, 7, 0, 0, 0, 2, 0, 0};
  BeaconSample s{intervals, sizes, buckets, 60000, 86400, 40};
  const BeaconScore r = score_beacon(s, BeaconScoreParams{});
  EXPECT_LT(r.ts, 0.6);
  EXPECT_LT(r.ds, 0.6);
  EXPECT_LT(r.total, 50);
}

TEST(Beaconing, ReportsAJitteredBeaconWithASleepPeriod) {
  std::mt19937_64 rng(2);
  FlowFeed feed;
  const IpAddress client = ip("10.1.2.3"), server = ip("203.0.113.10");
  beacon(feed, client, server, 443, 300, 0.15, 24, rng, 2, 7);
  auto d = make();
  feed.feed(*d);
  auto findings = final_findings(*d, kT0 + seconds(24 * 3600));
  ASSERT_EQ(findings.size(), 1u);
  const Finding& f = findings[0];
  EXPECT_EQ(f.endpoint, server);
  EXPECT_EQ(f.kind, FindingKind::beaconing);
  EXPECT_EQ(f.role, "c2_server");
  EXPECT_EQ(f.ports, std::vector<std::uint16_t>{443});
  EXPECT_EQ(f.proto, flow::kProtoTcp);
  EXPECT_EQ(f.peers, 1u);
  ASSERT_EQ(f.sample_peers.size(), 1u);
  EXPECT_EQ(f.sample_peers[0], client);
  EXPECT_GE(f.score, 75);
  EXPECT_NEAR(metric(f, "interval_median_s"), 300, 20);
  EXPECT_NEAR(metric(f, "size_median_bytes"), 1500, 50);
  EXPECT_GE(metric(f, "buckets_seen"), 18);
  ASSERT_GE(f.sample_times.size(), 5u);
  EXPECT_GT(f.sample_times.back(),
            kT0 + seconds(23 * 3600));  // the latest contacts, after many flushed blocks
  for (std::size_t i = 1; i < f.sample_times.size(); ++i) EXPECT_GT(f.sample_times[i], f.sample_times[i - 1]);
  EXPECT_GT(f.flows, 200u);
  // The first connection admits the pair (counted, not timed): first_seen is the second one.
  EXPECT_LE(f.first_seen, kT0 + seconds(11 + 300 * 1.15));
  EXPECT_FALSE(f.summary.empty());
}

TEST(Beaconing, GroupsTheClientsOfOneServerIntoOneFinding) {
  std::mt19937_64 rng(3);
  FlowFeed feed;
  const IpAddress server = ip("198.51.100.7");
  for (std::uint32_t c = 0; c < 5; ++c) beacon(feed, v4(0x0a000100 + c), server, 8443, 120, 0.1, 6, rng);
  auto d = make({{"window", "6h"}});
  feed.feed(*d);
  auto findings = final_findings(*d, kT0 + seconds(6 * 3600));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].peers, 5u);
  EXPECT_EQ(findings[0].sample_peers.size(), 5u);
  EXPECT_EQ(findings[0].ports, std::vector<std::uint16_t>{8443});
}

TEST(Beaconing, IrregularBrowsingIsNotReported) {
  std::mt19937_64 rng(4);
  std::exponential_distribution<double> gap(1.0 / 400);
  std::lognormal_distribution<double> size(7.5, 1.2);
  FlowFeed feed;
  const IpAddress client = ip("10.9.9.9"), server = ip("192.0.2.80");
  std::uint16_t port = 30000;
  double t = 0;
  while (t < 24 * 3600) {
    // Human sessions: bursts of requests, then long pauses.
    const int burst = 1 + static_cast<int>(rng() % 12);
    for (int i = 0; i < burst; ++i)
      feed.tcp_session(client, port++, server, 443, kT0 + seconds(t + i * 0.7), seconds(1),
                       static_cast<std::uint64_t>(size(rng)), 20000);
    t += gap(rng) * (rng() % 4 == 0 ? 10 : 1);
  }
  auto d = make();
  feed.feed(*d);
  auto findings = final_findings(*d, kT0 + seconds(24 * 3600));
  EXPECT_TRUE(findings.empty()) << findings[0].summary << " score " << findings[0].score;
}

TEST(Beaconing, NtpToAPublicPoolIsDiscountedAndPopularServersAreNotReported) {
  FlowFeed feed;
  std::mt19937_64 rng(5);
  const IpAddress pool[3] = {ip("192.0.2.123"), ip("198.51.100.123"), ip("203.0.113.123")};
  // 300 domestic clients, each polling one pool server every 1024 s with 48-byte NTP payloads.
  for (std::uint32_t c = 0; c < 300; ++c) {
    const IpAddress client = v4(0x0a100000 + c);
    const IpAddress server = pool[c % 3];
    const double phase = static_cast<double>(rng() % 1024);
    for (double t = phase; t < 24 * 3600; t += 1024) {
      feed.add({client, server, 123, 123, flow::kProtoUdp, kT0 + seconds(t), seconds(0.02), 1, 76, 0,
                flow::Locality::domestic_to_foreign});
      feed.add({server, client, 123, 123, flow::kProtoUdp, kT0 + seconds(t), seconds(0.02), 1, 76, 0,
                flow::Locality::foreign_to_domestic});
    }
  }
  // A few other clients reach other services, making up the client population.
  for (std::uint32_t c = 0; c < 200; ++c)
    feed.tcp_session(v4(0x0a200000 + c), 5000, v4(0xcb000000 + c), 443, kT0 + seconds(c), seconds(1), 900,
                     9000);
  auto d = make();
  feed.feed(*d, 4096);
  auto findings = final_findings(*d, kT0 + seconds(24 * 3600));
  EXPECT_TRUE(findings.empty()) << findings.size() << " findings, first " << findings[0].summary;

  // One client alone to a private NTP server: a perfect beacon in shape, halved as NTP-shaped.
  FlowFeed single;
  for (double t = 5; t < 24 * 3600; t += 1024)
    single.add({ip("10.0.0.1"), ip("192.0.2.1"), 123, 123, flow::kProtoUdp, kT0 + seconds(t), seconds(0.02),
                1, 76, 0, flow::Locality::domestic_to_foreign});
  auto d2 = make({{"threshold", "40"}});
  single.feed(*d2);
  auto f2 = final_findings(*d2, kT0 + seconds(24 * 3600));
  ASSERT_EQ(f2.size(), 1u);
  EXPECT_LE(f2[0].score, 50.0);
  EXPECT_EQ(metric(f2[0], "ntp_shaped"), 1.0);
}

TEST(Beaconing, ActiveTimeoutSplitsOfALongSessionAreNotConnections) {
  FlowFeed feed;
  const IpAddress client = ip("10.0.0.2"), server = ip("203.0.113.5");
  // A push-notification session held for a day, exported every 60 s: only the first record has SYN.
  for (int i = 0; i < 1440; ++i) {
    const std::uint8_t flags = i == 0 ? 0x1a : 0x18;
    feed.add({client, server, 50000, 5223, flow::kProtoTcp, kT0 + seconds(i * 60.0), seconds(60), 2, 180,
              flags, flow::Locality::domestic_to_foreign});
  }
  auto d = make();
  feed.feed(*d);
  EXPECT_TRUE(final_findings(*d, kT0 + seconds(86400)).empty());
}

TEST(Beaconing, UdpSessionPiecesAreNotConnections) {
  // A QUIC video held for an hour, cut by the exporter into back-to-back
  // 300-second records of equal size: twelve perfectly regular "connections"
  // if each record counted.
  FlowFeed feed;
  const IpAddress client = ip("10.0.0.5"), server = ip("203.0.113.44");
  for (int i = 0; i < 12; ++i)
    feed.add({client, server, 51000, 443, flow::kProtoUdp, kT0 + seconds(i * 300.0), seconds(300), 900,
              1'200'000, 0, flow::Locality::domestic_to_foreign});
  auto d = make({{"threshold", "50"}, {"window", "1h"}});
  feed.feed(*d);
  EXPECT_TRUE(final_findings(*d, kT0 + seconds(3600)).empty());
  // The same timing in short UDP exchanges is a beacon.
  FlowFeed shortly;
  for (int i = 0; i < 12; ++i)
    shortly.add({client, server, 51000, 443, flow::kProtoUdp, kT0 + seconds(i * 300.0), seconds(0.4), 4, 1200,
                 0, flow::Locality::domestic_to_foreign});
  auto d2 = make({{"threshold", "50"}, {"window", "1h"}});
  shortly.feed(*d2);
  EXPECT_EQ(final_findings(*d2, kT0 + seconds(3600)).size(), 1u);
}

TEST(Beaconing, AFewRegularClientsOfABusyServerAreNotReported) {
  // One client of a web service polls it on a timer; 60 other repeat
  // clients browse it irregularly. The regular one is a minority of the
  // server's clients: a habit, not an implant. Alone with its server, the
  // same client is reported.
  std::mt19937_64 rng(11);
  const IpAddress server = ip("203.0.113.80");
  auto regular = [&](FlowFeed& feed) { beacon(feed, ip("10.0.9.1"), server, 443, 120, 0.05, 6, rng); };
  FlowFeed busy;
  regular(busy);
  std::exponential_distribution<double> gap(1.0 / 900);
  for (std::uint32_t c = 0; c < 60; ++c) {
    std::uint16_t port = 30000;
    for (double t = gap(rng); t < 6 * 3600; t += gap(rng))
      busy.tcp_session(v4(0x0a300000 + c), port++, server, 443, kT0 + seconds(t), seconds(2), 2000, 40000);
  }
  // The rest of the subscribers use other services (the server is not popular among all clients).
  for (std::uint32_t c = 0; c < 400; ++c)
    for (int k = 0; k < 3; ++k)
      busy.tcp_session(v4(0x0a400000 + c), static_cast<std::uint16_t>(5000 + k), v4(0xcb000000 + c), 443,
                       kT0 + seconds(c * 10.0 + k * 3000), seconds(1), 900, 9000);
  std::stable_sort(
      busy.records().begin(), busy.records().end(),
      [](const flow::FlowRecord& a, const flow::FlowRecord& b) { return a.start_ns < b.start_ns; });
  auto d = make({{"window", "6h"}});
  busy.feed(*d);
  auto findings = final_findings(*d, kT0 + seconds(6 * 3600));
  EXPECT_EQ(find_endpoint(findings, server), nullptr) << findings.size() << " findings";

  FlowFeed alone;
  regular(alone);
  auto d2 = make({{"window", "6h"}});
  alone.feed(*d2);
  auto f2 = final_findings(*d2, kT0 + seconds(6 * 3600));
  ASSERT_NE(find_endpoint(f2, server), nullptr);
  // The rule is configurable: with no minority discount the busy server's regular client is reported.
  auto d3 = make({{"window", "6h"}, {"minority_factor", "1"}});
  FlowFeed busy_again;
  for (const auto& r : busy.records()) busy_again.records().push_back(r);
  busy_again.feed(*d3);
  auto f3 = final_findings(*d3, kT0 + seconds(6 * 3600));
  EXPECT_NE(find_endpoint(f3, server), nullptr);
}

TEST(Beaconing, NeedsMinimumConnectionsAndIgnoresForeignClientsOfDomesticServers) {
  FlowFeed feed;
  for (int i = 0; i < 5; ++i)
    feed.tcp_session(ip("10.0.0.3"), static_cast<std::uint16_t>(1000 + i), ip("203.0.113.9"), 443,
                     kT0 + seconds(i * 600.0), seconds(1), 700, 700);
  for (int i = 0; i < 100; ++i)
    feed.tcp_session(ip("203.0.113.99"), static_cast<std::uint16_t>(1000 + i), ip("10.0.0.4"), 443,
                     kT0 + seconds(i * 600.0), seconds(1), 700, 700, flow::Locality::foreign_to_domestic);
  auto d = make();
  feed.feed(*d);
  EXPECT_TRUE(final_findings(*d, kT0 + seconds(100 * 600)).empty());
  EXPECT_EQ(d->tracked(), 1u);  // only the domestic client's pair is kept
  // A sixth connection reaches the minimum.
  FlowFeed six;
  for (int i = 0; i < 6; ++i)
    six.tcp_session(ip("10.0.0.3"), static_cast<std::uint16_t>(1000 + i), ip("203.0.113.9"), 443,
                    kT0 + seconds(i * 600.0), seconds(1), 700, 700);
  auto d2 = make({{"threshold", "50"}, {"window", "1h"}});
  six.feed(*d2);
  auto findings = final_findings(*d2, kT0 + seconds(3600));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].endpoint, ip("203.0.113.9"));
}

TEST(Beaconing, ClosesEpochsAndReportsEachServerOncePerEpoch) {
  std::mt19937_64 rng(6);
  FlowFeed feed;
  const IpAddress server = ip("203.0.113.44");
  beacon(feed, ip("10.0.0.8"), server, 443, 60, 0.05, 4, rng);
  auto d = make({{"window", "1h"}, {"check_interval", "10m"}});
  std::vector<Finding> out;
  // Feed in 10-minute slices and emit after each, as an engine does.
  auto& records = feed.records();
  std::vector<FlowEvent> events;
  std::size_t i = 0;
  for (TimeNs slice = kT0 + seconds(600); slice <= kT0 + seconds(4 * 3600); slice += seconds(600)) {
    events.clear();
    while (i < records.size() && records[i].start_ns < slice) events.push_back(orient(records[i++], nullptr));
    d->observe(events);
    d->emit(slice, false, out);
  }
  d->emit(kT0 + seconds(4 * 3600), true, out);
  // Per hour-long epoch: a report when the server first qualifies and one with the
  // epoch's evidence when it closes (the fourth closes at the final emit).
  ASSERT_GE(out.size(), 4u);
  EXPECT_LE(out.size(), 8u);
  std::size_t full_epochs = 0;
  for (const auto& f : out) {
    EXPECT_EQ(f.endpoint, server);
    full_epochs += f.flows >= 55;  // an hour of one-minute beacons
  }
  EXPECT_GE(full_epochs, 3u);
}

TEST(Beaconing, MemoryIsBoundedAndEvictionsAreCounted) {
  BeaconingOptions options;
  options.admission = false;
  auto detector = std::make_unique<BeaconingDetector>(options, DetectorLimits{1000});
  FlowFeed feed;
  for (std::uint32_t i = 0; i < 20000; ++i)
    feed.tcp_session(v4(0x0a000000 + i % 4000), 2000, v4(0xc6336400 + i), 443, kT0 + seconds(i * 0.1),
                     seconds(1), 600, 600);
  feed.feed(*detector);
  EXPECT_EQ(detector->tracked(), 1000u);
  EXPECT_EQ(detector->evictions(), 19000u);
  EXPECT_LE(detector->memory_bytes(), 1000u * 1024u);
  EXPECT_LE(BeaconingDetector::Table::entry_bytes(), 1024u);
}

TEST(Beaconing, PairsSeenOnceCostNoEntry) {
  auto detector = std::make_unique<BeaconingDetector>(BeaconingOptions{}, DetectorLimits{100000});
  FlowFeed feed;
  for (std::uint32_t i = 0; i < 20000; ++i)
    feed.tcp_session(v4(0x0a000000 + i % 4000), 2000, v4(0xc6336400 + i), 443, kT0 + seconds(i * 0.1),
                     seconds(1), 600, 600);
  feed.feed(*detector);
  // Only the admission filter's false positives (5% design rate) get an entry.
  EXPECT_LT(detector->tracked(), 20000u * 0.06);
  EXPECT_EQ(detector->evictions(), 0u);
  // A second connection admits the pair.
  FlowFeed again;
  again.tcp_session(v4(0x0a000000), 2001, v4(0xc6336400), 443, kT0 + seconds(3000), seconds(1), 600, 600);
  const std::size_t before = detector->tracked();
  again.feed(*detector);
  EXPECT_EQ(detector->tracked(), before + 1);
}

TEST(Beaconing, RejectsUnknownAndInvalidOptions) {
  EXPECT_FALSE(make_beaconing_detector(options_of({{"treshold", "50"}}), {}));
  EXPECT_FALSE(make_beaconing_detector(options_of({{"threshold", "150"}}), {}));
  EXPECT_FALSE(make_beaconing_detector(options_of({{"min_connections", "2"}}), {}));
  EXPECT_FALSE(make_beaconing_detector(options_of({{"by_port", "maybe"}}), {}));
  EXPECT_TRUE(make_beaconing_detector(options_of({{"by_port", "false"}, {"window", "2h"}}), {}));
  DetectorRegistry registry;
  register_beaconing(registry);
  ASSERT_NE(registry.find("beaconing"), nullptr);
}

}  // namespace
}  // namespace mamori::detect
