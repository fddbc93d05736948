// Throughput and memory of the behavioural detectors (beaconing, fan_in,
// scanning, brute_force, ddos) on selected carrier-like traffic: the
// simulator's subscribers and foreign servers (domestic-domestic flows
// dropped, locality set as the sensor's selection sets it), plus the
// background noise a carrier sees: foreign scanners probing subscriber space.
// Detectors see pre-oriented events, as the engine hands them over.
//
//   BM_AllDetectors        flows/s through the five together (one core)
//   BM_Detector/<i>        each alone
//   BM_OrientAndAll        the same including orient()
//   BM_TenMillionServers   10M distinct foreign servers against the default
//                          max_tracked: tracked keys and memory stay bounded
#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <random>
#include <vector>

#include "mamori/detect/beaconing/beaconing_detector.hpp"
#include "mamori/detect/builtin.hpp"
#include "mamori/detect/ddos/ddos_detector.hpp"
#include "mamori/detect/fan_in/fan_in_detector.hpp"
#include "mamori/detect/scanning/brute_force_detector.hpp"
#include "mamori/detect/scanning/scanning_detector.hpp"
#include "mamori/detect/flow_event.hpp"
#include "mamori/flow/simulate/address_plan.hpp"
#include "mamori/flow/simulate/background_traffic.hpp"
#include "mamori/select/prefix_table.hpp"
#include "mamori/select/special_ranges.hpp"

namespace {

using namespace mamori;
using namespace mamori::detect;

constexpr std::size_t kBatch = 8192;
constexpr std::size_t kPoolFlows = 4'000'000;

// Home = the simulator's home country (Japan) and special-purpose space.
class Home {
 public:
  Home() {
    for (const auto& range : select::special_purpose_ranges()) table_.insert(*Prefix::parse(range.prefix), 1);
    const auto plan = flow::sim::AddressPlan::japan();
    for (const auto* list : {&plan.home().access_v4, &plan.home().access_v6, &plan.home().hosting_v4, &plan.home().hosting_v6})
      for (const Prefix& p : *list) table_.insert(p, 1);
  }
  bool domestic(const IpAddress& a) const noexcept { return table_.lookup(a) != 0; }

 private:
  select::PrefixTable table_;
};

// Selected traffic: what a sensor keeps (foreign-related flows) with their locality.
const std::vector<flow::FlowRecord>& pool() {
  static const std::vector<flow::FlowRecord> flows = [] {
    Home home;
    flow::sim::BackgroundConfig config;
    config.seed = 11;
    config.subscribers = 200'000;
    config.servers = 20'000;
    config.flows_per_second = 200'000;
    config.start_ns = 1'748'862'000ULL * kNsPerSecond;
    flow::sim::MixLimits limits;
    limits.start_ns = config.start_ns;
    auto mix = std::make_unique<flow::sim::TrafficMix>(limits);
    mix->add(std::move(*flow::sim::BackgroundTraffic::create(config)));
    std::vector<flow::FlowRecord> out;
    out.reserve(kPoolFlows);
    std::mt19937_64 rng(5);
    std::vector<IpAddress> subscribers;
    flow::sim::FlowBatch batch;
    while (out.size() < kPoolFlows && mix->next(batch)) {
      for (flow::FlowRecord f : batch.flows) {
        const bool src_home = home.domestic(f.src_addr), dst_home = home.domestic(f.dst_addr);
        if (src_home && dst_home) continue;  // selection drops domestic-domestic
        f.locality = src_home ? flow::Locality::domestic_to_foreign
                     : dst_home ? flow::Locality::foreign_to_domestic
                                : flow::Locality::foreign_to_foreign;
        if (src_home && subscribers.size() < 100'000) subscribers.push_back(f.src_addr);
        out.push_back(f);
        // Scan noise: about one record in twenty is a foreign scanner's probe of a subscriber.
        if (rng() % 20 == 0 && !subscribers.empty()) {
          flow::FlowRecord probe = f;
          probe.src_addr = IpAddress::v4(0x2d000000u | static_cast<std::uint32_t>(rng() % 4096));  // 45.0.0.0/8
          probe.dst_addr = subscribers[rng() % subscribers.size()];
          probe.src_port = static_cast<std::uint16_t>(40000 + rng() % 20000);
          probe.dst_port = static_cast<std::uint16_t>(rng() % 4 == 0 ? 22 : rng() % 2 ? 23 : 445);
          probe.proto = flow::kProtoTcp;
          probe.tcp_flags = 0x02;
          probe.packets = probe.raw_packets = 1;
          probe.bytes = probe.raw_bytes = 44;
          probe.end_ns = probe.start_ns;
          probe.locality = flow::Locality::foreign_to_domestic;
          out.push_back(probe);
        }
        if (out.size() == kPoolFlows) break;
      }
    }
    return out;
  }();
  return flows;
}

const std::vector<FlowEvent>& events() {
  static const std::vector<FlowEvent> e = [] {
    std::vector<FlowEvent> out;
    out.reserve(pool().size());
    for (const auto& f : pool()) out.push_back(orient(f, nullptr));
    return out;
  }();
  return e;
}

std::vector<std::unique_ptr<Detector>> make_all(std::size_t max_tracked = DetectorLimits{}.max_tracked) {
  DetectorRegistry registry;
  register_beaconing(registry);
  register_fan_in(registry);
  register_scanning(registry);
  register_brute_force(registry);
  register_ddos(registry);
  std::vector<std::unique_ptr<Detector>> out;
  for (const auto& info : registry.all()) {
    auto d = info.factory(DetectorOptions{}, DetectorLimits{max_tracked});
    if (!d) std::abort();
    out.push_back(std::move(*d));
  }
  return out;
}

std::uint64_t evictions(const Detector& d) {
  if (auto* x = dynamic_cast<const BeaconingDetector*>(&d)) return x->evictions();
  if (auto* x = dynamic_cast<const FanInDetector*>(&d)) return x->evictions();
  if (auto* x = dynamic_cast<const ScanningDetector*>(&d)) return x->evictions();
  if (auto* x = dynamic_cast<const BruteForceDetector*>(&d)) return x->evictions();
  if (auto* x = dynamic_cast<const DdosDetector*>(&d)) return x->evictions();
  return 0;
}

void report_memory(benchmark::State& state, const std::vector<std::unique_ptr<Detector>>& detectors) {
  std::size_t tracked = 0, bytes = 0;
  for (const auto& d : detectors) {
    tracked += d->tracked();
    bytes += d->memory_bytes();
    state.counters[std::string(d->name()) + "_tracked"] = static_cast<double>(d->tracked());
    state.counters[std::string(d->name()) + "_B/key"] =
        d->tracked() ? static_cast<double>(d->memory_bytes()) / static_cast<double>(d->tracked()) : 0.0;
  }
  state.counters["tracked"] = static_cast<double>(tracked);
  state.counters["MiB"] = static_cast<double>(bytes) / (1 << 20);
  state.counters["B/key"] = tracked ? static_cast<double>(bytes) / static_cast<double>(tracked) : 0.0;
}

// One pass over the pool in batches, emitting after each batch as an engine does.
void run_pass(benchmark::State& state, std::vector<std::unique_ptr<Detector>>& detectors, bool with_orient) {
  const auto& all = events();
  const auto& flows = pool();
  std::vector<Finding> findings;
  std::vector<FlowEvent> oriented(kBatch);
  std::size_t at = 0, processed = 0;
  for (auto _ : state) {
    if (at >= all.size()) {
      state.SkipWithError("pool exhausted");
      break;
    }
    const std::size_t n = std::min(kBatch, all.size() - at);
    std::span<const FlowEvent> batch(all.data() + at, n);
    if (with_orient) {
      for (std::size_t i = 0; i < n; ++i) oriented[i] = orient(flows[at + i], nullptr);
      batch = {oriented.data(), n};
    }
    for (auto& d : detectors) d->observe(batch);
    const TimeNs now = flows[at + n - 1].start_ns;
    for (auto& d : detectors) d->emit(now, false, findings);
    findings.clear();
    at += n;
    processed += n;
  }
  state.counters["flows/s"] = benchmark::Counter(static_cast<double>(processed), benchmark::Counter::kIsRate);
  report_memory(state, detectors);
}

std::int64_t passes() { return static_cast<std::int64_t>((pool().size() + kBatch - 1) / kBatch); }

void BM_AllDetectors(benchmark::State& state) {
  auto detectors = make_all();
  run_pass(state, detectors, false);
}
BENCHMARK(BM_AllDetectors)->Iterations(passes())->Unit(benchmark::kMicrosecond);

void BM_OrientAndAll(benchmark::State& state) {
  auto detectors = make_all();
  run_pass(state, detectors, true);
}
BENCHMARK(BM_OrientAndAll)->Iterations(passes())->Unit(benchmark::kMicrosecond);

void BM_Detector(benchmark::State& state) {
  auto all = make_all();
  std::vector<std::unique_ptr<Detector>> one;
  one.push_back(std::move(all[static_cast<std::size_t>(state.range(0))]));
  state.SetLabel(std::string(one[0]->name()));
  run_pass(state, one, false);
}
BENCHMARK(BM_Detector)->DenseRange(0, 4)->Iterations(passes())->Unit(benchmark::kMicrosecond);

// Ten million distinct foreign servers, each contacted by a subscriber: every
// detector's keys stay within max_tracked (evicting, counted) and memory stays flat.
void BM_TenMillionServers(benchmark::State& state) {
  constexpr std::uint32_t kServers = 10'000'000;
  const TimeNs t0 = 1'748'862'000ULL * kNsPerSecond;
  std::vector<flow::FlowRecord> chunk(kBatch);
  std::vector<FlowEvent> batch(kBatch);
  for (auto _ : state) {
    auto detectors = make_all();
    std::vector<Finding> findings;
    for (std::uint32_t base = 0; base < kServers; base += kBatch) {
      const std::size_t n = std::min<std::size_t>(kBatch, kServers - base);
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t s = base + static_cast<std::uint32_t>(i);
        flow::FlowRecord& f = chunk[i];
        f = {};
        f.src_addr = IpAddress::v4(0x7e000000u | (s * 2654435761u >> 12));  // a subscriber in 126/8
        f.dst_addr = IpAddress::v4(0x08000000u + s * 7);                     // a foreign server
        f.src_port = static_cast<std::uint16_t>(32768 + s % 28000);
        f.dst_port = (s & 1) ? 443 : 53;
        f.proto = (s & 1) ? flow::kProtoTcp : flow::kProtoUdp;
        f.tcp_flags = (s & 1) ? 0x1b : 0;
        f.start_ns = t0 + TimeNs{s} * 1000;
        f.end_ns = f.start_ns + 50 * kNsPerMs;
        f.packets = f.raw_packets = 5;
        f.bytes = f.raw_bytes = 700;
        f.locality = flow::Locality::domestic_to_foreign;
        batch[i] = orient(f, nullptr);
      }
      for (auto& d : detectors) d->observe({batch.data(), n});
      for (auto& d : detectors) d->emit(chunk[n - 1].start_ns, false, findings);
      findings.clear();
    }
    state.PauseTiming();
    report_memory(state, detectors);
    std::uint64_t evicted = 0;
    for (const auto& d : detectors) evicted += evictions(*d);
    state.counters["evictions"] = static_cast<double>(evicted);
    state.counters["servers"] = kServers;
    state.counters["max_tracked"] = static_cast<double>(DetectorLimits{}.max_tracked);
    state.ResumeTiming();
  }
  state.counters["flows/s"] = benchmark::Counter(static_cast<double>(kServers) * static_cast<double>(state.iterations()),
                                                 benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TenMillionServers)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
