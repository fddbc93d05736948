#include "mamori/detect/engine/engine.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <random>

#include "engine_test_support.hpp"
#include "mamori/detect/builtin.hpp"
#include "mamori/detect/engine/country_locality.hpp"
#include "mamori/detect/engine/sharded_engine.hpp"
#include "mamori/detect/output/finding_json.hpp"

namespace mamori::detect {
namespace {

using testing::ProbeLog;
using testing::register_probe;

constexpr TimeNs kT0 = 1'748'862'000ULL * kNsPerSecond;  // 2025-06-02T11:00:00Z, on a 5 min boundary
constexpr TimeNs kMin = 60 * kNsPerSecond;

flow::FlowRecord flow_at(TimeNs t, std::uint32_t client, std::uint32_t server, std::uint16_t port = 443) {
  flow::FlowRecord f;
  f.start_ns = t;
  f.end_ns = t + kNsPerSecond;
  f.src_addr = IpAddress::v4(client);
  f.dst_addr = IpAddress::v4(server);
  f.src_port = 50000;
  f.dst_port = port;
  f.proto = flow::kProtoTcp;
  f.packets = 10;
  f.bytes = 1000;
  f.locality = flow::Locality::domestic_to_foreign;
  return f;
}

struct Fixture {
  std::shared_ptr<ProbeLog> log = std::make_shared<ProbeLog>();
  DetectorRegistry registry;
  EngineConfig config;
  Fixture() {
    register_probe(registry, log);
    config.default_allowlist = false;
  }
  std::unique_ptr<DetectionEngine> engine(std::shared_ptr<const Allowlist> allow = nullptr) {
    auto e = make_engine(registry, config, nullptr, std::move(allow));
    EXPECT_TRUE(e) << (e ? "" : e.error().message);
    return e ? std::move(*e) : nullptr;
  }
};

TEST(Engine, MarksEachRecordWhoseClientServerPortAndProtocolCameBefore) {
  Fixture fx;
  auto engine = fx.engine();
  ASSERT_NE(engine, nullptr);
  flow::FlowRecord reply = flow_at(kT0 + 4 * kNsPerSecond, 0x08080808u, 0x0a000001u);
  std::swap(reply.src_port, reply.dst_port);  // the server's answer: the same pair, oriented back
  reply.locality = flow::Locality::foreign_to_domestic;
  const std::vector<flow::FlowRecord> flows = {
      flow_at(kT0, 0x0a000001u, 0x08080808u),                         // first of its pair
      flow_at(kT0 + kNsPerSecond, 0x0a000001u, 0x08080808u),          // the same pair again
      flow_at(kT0 + 2 * kNsPerSecond, 0x0a000002u, 0x08080808u),      // another client
      flow_at(kT0 + 3 * kNsPerSecond, 0x0a000001u, 0x08080808u, 80),  // another port
      reply};
  engine->add(flows);
  engine->finish();
  EXPECT_EQ(fx.log->pair_seen, (std::vector<std::int8_t>{0, 1, 0, 0, 1}));
  // Outside the engine nobody has asked: detectors fall back to their own filters.
  EXPECT_EQ(orient(flows[1], nullptr).pair_seen, -1);
}

TEST(Engine, KeepsThePairFilterOnlyForDetectorsThatReadIt) {
  DetectorRegistry registry;
  register_builtin_detectors(registry);
  for (const auto& [only, used] : std::vector<std::pair<std::string, bool>>{{"indicator", false},
                                                                            {"fan_in", false},
                                                                            {"beaconing", true},
                                                                            {"brute_force", true},
                                                                            {"long_connection", true}}) {
    EngineConfig config;
    config.default_allowlist = false;
    config.only = std::vector<std::string>{only};
    auto engine = make_engine(registry, config, nullptr, nullptr);
    ASSERT_TRUE(engine) << only;
    (*engine)->add(std::vector<flow::FlowRecord>{flow_at(kT0, 0x0a000001u, 0x08080808u)});
    (*engine)->finish();
    const EngineStats stats = (*engine)->stats();
    EXPECT_EQ(stats.pair_filter_bytes > 0, used) << only;
    EXPECT_EQ(stats.pair_filter_ns > 0, used) << only;
    ASSERT_EQ(stats.detectors.size(), 1u);
    EXPECT_GT(stats.detectors[0].observe_ns, 0u) << only << ": its time is measured";
  }
}

TEST(ShardedEngine, SumsEachDetectorsTimeOverWorkers) {
  DetectorRegistry registry;
  register_builtin_detectors(registry);
  EngineConfig config;
  config.default_allowlist = false;
  config.workers = 2;
  auto engine = make_engine(registry, config, nullptr, nullptr);
  ASSERT_TRUE(engine);
  std::vector<flow::FlowRecord> flows;
  for (std::uint32_t i = 0; i < 64; ++i)
    flows.push_back(flow_at(kT0 + i * kNsPerSecond, 0x0a000001u, 0x08080800u + i));
  (*engine)->add(flows);
  (*engine)->finish();
  const EngineStats stats = (*engine)->stats();
  EXPECT_EQ(stats.workers, 2u);
  for (const auto& d : stats.detectors) EXPECT_GT(d.observe_ns, 0u) << d.name;
  EXPECT_GT(stats.pair_filter_ns, 0u);
}

TEST(EngineConfig, SetParsesDetectorKeyValue) {
  EngineConfig c;
  ASSERT_TRUE(c.set("beaconing.min_connections=20"));
  EXPECT_EQ(c.settings["beaconing"]["min_connections"], "20");
  ASSERT_TRUE(c.set("long_connection.min_duration=2h"));
  ASSERT_TRUE(c.set("indicator.enabled=false"));
  EXPECT_FALSE(c.enabled["indicator"]);
  ASSERT_TRUE(c.set("x.path=a=b"));
  EXPECT_EQ(c.settings["x"]["path"], "a=b") << "only the first '=' separates";
  for (const char* bad : {"noequals", "nodot=1", ".key=1", "name.=1", "d.enabled=maybe"}) {
    EXPECT_FALSE(c.set(bad)) << bad;
  }
}

TEST(EngineConfig, TomlFileSetsEngineAndDetectors) {
  EngineConfig c;
  auto s = c.load_toml_text(R"(
[engine]
emit_interval = "10m"
workers = 3
max_tracked = 5000
default_allowlist = false
allowlists = ["a.txt", "b.txt"]

[detectors.beaconing]
min_connections = 20
max_jitter = 0.25
ports = [80, 443]

[detectors.indicator]
enabled = false
files = ["x.json", "y.csv"]
)",
                            "test.toml");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(c.emit_interval, 10 * kMin);
  EXPECT_EQ(c.workers, 3u);
  EXPECT_EQ(c.limits.max_tracked, 5000u);
  EXPECT_FALSE(c.default_allowlist);
  EXPECT_EQ(c.allowlists, (std::vector<std::string>{"a.txt", "b.txt"}));
  EXPECT_EQ(c.settings["beaconing"]["min_connections"], "20");
  EXPECT_EQ(c.settings["beaconing"]["max_jitter"], "0.25");
  EXPECT_EQ(c.settings["beaconing"]["ports"], "80,443");
  EXPECT_EQ(c.settings["indicator"]["files"], "x.json,y.csv");
  EXPECT_FALSE(c.enabled["indicator"]);
}

TEST(EngineConfig, TomlErrorsNameFileAndLine) {
  EngineConfig c;
  auto s = c.load_toml_text("[engine]\nworkers = 2\nspeed = 3\n", "cfg.toml");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("cfg.toml:3"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("speed"), std::string::npos);

  s = c.load_toml_text("[detector.beaconing]\nx = 1\n", "cfg.toml");
  ASSERT_FALSE(s) << "a misspelt top-level table";
  s = c.load_toml_text("[engine\n", "cfg.toml");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("cfg.toml:1"), std::string::npos) << s.error().message;
  s = c.load_toml_text("[engine]\nworkers = -1\n", "cfg.toml");
  ASSERT_FALSE(s);
  s = c.load_toml_text("[engine]\nemit_interval = \"soon\"\n", "cfg.toml");
  ASSERT_FALSE(s);
}

TEST(Registry, BuiltinsRegisterOncePerNameWithParameters) {
  DetectorRegistry r;
  register_builtin_detectors(r);
  ASSERT_NE(r.find("indicator"), nullptr);
  ASSERT_NE(r.find("long_connection"), nullptr);
  EXPECT_EQ(r.find("nonexistent"), nullptr);
  std::set<std::string> names;
  for (const auto& d : r.all()) {
    EXPECT_TRUE(names.insert(d.name).second) << d.name;
    EXPECT_FALSE(d.description.empty()) << d.name;
    EXPECT_FALSE(d.parameters.empty()) << d.name;
    // Every documented default is accepted by the factory.
    std::map<std::string, std::string> values;
    for (const auto& p : d.parameters) values[p.key] = p.default_value == "\"\"" ? "" : p.default_value;
    DetectorOptions options(values);
    auto detector = d.factory(options, DetectorLimits{});
    ASSERT_TRUE(detector) << d.name << ": " << detector.error().message;
    EXPECT_TRUE(options.check_all_used()) << d.name;
    EXPECT_EQ((*detector)->name(), d.name);
  }
}

TEST(Engine, UnknownDetectorsAndKeysAreErrors) {
  Fixture fx;
  fx.config.settings["nosuch"]["x"] = "1";
  auto e = make_engine(fx.registry, fx.config, nullptr, nullptr);
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("unknown detector 'nosuch'"), std::string::npos) << e.error().message;

  Fixture fy;
  fy.config.settings["probe"]["scroe"] = "1";
  e = make_engine(fy.registry, fy.config, nullptr, nullptr);
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("scroe"), std::string::npos) << e.error().message;

  Fixture fz;
  fz.config.settings["probe"]["score"] = "high";
  e = make_engine(fz.registry, fz.config, nullptr, nullptr);
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("probe"), std::string::npos) << e.error().message;

  Fixture fw;
  fw.config.only = std::vector<std::string>{"probe", "nosuch"};
  EXPECT_FALSE(make_engine(fw.registry, fw.config, nullptr, nullptr));
}

TEST(Engine, EmitsPeriodicallyInFlowTimeAndOnceFinal) {
  Fixture fx;
  fx.config.emit_interval = 5 * kMin;
  auto engine = fx.engine();
  std::vector<flow::FlowRecord> flows;
  // One flow a minute for 23 minutes, delivered in two batches of odd sizes.
  for (int m = 0; m < 23; ++m)
    flows.push_back(flow_at(kT0 + static_cast<TimeNs>(m) * kMin + kNsPerSecond, 1, 100));
  engine->add(std::span(flows).first(7));
  engine->add(std::span(flows).subspan(7));
  engine->finish();
  // Flow time crosses 11:05, 11:10, 11:15 and 11:20, whatever the batching.
  ASSERT_EQ(fx.log->emits.size(), 5u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(fx.log->emits[static_cast<std::size_t>(i)].first, kT0 + static_cast<TimeNs>(i + 1) * 5 * kMin);
    EXPECT_FALSE(fx.log->emits[static_cast<std::size_t>(i)].second);
  }
  EXPECT_TRUE(fx.log->emits.back().second);
  EXPECT_EQ(fx.log->emits.back().first, flows.back().end_ns) << "the final emit is at the last flow time";
  EXPECT_EQ(engine->stats().emits, 4u);
}

TEST(Engine, FlowsBeforeABoundaryAreObservedBeforeItsEmit) {
  Fixture fx;
  fx.config.emit_interval = 5 * kMin;
  auto engine = fx.engine();
  std::vector<flow::FlowRecord> flows = {flow_at(kT0 + kMin, 1, 100), flow_at(kT0 + 6 * kMin, 1, 200)};
  engine->add(flows);
  // The emit at 11:05 came after the first flow and before the second, inside one batch.
  ASSERT_EQ(fx.log->emits.size(), 1u);
  auto found = engine->findings();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].endpoint, IpAddress::v4(100));
}

TEST(Engine, QuietGapEmitsOnce) {
  Fixture fx;
  fx.config.emit_interval = 5 * kMin;
  auto engine = fx.engine();
  std::vector<flow::FlowRecord> flows = {flow_at(kT0 + kMin, 1, 100), flow_at(kT0 + 600 * kMin, 1, 100)};
  engine->add(flows);
  ASSERT_EQ(fx.log->emits.size(), 1u);
  EXPECT_EQ(fx.log->emits[0].first, kT0 + 600 * kMin);
}

TEST(Engine, ReReportsUpdateInsteadOfDuplicating) {
  Fixture fx;
  fx.config.emit_interval = 5 * kMin;
  auto engine = fx.engine();
  std::vector<flow::FlowRecord> flows;
  for (int m = 0; m < 30; ++m) flows.push_back(flow_at(kT0 + static_cast<TimeNs>(m) * kMin, 1 + m % 3, 100));
  engine->add(flows);
  engine->finish();
  const auto found = engine->findings();
  ASSERT_EQ(found.size(), 1u) << "six emits of one endpoint make one finding";
  EXPECT_EQ(found[0].flows, 30u) << "the latest (cumulative) report wins";
  EXPECT_EQ(found[0].first_seen, kT0);
  EXPECT_EQ(found[0].last_seen, flows.back().end_ns);
  EXPECT_EQ(found[0].peers, 3u);
  EXPECT_GE(engine->stats().updates, 5u);
}

TEST(FindingSet, UpdateKeepsEarliestFirstSeenAndSamples) {
  FindingSet set;
  Finding a;
  a.detector = "d";
  a.endpoint = IpAddress::v4(7);
  a.first_seen = 100;
  a.last_seen = 200;
  a.flows = 5;
  a.sample_peers = {IpAddress::v4(1)};
  a.ports = {443};
  Finding b = a;
  b.first_seen = 150;  // the detector forgot (evicted) and restarted
  b.last_seen = 300;
  b.flows = 2;
  b.sample_peers = {IpAddress::v4(2)};
  b.ports = {8443};
  set.update(a);
  set.update(b);
  const auto out = set.sorted();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first_seen, 100u);
  EXPECT_EQ(out[0].last_seen, 300u);
  EXPECT_EQ(out[0].flows, 2u);
  EXPECT_EQ(out[0].sample_peers.size(), 2u);
  EXPECT_EQ(out[0].ports, (std::vector<std::uint16_t>{443, 8443}));
  Finding other_kind = a;
  other_kind.kind = FindingKind::scanning;
  set.update(other_kind);
  EXPECT_EQ(set.size(), 2u) << "kind is part of the key";
}

TEST(Engine, AllowListSuppressesAndCounts) {
  Fixture fx;
  auto allow = Allowlist::parse("0.0.0.100/32 443 benign web\n0.0.0.200/32 53 only DNS\n", "test");
  ASSERT_TRUE(allow);
  auto engine = fx.engine(std::make_shared<const Allowlist>(*allow));
  std::vector<flow::FlowRecord> flows = {flow_at(kT0, 1, 100, 443), flow_at(kT0, 1, 200, 443),
                                         flow_at(kT0, 1, 300, 443)};
  engine->add(flows);
  engine->finish();
  const auto found = engine->findings();
  ASSERT_EQ(found.size(), 2u);
  for (const auto& f : found) EXPECT_NE(f.endpoint, IpAddress::v4(100));
  const auto stats = engine->stats();
  EXPECT_EQ(stats.suppressed, 1u);
  ASSERT_EQ(stats.suppressed_by_entry.size(), 2u);
  EXPECT_EQ(stats.suppressed_by_entry[0] + stats.suppressed_by_entry[1], 1u);
}

// Carrier-like traffic: many clients, a few thousand servers, some foreign-initiated flows.
std::vector<flow::FlowRecord> mixed_traffic(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<flow::FlowRecord> flows;
  for (std::size_t i = 0; i < n; ++i) {
    const TimeNs t = kT0 + i * 50 * kNsPerMs;
    auto f = flow_at(t, 0x7e000000u + static_cast<std::uint32_t>(rng() % 5000),
                     0x08000000u + static_cast<std::uint32_t>(rng() % 3000),
                     static_cast<std::uint16_t>(rng() % 4 == 0 ? 22 : 443));
    f.end_ns = t + (rng() % 100) * kNsPerSecond;
    f.bytes = rng() % 5000;
    if (rng() % 10 == 0) {
      std::swap(f.src_addr, f.dst_addr);
      std::swap(f.src_port, f.dst_port);
      f.locality = flow::Locality::foreign_to_domestic;
    }
    flows.push_back(f);
  }
  return flows;
}

std::string run_engine(std::size_t workers, const std::vector<flow::FlowRecord>& flows, bool builtins) {
  auto log = std::make_shared<ProbeLog>();
  DetectorRegistry registry;
  register_probe(registry, log);
  if (builtins) register_builtin_detectors(registry);
  EngineConfig config;
  config.default_allowlist = false;
  config.workers = workers;
  config.emit_interval = 5 * kMin;
  config.settings["long_connection"]["min_duration"] = "5m";
  config.settings["long_connection"]["max_bytes_per_second"] = "100000";
  auto engine = make_engine(registry, config, nullptr, nullptr);
  EXPECT_TRUE(engine);
  for (std::size_t i = 0; i < flows.size(); i += 999) {
    (*engine)->add(std::span(flows).subspan(i, std::min<std::size_t>(999, flows.size() - i)));
  }
  (*engine)->finish();
  EXPECT_EQ((*engine)->stats().workers, workers);
  EXPECT_EQ((*engine)->stats().flows, flows.size());
  return findings_to_jsonl((*engine)->findings());
}

TEST(ShardedEngine, GivesTheSameFindingsAsOneWorker) {
  const auto flows = mixed_traffic(60000, 7);
  const std::string one = run_engine(1, flows, true);
  ASSERT_GT(std::count(one.begin(), one.end(), '\n'), 100);
  EXPECT_NE(one.find("\"long_connection\""), std::string::npos);
  for (std::size_t workers : {2u, 3u, 4u}) {
    EXPECT_EQ(run_engine(workers, flows, true), one) << workers << " workers";
  }
}

TEST(ShardedEngine, WorkerOfUsesEveryWorkerEvenly) {
  std::vector<std::size_t> counts(4);
  for (std::uint32_t i = 0; i < 40000; ++i)
    ++counts[ShardedEngine::worker_of(IpAddress::v4(0x0a000000u + i), 4)];
  for (auto c : counts) EXPECT_NEAR(static_cast<double>(c), 10000.0, 600.0);
}

TEST(Engine, MaxTrackedBoundHolds) {
  for (std::size_t workers : {1u, 2u}) {
    auto log = std::make_shared<ProbeLog>();
    DetectorRegistry registry;
    register_probe(registry, log);
    register_builtin_detectors(registry);
    EngineConfig config;
    config.default_allowlist = false;
    config.workers = workers;
    config.limits.max_tracked = 500;
    auto engine = make_engine(registry, config, nullptr, nullptr);
    ASSERT_TRUE(engine);
    std::vector<flow::FlowRecord> flows;
    for (std::uint32_t i = 0; i < 20000; ++i) {
      flows.push_back(flow_at(kT0 + i * kNsPerMs, 1, 0x08000000u + i));
      flows.back().tcp_flags = 0x12;  // SYN+ACK, no FIN: an open session, which long_connection keeps
    }
    (*engine)->add(flows);
    (*engine)->finish();
    const auto stats = (*engine)->stats();
    for (const auto& d : stats.detectors) {
      EXPECT_EQ(d.over_limit, 0u) << d.name;
      if (d.name == "indicator") continue;  // no indicators loaded: nothing tracked
      EXPECT_LE(d.peak_tracked, 500u) << d.name;
      EXPECT_LE(d.tracked, 500u * workers) << d.name;
      // long_connection keys every open session; the behavioural detectors admit keys
      // only on repeat contact or follow one side, so only the bound applies to them.
      if (d.name == "long_connection") {
        EXPECT_EQ(d.evicted + d.tracked, 20000u) << d.name << ": every key is held or counted as evicted";
      }
    }
  }
}

// A detector that ignores its limit, to check that the engine notices.
class Hoarder final : public Detector {
 public:
  std::string_view name() const noexcept override { return "hoarder"; }
  void observe(std::span<const FlowEvent> events) override { held_ += events.size(); }
  void emit(TimeNs, bool, std::vector<Finding>&) override {}
  std::size_t tracked() const noexcept override { return held_; }
  std::size_t memory_bytes() const noexcept override { return held_ * 8; }

 private:
  std::size_t held_ = 0;
};

TEST(Engine, ReportsADetectorThatExceedsMaxTracked) {
  DetectorRegistry registry;
  // Three fields only, as detectors written against the original contract do: must still compile
  // warning-free.
  registry.add(
      DetectorInfo{"hoarder", "ignores max_tracked",
                   [](const DetectorOptions&, const DetectorLimits&) -> Result<std::unique_ptr<Detector>> {
                     return std::unique_ptr<Detector>(std::make_unique<Hoarder>());
                   }});
  EngineConfig config;
  config.default_allowlist = false;
  config.limits.max_tracked = 10;
  auto engine = make_engine(registry, config, nullptr, nullptr);
  ASSERT_TRUE(engine);
  std::vector<flow::FlowRecord> flows(8, flow_at(kT0, 1, 2));
  (*engine)->add(flows);
  EXPECT_EQ((*engine)->stats().detectors[0].over_limit, 0u);
  (*engine)->add(flows);
  (*engine)->add(flows);
  (*engine)->finish();
  EXPECT_EQ((*engine)->stats().detectors[0].over_limit, 2u);
  EXPECT_EQ((*engine)->stats().detectors[0].peak_tracked, 24u);
}

TEST(CountryLocality, SpecialRangesAndUnknownCountriesAreDomestic) {
  auto table = std::make_shared<select::CountryTable>();
  table->insert(*Prefix::parse("8.0.0.0/8"), select::make_country('U', 'S'));
  table->insert(*Prefix::parse("126.0.0.0/8"), select::make_country('J', 'P'));
  CountryLocality jp(table, {select::make_country('J', 'P')});
  EXPECT_FALSE(jp.is_domestic(*IpAddress::parse("8.8.8.8")));
  EXPECT_TRUE(jp.is_domestic(*IpAddress::parse("126.1.2.3")));
  EXPECT_TRUE(jp.is_domestic(*IpAddress::parse("10.1.2.3"))) << "private space";
  EXPECT_TRUE(jp.is_domestic(*IpAddress::parse("203.0.113.9"))) << "documentation space";
  EXPECT_TRUE(jp.is_domestic(*IpAddress::parse("45.1.2.3"))) << "unknown country";
  CountryLocality us(table, {select::make_country('U', 'S')});
  EXPECT_TRUE(us.is_domestic(*IpAddress::parse("8.8.8.8")));
  EXPECT_FALSE(us.is_domestic(*IpAddress::parse("126.1.2.3")));
}

TEST(CountryLocality, RealDatabaseJapanVersusUnitedStates) {
  auto table = select::CountryTable::load_mmdb(MAMORI_COUNTRY_DB);
  ASSERT_TRUE(table) << table.error().message;
  CountryLocality jp(std::make_shared<const select::CountryTable>(std::move(*table)),
                     {select::make_country('J', 'P')});
  EXPECT_TRUE(jp.is_domestic(*IpAddress::parse("210.130.0.1")));  // a Japanese ISP's resolver
  EXPECT_FALSE(jp.is_domestic(*IpAddress::parse("8.8.8.8")));
}

}  // namespace
}  // namespace mamori::detect
