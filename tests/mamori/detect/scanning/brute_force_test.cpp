#include <gtest/gtest.h>

#include <random>

#include "../sketch/synthetic_flows.hpp"
#include "mamori/detect/builtin.hpp"
#include "mamori/detect/scanning/brute_force_detector.hpp"

namespace mamori::detect {
namespace {

using namespace testing;
using flow::Locality;

std::unique_ptr<Detector> make(std::map<std::string, std::string> options = {}, std::size_t max_tracked = 100000) {
  auto d = make_brute_force_detector(DetectorOptions(std::move(options)), DetectorLimits{max_tracked});
  EXPECT_TRUE(d) << (d ? "" : d.error().message);
  return d ? std::move(*d) : nullptr;
}

// Password attempts: short sessions of about the same size.
void attempts(FlowFeed& feed, IpAddress attacker, IpAddress target, std::uint16_t port, int count, double every,
              std::mt19937_64& rng, Locality locality = Locality::foreign_to_domestic) {
  std::uniform_real_distribution<double> jitter(-0.02, 0.02);
  for (int i = 0; i < count; ++i)
    feed.tcp_session(attacker, static_cast<std::uint16_t>(40000 + i), target, port, kT0 + seconds(i * every),
                     seconds(2.5 + jitter(rng) * 10), static_cast<std::uint64_t>(2600 * (1 + jitter(rng))),
                     static_cast<std::uint64_t>(2500 * (1 + jitter(rng))), locality);
}

TEST(BruteForce, ManyAlikeShortAttemptsOnAnUnusualPortAreReported) {
  std::mt19937_64 rng(1);
  FlowFeed feed;
  const IpAddress attacker = ip("203.0.113.22"), target = ip("10.2.2.2");
  attempts(feed, attacker, target, 2222, 100, 1.2, rng);
  auto d = make();
  feed.feed(*d);
  auto findings = final_findings(*d, kT0 + seconds(130));
  ASSERT_FALSE(findings.empty());
  for (const auto& f : findings) {
    EXPECT_EQ(f.endpoint, attacker);
    EXPECT_EQ(f.kind, FindingKind::brute_force);
    EXPECT_EQ(f.role, "brute_forcer");
    EXPECT_EQ(f.ports, std::vector<std::uint16_t>{2222});
    ASSERT_EQ(f.sample_peers.size(), 1u);
    EXPECT_EQ(f.sample_peers[0], target);
  }
  const Finding& last = findings.back();
  EXPECT_GE(last.score, 70);
  EXPECT_GT(metric(last, "duty_cycle"), 1.0);  // attempts overlap
  // The first attempt admits the pair: counted, not measured (hence ±1).
  EXPECT_NEAR(metric(last, "peak_attempts_per_minute"), 50, 1);
  EXPECT_NEAR(metric(last, "size_median_bytes"), 2600, 60);
  EXPECT_EQ(metric(last, "attempts"), 100);
  EXPECT_GE(metric(last, "short_attempts"), 99);
}

TEST(BruteForce, NeedsTheMinimumNumberOfAttempts) {
  for (int count : {19, 20}) {
    std::mt19937_64 rng(2);
    FlowFeed feed;
    attempts(feed, ip("198.51.100.3"), ip("10.0.0.3"), 22, count, 0.5, rng);
    auto d = make();
    feed.feed(*d);
    auto findings = final_findings(*d, kT0 + seconds(60));
    EXPECT_EQ(findings.size(), count == 19 ? 0u : 1u) << count;
  }
}

TEST(BruteForce, RefusedAttemptsCountAsFailures) {
  FlowFeed feed;
  const IpAddress attacker = ip("198.51.100.4"), target = ip("10.0.0.4");
  for (int i = 0; i < 60; ++i) {
    feed.add({attacker, target, static_cast<std::uint16_t>(30000 + i), 3389, flow::kProtoTcp, kT0 + seconds(i * 0.5), 0, 1,
              60, 0x02, Locality::foreign_to_domestic});
    feed.add({target, attacker, 3389, static_cast<std::uint16_t>(30000 + i), flow::kProtoTcp, kT0 + seconds(i * 0.5), 0, 1,
              40, 0x14, Locality::domestic_to_foreign});
  }
  auto d = make();
  feed.feed(*d);
  auto findings = final_findings(*d, kT0 + seconds(60));
  ASSERT_FALSE(findings.empty());
  EXPECT_GE(metric(findings.back(), "failed_attempts"), 59);  // the admitting first attempt is not measured
  EXPECT_EQ(findings.back().ports, std::vector<std::uint16_t>{3389});
}

TEST(BruteForce, AMonitoringLoginEveryFiveMinutesIsNotReported) {
  std::mt19937_64 rng(3);
  FlowFeed feed;
  attempts(feed, ip("198.51.100.5"), ip("10.0.0.5"), 22, 288, 300, rng);
  auto d = make();
  feed.feed(*d);
  auto findings = final_findings(*d, kT0 + seconds(86400));
  EXPECT_TRUE(findings.empty()) << findings[0].summary << " " << findings[0].score;
}

TEST(BruteForce, AFastBeaconIsNotBruteForce) {
  // A TLS beacon every 3 s for a minute (as in the Stratosphere C2 capture): alike, short,
  // 20 a minute, but idle between contacts.
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> jitter(-0.5, 0.5);
  FlowFeed feed;
  for (int i = 0; i < 30; ++i)
    feed.tcp_session(ip("10.0.0.9"), static_cast<std::uint16_t>(40000 + i), ip("203.0.113.20"), 443,
                     kT0 + seconds(i * 3.0 + jitter(rng)), seconds(0.2), 1577, 6800);
  auto d = make();
  feed.feed(*d);
  EXPECT_TRUE(final_findings(*d, kT0 + seconds(100)).empty());
}

TEST(BruteForce, InteractiveSessionsAreNotReported) {
  std::mt19937_64 rng(4);
  std::lognormal_distribution<double> bytes(10, 1.5);
  std::exponential_distribution<double> minutes(1.0 / 20);
  FlowFeed feed;
  for (int i = 0; i < 40; ++i)
    feed.tcp_session(ip("10.0.0.6"), static_cast<std::uint16_t>(50000 + i), ip("203.0.113.6"), 22,
                     kT0 + seconds(i * 30.0), seconds(minutes(rng) * 60), static_cast<std::uint64_t>(bytes(rng)),
                     static_cast<std::uint64_t>(bytes(rng) * 5));
  auto d = make();
  feed.feed(*d);
  EXPECT_TRUE(final_findings(*d, kT0 + seconds(3600)).empty());
}

TEST(BruteForce, MemoryIsBoundedWithEvictionsCounted) {
  BruteForceOptions options;
  options.admission = false;
  auto d = std::make_unique<BruteForceDetector>(options, DetectorLimits{50});
  FlowFeed feed;
  for (std::uint32_t i = 0; i < 1000; ++i)
    feed.tcp_session(v4(0xcb007100 + i), 40000, ip("10.0.0.7"), 22, kT0 + seconds(i), seconds(1), 2000, 2000,
                     Locality::foreign_to_domestic);
  feed.feed(*d);
  EXPECT_EQ(d->tracked(), 50u);
  EXPECT_EQ(d->evictions(), 950u);
  EXPECT_LE(BruteForceDetector::Table::entry_bytes(), 512u);
  EXPECT_FALSE(make_brute_force_detector(options_of({{"min_attempts", "1"}}), {}));
  EXPECT_FALSE(make_brute_force_detector(options_of({{"tcp_only", "perhaps"}}), {}));
}

}  // namespace
}  // namespace mamori::detect
