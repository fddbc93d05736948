#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <vector>

#include "../sketch/synthetic_flows.hpp"
#include "mamori/detect/builtin.hpp"
#include "mamori/detect/engine/engine.hpp"
#include "mamori/detect/engine/engine_config.hpp"
#include "mamori/detect/rare_server/rare_server_detector.hpp"

namespace mamori::detect {
namespace {

using namespace testing;

constexpr double kHour = 3600;

std::unique_ptr<Detector> make(std::map<std::string, std::string> options = {},
                               std::size_t max_tracked = 100000) {
  auto d = make_rare_server_detector(options_of(std::move(options)), DetectorLimits{max_tracked});
  EXPECT_TRUE(d) << (d ? "" : d.error().message);
  return d ? std::move(*d) : nullptr;
}

const IpAddress kClient = ip("10.1.0.7");
const IpAddress kUsual = ip("198.51.100.10");
const IpAddress kImplantC2 = ip("203.0.113.66");

// The network's usual destination, contacted from the first second on: the
// learning period starts with it.
void usual_traffic(FlowFeed& feed, double from, double to) {
  std::uint16_t cport = 20000;
  for (double t = from; t < to; t += 600)
    feed.tcp_session(ip("10.1.0.20"), cport++, kUsual, 443, kT0 + seconds(t), seconds(2), 800, 20000);
}

// `client` contacting `server` every `period` s from `from` to `to` (inclusive).
void calls(FlowFeed& feed, IpAddress client, IpAddress server, std::uint16_t port, double from, double to,
           double period, std::uint16_t cport = 40000) {
  for (double t = from; t <= to; t += period)
    feed.tcp_session(client, cport++, server, port, kT0 + seconds(t), seconds(1), 300, 500);
}

void sort_by_start(FlowFeed& feed) {
  std::sort(feed.records().begin(), feed.records().end(),
            [](const flow::FlowRecord& a, const flow::FlowRecord& b) { return a.start_ns < b.start_ns; });
}

std::vector<Finding> of(const std::vector<Finding>& findings, const IpAddress& endpoint) {
  std::vector<Finding> out;
  for (const auto& f : findings)
    if (f.endpoint == endpoint) out.push_back(f);
  return out;
}

TEST(RareServer, ANewServerOneClientKeepsCallingIsReported) {
  FlowFeed feed;
  usual_traffic(feed, 0, 3 * kHour);
  // After the hour of learning, one subscriber calls a server nobody used before, every 5 min for an hour.
  calls(feed, kClient, kImplantC2, 8443, 1.5 * kHour, 2.5 * kHour, 300);
  // The same subscriber also uses the usual server, which was learned.
  calls(feed, kClient, kUsual, 443, 1.5 * kHour, 2.5 * kHour, 300, 50000);
  sort_by_start(feed);
  auto d = make();
  feed.feed(*d);
  const auto findings = final_findings(*d, kT0 + seconds(3 * kHour));
  EXPECT_TRUE(of(findings, kUsual).empty());
  const auto reports = of(findings, kImplantC2);
  ASSERT_FALSE(reports.empty());
  const Finding& f = reports.back();  // the last report carries the most evidence
  EXPECT_EQ(f.kind, FindingKind::rare_server);
  EXPECT_EQ(finding_kind_name(f.kind), "rare_server");
  EXPECT_EQ(f.detector, "rare_server");
  EXPECT_EQ(f.role, "rare_server");
  EXPECT_EQ(f.ports, std::vector<std::uint16_t>{8443});
  EXPECT_EQ(f.proto, flow::kProtoTcp);
  EXPECT_EQ(f.flows, 13u);
  EXPECT_EQ(f.peers, 1u);
  EXPECT_EQ(f.sample_peers, std::vector<IpAddress>{kClient});
  EXPECT_EQ(f.first_seen, kT0 + seconds(1.5 * kHour));
  EXPECT_EQ(f.last_seen, kT0 + seconds(2.5 * kHour + 1));
  ASSERT_EQ(f.sample_times.size(), 5u);
  EXPECT_EQ(f.sample_times.front(), f.first_seen);
  EXPECT_EQ(f.sample_times.back(), kT0 + seconds(2.5 * kHour));
  EXPECT_DOUBLE_EQ(metric(f, "span_s"), 3600);
  EXPECT_DOUBLE_EQ(metric(f, "connections"), 13);
  EXPECT_DOUBLE_EQ(metric(f, "distinct_clients"), 1);
  EXPECT_DOUBLE_EQ(metric(f, "score_clients"), 1);
  // 40 + 25 log2(6)/log2(144) + 20 log2(13/5)/4 + 15.
  EXPECT_NEAR(f.score, 40 + 25 * 0.3605 + 20 * 0.3446 + 15, 0.2);
  EXPECT_NE(f.summary.find("203.0.113.66"), std::string::npos) << f.summary;
  EXPECT_NE(f.summary.find("13 connections"), std::string::npos) << f.summary;
  // First reported when it qualified (5 connections over 20 min), then as evidence grew.
  EXPECT_EQ(reports.front().flows, 5u);
  EXPECT_EQ(d->tracked(), 1u);
  // A second final emit has nothing new.
  EXPECT_TRUE(final_findings(*d, kT0 + seconds(3 * kHour)).empty());
}

TEST(RareServer, AServerSeenWhileLearningIsNotNew) {
  FlowFeed feed;
  usual_traffic(feed, 0, 3 * kHour);
  calls(feed, ip("10.1.0.99"), kImplantC2, 8443, 600, 600, 300);  // one contact in the learning hour
  calls(feed, kClient, kImplantC2, 8443, 1.5 * kHour, 2.5 * kHour, 300);
  sort_by_start(feed);
  auto d = make();
  feed.feed(*d);
  EXPECT_TRUE(final_findings(*d, kT0 + seconds(3 * kHour)).empty());
  EXPECT_EQ(d->tracked(), 0u);
  // Without learning it is new.
  auto eager = make({{"learn", "0s"}});
  FlowFeed copy;
  for (const auto& r : feed.records()) copy.records().push_back(r);
  copy.feed(*eager);
  EXPECT_FALSE(of(final_findings(*eager, kT0 + seconds(3 * kHour)), kImplantC2).empty());
}

TEST(RareServer, APopularNewServerIsNeitherReportedNorKept) {
  FlowFeed feed;
  usual_traffic(feed, 0, 3 * kHour);
  // A new CDN node ten subscribers adopt after learning.
  const IpAddress cdn = ip("203.0.113.80");
  for (std::uint32_t c = 0; c < 10; ++c)
    calls(feed, v4(0x0a020000 + c), cdn, 443, 1.5 * kHour + c * 7, 2.5 * kHour, 300);
  sort_by_start(feed);
  auto d = make();
  feed.feed(*d);
  EXPECT_TRUE(final_findings(*d, kT0 + seconds(3 * kHour)).empty());
  EXPECT_EQ(d->tracked(), 0u);
  auto* rare = dynamic_cast<RareServerDetector*>(d.get());
  ASSERT_NE(rare, nullptr);
  EXPECT_EQ(rare->popular(), 1u) << "dropped once, then known";
  // With room for ten clients it is rare again.
  auto lenient = make({{"max_clients", "10"}});
  FlowFeed copy;
  for (const auto& r : feed.records()) copy.records().push_back(r);
  copy.feed(*lenient);
  const auto reports = of(final_findings(*lenient, kT0 + seconds(3 * kHour)), cdn);
  ASSERT_FALSE(reports.empty());
  EXPECT_EQ(reports.back().peers, 10u);
  EXPECT_DOUBLE_EQ(metric(reports.back(), "score_clients"), 0.1);
}

TEST(RareServer, OneOffVisitsAreNotReported) {
  FlowFeed feed;
  usual_traffic(feed, 0, 3 * kHour);
  const IpAddress few = ip("203.0.113.91"), burst = ip("203.0.113.92");
  calls(feed, kClient, few, 443, 1.5 * kHour, 2.5 * kHour, 1200);               // 4 connections over an hour
  calls(feed, kClient, burst, 443, 1.5 * kHour, 1.5 * kHour + 240, 30, 50000);  // 9 connections in 4 min
  sort_by_start(feed);
  auto d = make();
  feed.feed(*d);
  EXPECT_TRUE(final_findings(*d, kT0 + seconds(3 * kHour)).empty());
  // Each is reported once its own requirement is lowered.
  for (const auto& [options, server] :
       {std::pair{std::map<std::string, std::string>{{"min_connections", "4"}}, few},
        std::pair{std::map<std::string, std::string>{{"min_span", "3m"}}, burst}}) {
    auto relaxed = make(options);
    FlowFeed copy;
    for (const auto& r : feed.records()) copy.records().push_back(r);
    copy.feed(*relaxed);
    const auto findings = final_findings(*relaxed, kT0 + seconds(3 * kHour));
    ASSERT_FALSE(findings.empty()) << options.begin()->first;
    for (const auto& f : findings) EXPECT_EQ(f.endpoint, server) << options.begin()->first;
  }
}

TEST(RareServer, DomesticServersAreLeftOutWhereForeignnessIsKnown) {
  FlowFeed feed;
  usual_traffic(feed, 0, 3 * kHour);
  for (double t = 1.5 * kHour; t <= 2.5 * kHour; t += 300)
    feed.tcp_session(kClient, static_cast<std::uint16_t>(40000 + t / 300), kImplantC2, 8443, kT0 + seconds(t),
                     seconds(1), 300, 500, flow::Locality::domestic_to_domestic);
  sort_by_start(feed);
  auto d = make();
  feed.feed(*d);
  EXPECT_TRUE(final_findings(*d, kT0 + seconds(3 * kHour)).empty());
  auto all = make({{"include_domestic", "true"}});
  FlowFeed copy;
  for (const auto& r : feed.records()) copy.records().push_back(r);
  copy.feed(*all);
  EXPECT_FALSE(of(final_findings(*all, kT0 + seconds(3 * kHour)), kImplantC2).empty());
}

TEST(RareServer, MemoryIsBoundedWithEvictionsCounted) {
  FlowFeed feed;
  usual_traffic(feed, 0, 600);  // starts learning at kT0
  for (std::uint32_t i = 0; i < 5000; ++i)
    feed.tcp_session(v4(0x0a000000 + i % 97), 40000, v4(0x2d000000 + i), 443, kT0 + seconds(2 * kHour + i),
                     seconds(1), 500, 5000);
  RareServerDetector d(RareServerOptions{}, DetectorLimits{200});
  feed.feed(d);
  EXPECT_EQ(d.tracked(), 200u);
  EXPECT_EQ(d.evictions(), 4800u);
  EXPECT_EQ(d.evicted(), 4800u);
  EXPECT_LE(RareServerDetector::Table::entry_bytes(), 512u);
  EXPECT_GT(d.memory_bytes(), 0u);
  // Idle servers are dropped at the next sweep after idle_timeout.
  std::vector<Finding> out;
  d.emit(kT0 + seconds(30 * kHour), false, out);
  EXPECT_EQ(d.tracked(), 0u);
  EXPECT_TRUE(out.empty());
}

TEST(RareServer, OptionsAreValidated) {
  EXPECT_TRUE(make_rare_server_detector(options_of({{"max_clients", "16"}, {"learn", "2h"}}), {}));
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, std::string>>{{"max_clients", "0"},
                                                        {"max_clients", "17"},
                                                        {"min_connections", "0"},
                                                        {"learn", "soon"},
                                                        {"min_span", "-1m"},
                                                        {"idle_timeout", "0s"},
                                                        {"include_domestic", "maybe"},
                                                        {"min_conections", "5"}}) {
    auto d = make_rare_server_detector(options_of({{key, value}}), {});
    ASSERT_FALSE(d) << key << "=" << value;
    EXPECT_NE(d.error().message.find("rare_server"), std::string::npos) << d.error().message;
  }
  // Through the engine: an unknown key of an enabled detector is an error at start-up.
  DetectorRegistry registry;
  register_builtin_detectors(registry);
  EngineConfig config;
  config.default_allowlist = false;
  config.only = std::vector<std::string>{"rare_server"};
  config.settings["rare_server"]["min_spam"] = "10m";
  auto e = make_engine(registry, config, nullptr, nullptr);
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("min_spam"), std::string::npos) << e.error().message;
}

std::vector<Finding> run_engine(const EngineConfig& config, FlowFeed& feed, std::vector<std::string>& ran) {
  DetectorRegistry registry;
  register_builtin_detectors(registry);
  auto engine = make_engine(registry, config, nullptr, nullptr);
  EXPECT_TRUE(engine) << (engine ? "" : engine.error().message);
  if (!engine) return {};
  std::vector<flow::FlowRecord> flows(feed.records().begin(), feed.records().end());
  (*engine)->add(flows);
  (*engine)->finish();
  for (const auto& d : (*engine)->stats().detectors) ran.push_back(d.name);
  return (*engine)->findings();
}

TEST(RareServer, OffByDefaultAndRunsWhenEnabled) {
  DetectorRegistry registry;
  register_builtin_detectors(registry);
  const DetectorInfo* info = registry.find("rare_server");
  ASSERT_NE(info, nullptr);
  EXPECT_FALSE(info->enabled_by_default);
  EXPECT_EQ(registry.all().back().name, "rare_server");

  FlowFeed feed;
  usual_traffic(feed, 0, 3 * kHour);
  calls(feed, kClient, kImplantC2, 8443, 1.5 * kHour, 2.5 * kHour, 300);
  sort_by_start(feed);
  EngineConfig config;
  config.default_allowlist = false;
  std::vector<std::string> ran;
  for (const auto& f : run_engine(config, feed, ran)) EXPECT_NE(f.kind, FindingKind::rare_server);
  EXPECT_EQ(std::count(ran.begin(), ran.end(), "rare_server"), 0);
  EXPECT_GT(ran.size(), 1u) << "the default detectors ran";

  for (int how = 0; how < 2; ++how) {
    EngineConfig on;
    on.default_allowlist = false;
    if (how == 0) {
      on.only = std::vector<std::string>{"rare_server"};
    } else {
      ASSERT_TRUE(on.set("rare_server.enabled=true"));
    }
    ran.clear();
    const auto findings = run_engine(on, feed, ran);
    EXPECT_EQ(std::count(ran.begin(), ran.end(), "rare_server"), 1) << how;
    const auto reports = of(findings, kImplantC2);
    ASSERT_EQ(std::count_if(reports.begin(), reports.end(),
                            [](const Finding& f) { return f.kind == FindingKind::rare_server; }),
              1)
        << "re-reports fold into one finding (" << how << ")";
    for (const auto& f : reports) {
      if (f.kind == FindingKind::rare_server) {
        EXPECT_EQ(f.flows, 13u);
      }
    }
  }
}

}  // namespace
}  // namespace mamori::detect
