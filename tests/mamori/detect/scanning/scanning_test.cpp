#include <gtest/gtest.h>

#include <random>

#include "../sketch/synthetic_flows.hpp"
#include "mamori/detect/builtin.hpp"
#include "mamori/detect/scanning/scanning_detector.hpp"

namespace mamori::detect {
namespace {

using namespace testing;
using flow::Locality;

std::unique_ptr<Detector> make(std::map<std::string, std::string> options = {},
                               std::size_t max_tracked = 100000) {
  auto d = make_scanning_detector(DetectorOptions(std::move(options)), DetectorLimits{max_tracked});
  EXPECT_TRUE(d) << (d ? "" : d.error().message);
  return d ? std::move(*d) : nullptr;
}

// A SYN probe; `answered` adds the target's SYN-ACK and the completed handshake.
void probe(FlowFeed& feed, IpAddress scanner, IpAddress target, std::uint16_t port, double t, bool answered,
           bool refused = false) {
  const std::uint8_t flags = answered ? 0x16 /* SYN ACK RST */ : 0x02;
  feed.add({scanner, target, 61000, port, flow::kProtoTcp, kT0 + seconds(t), 0, answered ? 2u : 1u,
            answered ? 84u : 44u, flags, Locality::foreign_to_domestic});
  if (answered)
    feed.add({target, scanner, port, 61000, flow::kProtoTcp, kT0 + seconds(t), 0, 1, 44, 0x12,
              Locality::domestic_to_foreign});
  else if (refused)
    feed.add({target, scanner, port, 61000, flow::kProtoTcp, kT0 + seconds(t), 0, 1, 40, 0x14,
              Locality::domestic_to_foreign});
}

TEST(Scanning, HorizontalSynScanIsReportedByTrwAndFanOut) {
  FlowFeed feed;
  const IpAddress scanner = ip("203.0.113.66");
  for (std::uint32_t i = 0; i < 500; ++i)
    probe(feed, scanner, v4(0x0a000000 + i * 7), 23, i * 0.01, i % 10 == 0, i % 3 == 0);
  auto d = make();
  feed.feed(*d);
  auto findings = final_findings(*d, kT0 + seconds(10));
  ASSERT_FALSE(findings.empty());
  const Finding& f = findings.back();  // the latest report carries the most evidence
  EXPECT_EQ(f.endpoint, scanner);
  EXPECT_EQ(f.kind, FindingKind::scanning);
  EXPECT_EQ(f.role, "scanner");
  ASSERT_FALSE(f.ports.empty());
  EXPECT_EQ(f.ports[0], 23);
  EXPECT_EQ(metric(f, "trw_scanner"), 1.0);
  EXPECT_EQ(metric(f, "horizontal"), 1.0);
  EXPECT_EQ(metric(f, "vertical"), 0.0);
  EXPECT_NEAR(static_cast<double>(f.peers), 500, 500 * 0.35);
  EXPECT_EQ(metric(f, "first_contacts"), 500);
  EXPECT_EQ(metric(f, "failed_first_contacts"), 450);
  EXPECT_GE(f.score, 95);
  EXPECT_EQ(f.sample_peers.size(), 4u);
  for (const auto& g : findings) EXPECT_EQ(g.endpoint, scanner);
}

TEST(Scanning, TrwDecidesAtFourFailuresNotThree) {
  // θ0 = 0.8, θ1 = 0.2, P_F = 0.01, P_D = 0.99: ln η1 = ln 99 = 4.595; each failure adds ln 4 = 1.386.
  TrwModel model;
  EXPECT_NEAR(model.upper(), std::log(99.0), 1e-12);
  EXPECT_NEAR(model.lower(), std::log(0.01 / 0.99), 1e-12);
  EXPECT_EQ(model.failures_to_decide(), 4);
  for (int failures : {3, 4}) {
    FlowFeed feed;
    const IpAddress scanner = ip("198.51.100.9");
    for (int i = 0; i < failures; ++i) probe(feed, scanner, v4(0x0a010000 + i), 445, i, false);
    auto d = make();
    feed.feed(*d);
    auto findings = final_findings(*d, kT0 + seconds(10));
    if (failures == 3) {
      EXPECT_TRUE(findings.empty());
    } else {
      ASSERT_EQ(findings.size(), 1u);
      EXPECT_EQ(metric(findings[0], "trw_scanner"), 1.0);
      EXPECT_GE(findings[0].score, 70);  // 0.7 at the decision, a little more for the step past it
      EXPECT_LE(findings[0].score, 80);
    }
  }
}

TEST(Scanning, SuccessesPullTheWalkBackToBenign) {
  FlowFeed feed;
  const IpAddress source = ip("198.51.100.10");
  // Three sessions with data for each unanswered attempt: the walk drifts down and never decides "scanner".
  for (int i = 0; i < 200; ++i) {
    if (i % 4 == 0)
      probe(feed, source, v4(0x0a020000 + i), 443, i, false);
    else
      feed.tcp_session(source, 50000, v4(0x0a020000 + i), 443, kT0 + seconds(i), seconds(1), 3000, 20000,
                       Locality::foreign_to_domestic);
  }
  auto d = make();
  feed.feed(*d);
  EXPECT_TRUE(final_findings(*d, kT0 + seconds(300)).empty());
}

TEST(Scanning, VerticalScanOfOneHostIsReported) {
  FlowFeed feed;
  const IpAddress scanner = ip("203.0.113.77"), target = ip("10.5.5.5");
  for (std::uint16_t p = 1; p <= 200; ++p)
    probe(feed, scanner, target, static_cast<std::uint16_t>(p * 13), p * 0.05, p % 20 == 0, true);
  auto d = make();
  feed.feed(*d);
  auto findings = final_findings(*d, kT0 + seconds(20));
  ASSERT_FALSE(findings.empty());
  const Finding& f = findings.back();
  EXPECT_EQ(f.endpoint, scanner);
  EXPECT_EQ(metric(f, "vertical"), 1.0);
  EXPECT_EQ(metric(f, "horizontal"), 0.0);
  EXPECT_EQ(metric(f, "first_contacts"), 1);  // one host: TRW sees a single first contact
  EXPECT_NEAR(metric(f, "distinct_ports"), 200, 200 * 0.35);
  EXPECT_EQ(f.peers, 1u);
  EXPECT_GE(f.score, 90);
}

TEST(Scanning, PingSweepIsReportedByFanOut) {
  FlowFeed feed;
  const IpAddress scanner = ip("192.0.2.99");
  for (std::uint32_t i = 0; i < 300; ++i)
    feed.add({scanner, v4(0x0a030000 + i), 0, 0x0800, flow::kProtoIcmp, kT0 + seconds(i * 0.1), 0, 1, 28, 0,
              Locality::foreign_to_domestic});
  auto d = make();
  feed.feed(*d);
  auto findings = final_findings(*d, kT0 + seconds(30));
  ASSERT_FALSE(findings.empty());
  EXPECT_EQ(findings.back().endpoint, scanner);
  EXPECT_EQ(metric(findings.back(), "horizontal"), 1.0);
  EXPECT_EQ(metric(findings.back(), "trw_scanner"), 0.0);
}

TEST(Scanning, UdpProbesCarryingARequestAreProbes) {
  // A SIP scanner: one ~420-byte OPTIONS datagram to each of 300 subscribers.
  FlowFeed feed;
  const IpAddress scanner = ip("203.0.113.67");
  for (std::uint32_t i = 0; i < 300; ++i)
    feed.add({scanner, v4(0x0a000000 + i * 13), 36795, 5060, flow::kProtoUdp, kT0 + seconds(i * 0.5), 0, 1,
              420, 0, Locality::foreign_to_domestic});
  auto d = make();
  feed.feed(*d);
  auto findings = final_findings(*d, kT0 + seconds(150));
  ASSERT_FALSE(findings.empty());
  EXPECT_EQ(findings.back().endpoint, scanner);
  EXPECT_EQ(metric(findings.back(), "horizontal"), 1.0);
  EXPECT_GE(findings.back().score, 50);
  // With the datagram bound below the request size they are not probes, and the fan-out alone is too weak.
  auto strict = make({{"udp_probe_bytes", "100"}});
  FlowFeed again;
  for (const auto& r : feed.records()) again.records().push_back(r);
  again.feed(*strict);
  EXPECT_TRUE(final_findings(*strict, kT0 + seconds(150)).empty());
}

TEST(Scanning, AnNtpServerAnsweringSymmetricClientsIsNotAScanner) {
  // Clients in NTP symmetric mode (source port 123): the server's answers
  // run 123 -> 123 too, and one record cannot say who started the exchange.
  FlowFeed feed;
  const IpAddress server = ip("203.0.113.123");
  for (std::uint32_t i = 0; i < 400; ++i) {
    const IpAddress client = v4(0x0a000000 + i * 17);
    feed.add({client, server, 123, 123, flow::kProtoUdp, kT0 + seconds(i), 0, 1, 76, 0,
              Locality::domestic_to_foreign});
    feed.add({server, client, 123, 123, flow::kProtoUdp, kT0 + seconds(i), 0, 1, 76, 0,
              Locality::foreign_to_domestic});
  }
  auto d = make();
  feed.feed(*d);
  auto findings = final_findings(*d, kT0 + seconds(400));
  EXPECT_TRUE(findings.empty()) << findings.front().summary;
}

TEST(Scanning, MailDeliveryToManyHostsIsNotAScan) {
  FlowFeed feed;
  const IpAddress mta = ip("198.51.100.25");
  for (std::uint32_t i = 0; i < 150; ++i)
    feed.tcp_session(mta, static_cast<std::uint16_t>(40000 + i), v4(0x0a040000 + i * 3), 25,
                     kT0 + seconds(i * 20.0), seconds(2), 30000, 2000, Locality::foreign_to_domestic);
  auto d = make();
  feed.feed(*d);
  EXPECT_TRUE(final_findings(*d, kT0 + seconds(3000)).empty());
}

TEST(Scanning, DomesticClientsOfForeignServersAreNotFollowed) {
  FlowFeed feed;
  for (std::uint32_t i = 0; i < 100; ++i)
    feed.add({ip("10.0.0.1"), v4(0xc6336400 + i), 50000, 443, flow::kProtoTcp, kT0 + seconds(i), 0, 1, 44,
              0x02, Locality::domestic_to_foreign});
  auto d = make();
  feed.feed(*d);
  EXPECT_EQ(d->tracked(), 0u);
  EXPECT_TRUE(final_findings(*d, kT0 + seconds(100)).empty());
}

TEST(Scanning, MemoryIsBoundedAndIdleSourcesExpire) {
  auto d = std::make_unique<ScanningDetector>(ScanningOptions{}, DetectorLimits{100});
  FlowFeed feed;
  for (std::uint32_t i = 0; i < 5000; ++i)
    probe(feed, v4(0xcb007100 + i), ip("10.0.0.9"), 22, i * 0.001, true);
  feed.feed(*d);
  EXPECT_EQ(d->tracked(), 100u);
  EXPECT_EQ(d->evictions(), 4900u);
  EXPECT_LE(ScanningDetector::Table::entry_bytes(), 512u);
  std::vector<Finding> out;
  d->emit(kT0 + seconds(2 * 3600), false, out);
  EXPECT_EQ(d->tracked(), 0u);
}

TEST(Scanning, RejectsInvalidOptions) {
  EXPECT_FALSE(make_scanning_detector(options_of({{"theta1", "0.9"}}), {}));
  EXPECT_FALSE(make_scanning_detector(options_of({{"horizontal", "10"}}), {}));
  EXPECT_TRUE(make_scanning_detector(options_of({{"theta0", "0.7"}, {"p_false", "0.001"}}), {}));
}

}  // namespace
}  // namespace mamori::detect
