#include <gtest/gtest.h>

#include <map>
#include <set>
#include <unordered_set>

#include "mamori/flow/simulate/attacks/scenario.hpp"
#include "mamori/select/country_table.hpp"
#include "planted_run.hpp"

namespace mamori::flow::sim::attacks {
namespace {

using namespace plant_test;

PlantedRun plant_all(std::uint64_t seed, TimeNs duration, std::size_t batch = 8192, std::uint64_t max_flows = ~0ULL,
              bool with_background = false) {
  World w(kHour, 1.0, seed);
  auto kinds = parse_plant_list("all");
  EXPECT_TRUE(kinds);
  auto planting = plant(*kinds, *w.env);
  EXPECT_TRUE(planting) << (planting ? "" : planting.error().message);
  std::vector<std::unique_ptr<TrafficSource>> sources;
  if (with_background) sources.push_back(std::move(w.background));
  PlantedRun run;
  GroundTruth truth;
  MixLimits limits;
  limits.start_ns = kStart;
  limits.end_ns = kStart + duration;
  limits.batch_flows = batch;
  limits.max_flows = max_flows;
  TrafficMix mix(limits);
  for (auto& s : sources) mix.add(std::move(s));
  for (const auto& inst : planting->instances) {
    EXPECT_TRUE(truth.declare(inst));
    run.instances.push_back(inst);
  }
  for (auto& s : planting->sources) mix.add(std::move(s));
  FlowBatch batch_out;
  while (mix.next(batch_out)) {
    truth.observe(batch_out.flows, batch_out.labels);
    run.flows.insert(run.flows.end(), batch_out.flows.begin(), batch_out.flows.end());
    run.labels.insert(run.labels.end(), batch_out.labels.begin(), batch_out.labels.end());
  }
  run.rows = truth.rows();
  run.undeclared = truth.undeclared_flows();
  run.supporting = truth.supporting_flows();
  return run;
}

TEST(Planting, LabelsDescribeThePlantedFlowsExactly) {
  const PlantedRun run = plant_all(1, kHour);
  EXPECT_EQ(run.undeclared, 0u);
  std::map<FlowLabel, const PlantedInstance*> by_label;
  for (const auto& inst : run.instances) by_label[inst.label] = &inst;
  // Recompute every row from the flows, independently of GroundTruth.
  struct Expect {
    TimeNs start = ~0ULL, end = 0;
    std::set<std::uint16_t> ports;
    std::set<std::uint8_t> protos;
    std::set<IpAddress> peers;
  };
  std::map<std::pair<FlowLabel, IpAddress>, Expect> expected;
  std::uint64_t supporting = 0;
  for (std::size_t i = 0; i < run.flows.size(); ++i) {
    const FlowRecord& f = run.flows[i];
    ASSERT_NE(run.labels[i], kBackgroundLabel);
    const PlantedInstance& inst = *by_label.at(run.labels[i]);
    bool touched = false;
    for (const auto& e : inst.endpoints) {
      for (bool is_src : {true, false}) {
        if ((is_src ? f.src_addr : f.dst_addr) != e.address) continue;
        touched = true;
        Expect& x = expected[{inst.label, e.address}];
        x.start = std::min(x.start, f.start_ns);
        x.end = std::max(x.end, f.end_ns);
        x.peers.insert(is_src ? f.dst_addr : f.src_addr);
        if (!is_icmp(f.proto)) {
          x.protos.insert(f.proto);
          x.ports.insert(e.serves == is_src ? f.src_port : f.dst_port);
        }
      }
    }
    if (!touched) {
      ++supporting;
      EXPECT_EQ(inst.attack, "controller") << "only a controller's floods name no endpoint";
    }
  }
  EXPECT_EQ(supporting, run.supporting);
  ASSERT_EQ(run.rows.size(), expected.size());
  std::size_t declared = 0;
  for (const auto& inst : run.instances) declared += inst.endpoints.size();
  EXPECT_EQ(run.rows.size(), declared) << "every planted endpoint is active within the hour";
  std::set<std::string> attacks;
  for (const LabelRow& row : run.rows) {
    const auto it = expected.find({row.label, row.endpoint});
    ASSERT_NE(it, expected.end()) << row.endpoint.to_string();
    const Expect& x = it->second;
    EXPECT_EQ(row.attack, by_label.at(row.label)->attack);
    EXPECT_EQ(row.start, x.start);
    EXPECT_EQ(row.end, x.end);
    EXPECT_EQ(row.peers, x.peers.size());
    EXPECT_EQ(std::set<std::uint16_t>(row.ports.begin(), row.ports.end()), x.ports);
    EXPECT_EQ(std::set<std::uint8_t>(row.protos.begin(), row.protos.end()), x.protos);
    attacks.insert(row.attack);
  }
  EXPECT_EQ(attacks.size(), kPlantKindCount);
}

TEST(Planting, SameSeedSameTrafficWhateverTheBatchSize) {
  const PlantedRun a = plant_all(5, 20 * 60 * kNsPerSecond, 100);
  const PlantedRun b = plant_all(5, 20 * 60 * kNsPerSecond, 50'000);
  const PlantedRun c = plant_all(6, 20 * 60 * kNsPerSecond);
  ASSERT_GT(a.flows.size(), 10'000u);
  EXPECT_EQ(a.flows, b.flows);
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_EQ(a.rows, b.rows);
  EXPECT_NE(a.flows, c.flows);
  std::set<IpAddress> ea, ec;
  for (const auto& r : a.rows) ea.insert(r.endpoint);
  for (const auto& r : c.rows) ec.insert(r.endpoint);
  std::size_t shared = 0;
  for (const auto& e : ea) shared += ec.contains(e) ? 1 : 0;
  EXPECT_LE(shared, 1u) << "only the fixed public resolver repeats across seeds";
}

TEST(Planting, FlowsAreOrderedWellFormedAndOnWholeMilliseconds) {
  const PlantedRun run = plant_all(2, kHour, 8192, ~0ULL, /*with_background=*/true);
  TimeNs last = 0;
  std::size_t planted = 0;
  for (std::size_t i = 0; i < run.flows.size(); ++i) {
    const FlowRecord& f = run.flows[i];
    ASSERT_LE(last, f.start_ns);
    last = f.start_ns;
    if (run.labels[i] == kBackgroundLabel) continue;
    ++planted;
    ASSERT_EQ(f.start_ns % kNsPerMs, 0u) << "label " << run.labels[i];
    ASSERT_EQ(f.end_ns % kNsPerMs, 0u) << "label " << run.labels[i];
    ASSERT_LE(f.start_ns, f.end_ns);
    ASSERT_EQ(f.src_addr.is_v4(), f.dst_addr.is_v4());
    ASSERT_GE(f.packets, 1u);
    const std::uint64_t min_packet = is_icmp(f.proto) ? 28 : (f.proto == kProtoTcp ? 40 : 28);
    ASSERT_GE(f.bytes, f.packets * (f.is_v4() ? min_packet : min_packet + 20)) << i;
    ASSERT_LE(f.bytes, f.packets * 1500) << i;
    ASSERT_EQ(f.packets, f.raw_packets);
    ASSERT_EQ(f.bytes, f.raw_bytes);
    ASSERT_EQ(f.source, FlowSource::simulated);
  }
  EXPECT_GT(planted, 50'000u);
  EXPECT_GT(run.flows.size(), planted * 5);  // planted traffic stays a small share of the whole
}

TEST(Planting, TruncatedRunsLabelOnlyWhatWasEmitted) {
  const PlantedRun full = plant_all(3, kHour);
  const PlantedRun cut = plant_all(3, kHour, 8192, 5'000);
  ASSERT_EQ(cut.flows.size(), 5'000u);
  const TimeNs horizon = cut.flows.back().start_ns;
  std::map<std::pair<FlowLabel, IpAddress>, LabelRow> full_rows;
  for (const auto& r : full.rows) full_rows[{r.label, r.endpoint}] = r;
  EXPECT_LT(cut.rows.size(), full.rows.size());
  for (const auto& r : cut.rows) {
    EXPECT_LE(r.start, horizon);
    const LabelRow& whole = full_rows.at({r.label, r.endpoint});
    EXPECT_EQ(r.start, whole.start);
    EXPECT_LE(r.peers, whole.peers);
  }
}

TEST(Planting, AttackersAreForeignAndVictimsDomesticByTheCountryDatabase) {
  auto table = select::CountryTable::load_mmdb(MAMORI_COUNTRY_DB);
  ASSERT_TRUE(table) << table.error().message << " (scripts/setup.sh installs the database)";
  const PlantedRun run = plant_all(4, kHour);
  const select::CountryCode jp = select::make_country('J', 'P');
  std::set<IpAddress> endpoints;
  for (const auto& r : run.rows) {
    const select::CountryCode c = table->lookup(r.endpoint);
    EXPECT_NE(c, 0) << r.attack << " " << r.endpoint.to_string() << " is in no country";
    EXPECT_NE(c, jp) << r.attack << " " << r.endpoint.to_string();
    endpoints.insert(r.endpoint);
  }
  std::map<FlowLabel, std::string> attack_of;
  for (const auto& inst : run.instances) attack_of[inst.label] = inst.attack;
  std::size_t checked = 0;
  for (std::size_t i = 0; i < run.flows.size(); ++i) {
    const FlowRecord& f = run.flows[i];
    const bool src_planted = endpoints.contains(f.src_addr), dst_planted = endpoints.contains(f.dst_addr);
    if (!src_planted && !dst_planted) continue;  // a controller's bots flooding their (foreign) victim
    const IpAddress& other = src_planted ? f.dst_addr : f.src_addr;
    ASSERT_EQ(table->lookup(other), jp) << attack_of[run.labels[i]] << " aims at " << other.to_string();
    ++checked;
  }
  EXPECT_GT(checked, 10'000u);
}

TEST(Planting, InfrastructureIsNeverABackgroundServer) {
  World w;
  std::unordered_set<IpAddress, IpAddressHash> servers;
  for (const auto& h : w.background->servers()) {
    servers.insert(h.v4);
    servers.insert(h.v6);
  }
  auto planting = plant(*parse_plant_list("all"), *w.env);
  ASSERT_TRUE(planting);
  std::set<IpAddress> seen;
  for (const auto& inst : planting->instances) {
    for (const auto& e : inst.endpoints) {
      EXPECT_FALSE(servers.contains(e.address)) << e.address.to_string();
      EXPECT_TRUE(seen.insert(e.address).second) << "two campaigns share " << e.address.to_string();
    }
  }
  EXPECT_GT(seen.size(), 200u);
}

TEST(Catalog, ParsesNamesAndGroupsInCatalogOrder) {
  auto some = parse_plant_list("scan, beacon,scan");
  ASSERT_TRUE(some);
  EXPECT_EQ(*some, (std::vector<PlantKind>{PlantKind::beacon, PlantKind::scan}));
  auto attacks = parse_plant_list("attacks");
  ASSERT_TRUE(attacks);
  EXPECT_EQ(attacks->size(), 6u);
  auto benign = parse_plant_list("benign,reflection");
  ASSERT_TRUE(benign);
  EXPECT_EQ(benign->size(), 6u);
  EXPECT_EQ(benign->front(), PlantKind::reflection);
  EXPECT_EQ(parse_plant_list("all")->size(), kPlantKindCount);
  EXPECT_FALSE(parse_plant_list("beacon,ddos"));
  EXPECT_FALSE(parse_plant_list(" , "));
}

TEST(Catalog, LabelsAreStableWhateverElseIsPlanted) {
  World a, b;
  auto only = plant(*parse_plant_list("scan"), *a.env);
  auto many = plant(*parse_plant_list("beacon,scan,reflection"), *b.env);
  ASSERT_TRUE(only && many);
  std::set<IpAddress> scanners_alone, scanners_among;
  for (const auto& i : only->instances) scanners_alone.insert(i.endpoints[0].address);
  for (const auto& i : many->instances) {
    if (i.attack == "scan") scanners_among.insert(i.endpoints[0].address);
  }
  EXPECT_EQ(scanners_alone, scanners_among) << "adding attacks does not move the scanners";
}

TEST(Scenario, StandardIsFixed) {
  auto s = find_scenario("standard");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->duration, kHour);
  EXPECT_EQ(s->flows_per_second, 2'000.0);
  EXPECT_EQ(s->plants.size(), kPlantKindCount);
  EXPECT_EQ(s->start, "2025-06-02T11:00:00Z");
  EXPECT_FALSE(find_scenario("huge"));
}

}  // namespace
}  // namespace mamori::flow::sim::attacks
