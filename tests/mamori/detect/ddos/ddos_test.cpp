#include <gtest/gtest.h>

#include <random>
#include <set>

#include "../sketch/synthetic_flows.hpp"
#include "mamori/detect/builtin.hpp"
#include "mamori/detect/ddos/ddos_detector.hpp"

namespace mamori::detect {
namespace {

using namespace testing;
using flow::Locality;

std::unique_ptr<Detector> make(std::map<std::string, std::string> options = {}, std::size_t max_tracked = 100000) {
  auto d = make_ddos_detector(options_of(std::move(options)), DetectorLimits{max_tracked});
  EXPECT_TRUE(d) << (d ? "" : d.error().message);
  return d ? std::move(*d) : nullptr;
}

std::vector<const Finding*> of_kind(const std::vector<Finding>& findings, FindingKind kind) {
  std::vector<const Finding*> out;
  for (const auto& f : findings)
    if (f.kind == kind) out.push_back(&f);
  return out;
}

// Reflected responses: `reflectors` foreign servers on `port` answering spoofed requests at `pps` each,
// `per_packet` bytes, for `seconds_long`, exported every 10 s.
void reflection(FlowFeed& feed, IpAddress victim, std::uint16_t port, std::uint32_t reflectors, double pps,
                std::uint64_t per_packet, int seconds_long, std::uint32_t base = 0xcb000100) {
  for (int slice = 0; slice < seconds_long / 10; ++slice)
    for (std::uint32_t r = 0; r < reflectors; ++r) {
      const auto packets = static_cast<std::uint64_t>(pps * 10);
      feed.add({v4(base + r * 5), victim, port, static_cast<std::uint16_t>(1024 + (r * 7919 + slice * 31) % 60000),
                flow::kProtoUdp, kT0 + seconds(slice * 10.0), seconds(10), packets, packets * per_packet, 0,
                Locality::foreign_to_domestic});
    }
}

TEST(Ddos, DnsReflectorsHittingOneVictimAreReported) {
  FlowFeed feed;
  const IpAddress victim = ip("10.7.7.7");
  reflection(feed, victim, 53, 40, 500, 1400, 60);
  auto d = make();
  feed.feed(*d, 1024);
  auto findings = final_findings(*d, kT0 + seconds(60));
  const auto reflectors = of_kind(findings, FindingKind::reflection);
  // Every reflector is reported (some twice: when first qualifying and with the final evidence).
  std::set<IpAddress> distinct;
  for (const Finding* f : reflectors) {
    distinct.insert(f->endpoint);
    EXPECT_EQ(f->role, "reflector");
    EXPECT_EQ(f->ports, std::vector<std::uint16_t>{53});
    EXPECT_EQ(f->proto, flow::kProtoUdp);
    ASSERT_FALSE(f->sample_peers.empty());
    EXPECT_EQ(f->sample_peers[0], victim);
    EXPECT_GE(f->score, 60);
  }
  EXPECT_EQ(distinct.size(), 40u);
  const Finding& last = *reflectors.back();
  EXPECT_EQ(metric(last, "response_request_ratio"), -1.0);  // no requests seen: spoofed elsewhere
  EXPECT_NEAR(metric(last, "victim_reflectors"), 40, 40 * 0.2);
  EXPECT_NEAR(metric(last, "response_pps"), 500, 1);
  EXPECT_GE(last.score, 85);
  EXPECT_TRUE(of_kind(findings, FindingKind::ddos_controller).empty());
}

TEST(Ddos, AResolverAnsweringItsClientsIsNotAReflector) {
  FlowFeed feed;
  const IpAddress resolver = ip("198.51.100.53");
  // 2000 clients, 5 queries each over a minute: 70-byte queries, 220-byte answers.
  for (std::uint32_t c = 0; c < 2000; ++c)
    for (int q = 0; q < 5; ++q) {
      const TimeNs t = kT0 + seconds(q * 12.0 + c * 0.003);
      const auto cport = static_cast<std::uint16_t>(20000 + q * 2000 + c % 2000);
      feed.add({v4(0x0a600000 + c), resolver, cport, 53, flow::kProtoUdp, t, seconds(0.01), 1, 70, 0,
                Locality::domestic_to_foreign});
      feed.add({resolver, v4(0x0a600000 + c), 53, cport, flow::kProtoUdp, t, seconds(0.01), 1, 220, 0,
                Locality::foreign_to_domestic});
    }
  auto d = make();
  feed.feed(*d, 4096);
  EXPECT_TRUE(final_findings(*d, kT0 + seconds(60)).empty());
}

TEST(Ddos, ServicePortsAreConfigurable) {
  FlowFeed feed;
  reflection(feed, ip("10.7.7.8"), 3478, 30, 400, 1000, 30);
  auto without = make();
  feed.feed(*without, 1024);
  EXPECT_TRUE(final_findings(*without, kT0 + seconds(30)).empty());
  FlowFeed again;
  reflection(again, ip("10.7.7.8"), 3478, 30, 400, 1000, 30);
  auto with = make({{"ports", "53, 123, 3478"}});
  again.feed(*with, 1024);
  EXPECT_FALSE(final_findings(*with, kT0 + seconds(30)).empty());
  EXPECT_FALSE(make_ddos_detector(options_of({{"ports", "53,x"}}), {}));
  EXPECT_FALSE(make_ddos_detector(options_of({{"ports", "70000"}}), {}));
}

// Background: 300 domestic clients using common services, some of them a popular API.
void background(FlowFeed& feed, const IpAddress& popular, std::mt19937_64& rng) {
  for (std::uint32_t c = 0; c < 300; ++c) {
    const IpAddress client = v4(0x0a700000 + c);
    for (int k = 0; k < 3; ++k)
      feed.tcp_session(client, static_cast<std::uint16_t>(45000 + k), v4(0xc6330000 + static_cast<std::uint32_t>(rng() % 5000)),
                       443, kT0 + seconds(static_cast<double>(rng() % 600)), seconds(1), 800, 900);
    if (c % 2 == 0)
      feed.tcp_session(client, 46000, popular, 443, kT0 + seconds(static_cast<double>(rng() % 600)), seconds(1), 500, 600);
  }
}

TEST(Ddos, AControllerContactedByTheFloodersBeforeTheFloodIsReported) {
  std::mt19937_64 rng(4);
  FlowFeed feed;
  const IpAddress controller = ip("203.0.113.66"), popular = ip("198.51.100.80"), victim = ip("192.0.2.200");
  background(feed, popular, rng);
  for (std::uint32_t b = 0; b < 30; ++b) {
    const IpAddress bot = v4(0x0a700000 + b * 10);  // bots are among the background clients
    // The command: a small contact with the controller a few minutes before the flood.
    feed.tcp_session(bot, 47000, controller, 6667, kT0 + seconds(300 + b * 2.0), seconds(0.5), 400, 300);
    feed.tcp_session(bot, 47001, popular, 443, kT0 + seconds(320 + b * 2.0), seconds(0.5), 500, 600);
    // The flood: UDP at 2,000 pps for 60 s, exported every 10 s.
    for (int s = 0; s < 6; ++s)
      feed.add({bot, victim, static_cast<std::uint16_t>(50000 + b), 80, flow::kProtoUdp, kT0 + seconds(600 + s * 10.0 + b * 0.1),
                seconds(10), 20000, 20000 * 512, 0, Locality::domestic_to_foreign});
  }
  std::sort(feed.records().begin(), feed.records().end(),
            [](const flow::FlowRecord& a, const flow::FlowRecord& b) { return a.start_ns < b.start_ns; });
  auto d = make();
  feed.feed(*d, 512);
  auto findings = final_findings(*d, kT0 + seconds(700));
  const auto controllers = of_kind(findings, FindingKind::ddos_controller);
  ASSERT_EQ(controllers.size(), 1u);
  const Finding& f = *controllers[0];
  EXPECT_EQ(f.endpoint, controller);
  EXPECT_EQ(f.role, "controller");
  EXPECT_EQ(f.ports, std::vector<std::uint16_t>{6667});
  EXPECT_GE(f.score, 70);
  EXPECT_EQ(metric(f, "flooder_share"), 1.0);
  EXPECT_LE(metric(f, "background_share"), 0.2);  // the other 20 flooders are among the 300 clients
  EXPECT_GE(f.sample_peers.size(), 3u);
  EXPECT_NE(f.summary.find(victim.to_string()), std::string::npos);
}

TEST(Ddos, AnAnsweredBurstOfUploadsHasNoController) {
  std::mt19937_64 rng(5);
  FlowFeed feed;
  const IpAddress storage = ip("198.51.100.99"), auth = ip("203.0.113.99");
  background(feed, ip("198.51.100.80"), rng);
  for (std::uint32_t b = 0; b < 30; ++b) {
    const IpAddress client = v4(0x0a700000 + b * 10);
    feed.tcp_session(client, 47000, auth, 443, kT0 + seconds(300 + b * 2.0), seconds(0.5), 400, 300);
    // A large upload, acknowledged by the service.
    feed.add({client, storage, 47100, 443, flow::kProtoTcp, kT0 + seconds(600 + b * 0.1), seconds(10), 20000,
              20000 * 1400, 0x1a, Locality::domestic_to_foreign});
    feed.add({storage, client, 443, 47100, flow::kProtoTcp, kT0 + seconds(600 + b * 0.1), seconds(10), 10000, 10000 * 52,
              0x12, Locality::foreign_to_domestic});
  }
  std::sort(feed.records().begin(), feed.records().end(),
            [](const flow::FlowRecord& a, const flow::FlowRecord& b) { return a.start_ns < b.start_ns; });
  auto d = make();
  feed.feed(*d, 512);
  EXPECT_TRUE(of_kind(final_findings(*d, kT0 + seconds(700)), FindingKind::ddos_controller).empty());
}

TEST(Ddos, MemoryIsBoundedAcrossItsTables) {
  auto d = std::make_unique<DdosDetector>(DdosOptions{}, DetectorLimits{800});
  FlowFeed feed;
  for (std::uint32_t i = 0; i < 20000; ++i) {
    feed.add({v4(0xcb000000 + i), v4(0x0a000000 + i), 53, 40000, flow::kProtoUdp, kT0 + seconds(i * 0.01), 0, 1, 300, 0,
              Locality::foreign_to_domestic});
    feed.add({v4(0x0a100000 + i), v4(0xcb100000 + i), 40000, 443, flow::kProtoTcp, kT0 + seconds(i * 0.01), 0, 3, 300, 0x1b,
              Locality::domestic_to_foreign});
  }
  feed.feed(*d, 2048);
  EXPECT_LE(d->tracked(), 800u);
  EXPECT_GT(d->evictions(), 0u);
  EXPECT_LE(d->memory_bytes(), 800u * 1024u);
}

}  // namespace
}  // namespace mamori::detect
