// Detection engine throughput and memory bounds, with the detectors of the
// engine branch (indicator match, long connections) on realistic selected
// traffic: the simulator's carrier model (100,000 subscribers, 20,000
// servers) through the real selector (country DB, Crypto-PAn), so flows carry
// their locality as a sensor's output does.
//
//   BM_Engine/workers            flows/s through a new engine (orient, observe, periodic emits, final)
//   BM_EngineSustained           flows/s through a running engine whose state is warm (one worker)
//   BM_EngineOneDetector/i       each detector alone (-1: the engine with none)
//   BM_EngineSustainedOneDetector/i  each detector alone, warm
//   BM_MemoryPerTrackedServer    bytes of detector state per tracked key
//   BM_TenMillionServers         10 M distinct servers against max_tracked: memory stays bounded
#include <benchmark/benchmark.h>

#include <random>
#include <unordered_set>
#include <vector>

#include "mamori/detect/builtin.hpp"
#include "mamori/detect/engine/engine.hpp"
#include "mamori/detect/indicator/indicator_detector.hpp"
#include "mamori/detect/long_connection/long_connection_detector.hpp"
#include "mamori/flow/simulate/background_traffic.hpp"
#include "mamori/select/cryptopan.hpp"
#include "mamori/select/selection_policy.hpp"
#include "mamori/select/selector.hpp"

namespace {

using namespace mamori;
using namespace mamori::detect;
namespace sim = mamori::flow::sim;

constexpr TimeNs kStart = 1'748'862'000ULL * kNsPerSecond;

std::vector<flow::FlowRecord> selected_traffic(std::size_t n) {
  sim::BackgroundConfig config;
  config.seed = 7;
  config.subscribers = 100'000;
  config.servers = 20'000;
  config.flows_per_second = 20'000;  // a busy carrier link: n flows span n / 20,000 s of flow time
  config.start_ns = kStart;
  sim::MixLimits limits;
  limits.start_ns = kStart;
  limits.max_flows = n;
  sim::TrafficMix mix(limits);
  mix.add(std::move(*sim::BackgroundTraffic::create(config)));

  auto policy = select::parse_selection_policy(R"(
[selection_policy]
id = "bench"
version = 1
home_countries = ["JP"]
directions = ["foreign_to_domestic", "domestic_to_foreign", "foreign_to_foreign"]
fields = ["start_ns", "end_ns", "src_addr", "dst_addr", "src_port", "dst_port", "proto", "packets", "bytes", "tcp_flags"]
pseudonymisation_key_id = "k"
valid_from = "2026-01-01T00:00:00Z"
valid_until = "2027-01-01T00:00:00Z"
retention = "730d"
legal_basis = "bench"
)");
  auto countries = select::CountryTable::load_mmdb(MAMORI_COUNTRY_DB);
  if (!policy || !countries) std::abort();
  std::array<std::uint8_t, 32> key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i * 7 + 1);
  select::Selector selector(*policy, std::make_shared<const select::CountryTable>(std::move(*countries)),
                            *select::CryptoPan::create(key));
  std::vector<flow::FlowRecord> out;
  select::SelectionCounts counts;
  sim::FlowBatch batch;
  while (mix.next(batch)) selector.select(batch.flows, out, counts);
  return out;
}

const std::vector<flow::FlowRecord>& traffic() {
  static const std::vector<flow::FlowRecord> flows = selected_traffic(2'000'000);
  return flows;
}

// 20,000 host indicators and 2,000 /24s of random space, plus every 100th
// distinct foreign server of the traffic so that matches happen. (Every
// 100th flow's server, as before, listed nearly every popular server: four
// in five flows matched, where a real feed matches a small share.)
std::string write_indicators() {
  std::mt19937_64 rng(5);
  std::string text;
  for (int i = 0; i < 20'000; ++i)
    text += IpAddress::v4(static_cast<std::uint32_t>(rng())).to_string() + "\n";
  for (int i = 0; i < 2'000; ++i)
    text += IpAddress::v4(static_cast<std::uint32_t>(rng()) & 0xffffff00u).to_string() + "/24\n";
  std::unordered_set<IpAddress, IpAddressHash> servers;
  for (const auto& f : traffic()) {
    if (f.locality == flow::Locality::domestic_to_foreign && servers.insert(f.dst_addr).second &&
        servers.size() % 100 == 0)
      text += f.dst_addr.to_string() + "\n";
  }
  const std::string path = "/tmp/mamori_detect_bench_indicators.txt";
  std::FILE* out = std::fopen(path.c_str(), "w");
  if (out == nullptr) std::abort();
  std::fwrite(text.data(), 1, text.size(), out);
  std::fclose(out);
  return path;
}

// Feeds flows in the batches a sensor hands over.
void feed(DetectionEngine& engine, std::span<const flow::FlowRecord> flows) {
  for (std::size_t i = 0; i < flows.size(); i += 8192)
    engine.add(flows.subspan(i, std::min<std::size_t>(8192, flows.size() - i)));
}

// The configuration every engine benchmark runs: the builtin detectors with the benchmark's indicators.
EngineConfig bench_config() {
  static const std::string indicators = write_indicators();
  EngineConfig config;
  config.settings["indicator"]["files"] = indicators;
  return config;
}

// A new engine per iteration on the traffic, construction and teardown
// (freeing detector state) untimed: flows/s from empty state to the final
// emit. Returns the last engine's statistics.
EngineStats time_new_engines(benchmark::State& state, const EngineConfig& config) {
  const auto& flows = traffic();
  DetectorRegistry registry;
  register_builtin_detectors(registry);
  auto allow = std::make_shared<const Allowlist>(Allowlist::builtin_default());
  std::uint64_t processed = 0;
  EngineStats last;
  for (auto _ : state) {
    state.PauseTiming();
    auto engine = make_engine(registry, config, nullptr, allow);
    if (!engine) std::abort();
    state.ResumeTiming();
    feed(**engine, flows);
    (*engine)->finish();
    processed += flows.size();
    state.PauseTiming();
    last = (*engine)->stats();
    engine->reset();
    state.ResumeTiming();
  }
  state.counters["flows/s"] = benchmark::Counter(static_cast<double>(processed), benchmark::Counter::kIsRate);
  return last;
}

void BM_Engine(benchmark::State& state) {
  EngineConfig config = bench_config();
  config.workers = static_cast<std::size_t>(state.range(0));
  const EngineStats last = time_new_engines(state, config);
  state.counters["findings"] = static_cast<double>(last.findings);
  for (const auto& d : last.detectors) {
    state.counters[d.name + "_tracked"] = static_cast<double>(d.tracked);
    state.counters[d.name + "_MB"] = static_cast<double>(d.memory_bytes) / 1e6;
  }
}
BENCHMARK(BM_Engine)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3);

// Detector state held, in MB.
double state_mb(const EngineStats& stats) {
  double mb = 0;
  for (const auto& d : stats.detectors) mb += static_cast<double>(d.memory_bytes) / 1e6;
  return mb;
}

// A running sensor: one engine kept across iterations, the same traffic fed
// again each time, shifted by its span so that flow time runs on (the same
// subscribers and servers keep talking). Two passes warm the state up before
// timing, so tables have reached their working size and their memory has
// been touched: the sustained rate, where BM_Engine includes building the
// state from empty.
EngineStats time_sustained(benchmark::State& state, const EngineConfig& config) {
  const auto& flows = traffic();
  DetectorRegistry registry;
  register_builtin_detectors(registry);
  auto allow = std::make_shared<const Allowlist>(Allowlist::builtin_default());
  auto engine = make_engine(registry, config, nullptr, allow);
  if (!engine) std::abort();
  TimeNs first = flows.front().start_ns, last = flows.front().end_ns;
  for (const auto& f : flows) {
    first = std::min(first, f.start_ns);
    last = std::max(last, f.end_ns);
  }
  const TimeNs span = last - first + kNsPerSecond;
  std::vector<flow::FlowRecord> shifted = flows;
  std::uint64_t pass = 0;
  auto next_pass = [&] {
    for (std::size_t i = 0; i < flows.size(); ++i) {
      shifted[i].start_ns = flows[i].start_ns + pass * span;
      shifted[i].end_ns = flows[i].end_ns + pass * span;
    }
    ++pass;
  };
  for (int warm = 0; warm < 2; ++warm) {
    next_pass();
    feed(**engine, shifted);
  }
  const double warm_mb = state_mb((*engine)->stats());
  std::uint64_t processed = 0;
  for (auto _ : state) {
    state.PauseTiming();
    next_pass();
    state.ResumeTiming();
    feed(**engine, shifted);
    processed += flows.size();
  }
  (*engine)->finish();  // after the timed loop: not counted
  const EngineStats stats = (*engine)->stats();
  state.counters["flows/s"] = benchmark::Counter(static_cast<double>(processed), benchmark::Counter::kIsRate);
  state.counters["state_MB"] = state_mb(stats);
  state.counters["state_MB_after_warmup"] = warm_mb;
  return stats;
}

void BM_EngineSustained(benchmark::State& state) {
  const EngineStats stats = time_sustained(state, bench_config());
  state.counters["findings"] = static_cast<double>(stats.findings);
  // Each detector's share of the time (warm-up and timed passes alike), in ns per flow.
  const double flows = static_cast<double>(stats.flows);
  state.counters["pair_filter_ns"] = static_cast<double>(stats.pair_filter_ns) / flows;
  for (const auto& d : stats.detectors) {
    state.counters[d.name + "_tracked"] = static_cast<double>(d.tracked);
    state.counters[d.name + "_ns"] = static_cast<double>(d.observe_ns) / flows;
  }
}
BENCHMARK(BM_EngineSustained)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(4);

// One detector alone through the engine (one worker): where the time of BM_Engine/1 goes.
// -1: no detector, the engine's own share (orienting, batching, emits).
EngineConfig one_detector_config(benchmark::State& state) {
  DetectorRegistry registry;
  register_builtin_detectors(registry);
  const std::string name =
      state.range(0) < 0 ? "" : registry.all().at(static_cast<std::size_t>(state.range(0))).name;
  state.SetLabel(name.empty() ? "(engine alone)" : name);
  EngineConfig config = bench_config();
  config.only = name.empty() ? std::vector<std::string>{} : std::vector<std::string>{name};
  return config;
}

void BM_EngineOneDetector(benchmark::State& state) {
  time_new_engines(state, one_detector_config(state));
}
BENCHMARK(BM_EngineOneDetector)->DenseRange(-1, 6)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2);

void BM_EngineSustainedOneDetector(benchmark::State& state) {
  time_sustained(state, one_detector_config(state));
}
BENCHMARK(BM_EngineSustainedOneDetector)
    ->DenseRange(-1, 6)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(3);

flow::FlowRecord to_server(std::uint32_t server, TimeNs t) {
  flow::FlowRecord f;
  f.start_ns = t;
  f.end_ns = t + kNsPerSecond;
  f.src_addr = IpAddress::v4(0x0a000001u);
  f.dst_addr = IpAddress::v4(server);
  f.src_port = 50000;
  f.dst_port = 443;
  f.proto = flow::kProtoTcp;
  f.packets = 10;
  f.bytes = 1000;
  f.tcp_flags = 0x12;  // SYN+ACK, no FIN: a connection still open, which every detector may keep
  f.locality = flow::Locality::domestic_to_foreign;
  return f;
}

// Memory of one detector's state per tracked key, with n distinct servers.
void BM_MemoryPerTrackedServer(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  auto everything = std::make_shared<IndicatorSet>();
  if (!everything->add(*Prefix::parse("0.0.0.0/1"), {"", "half the space", "", "bench"})) std::abort();
  std::vector<flow::FlowRecord> flows;
  for (std::uint32_t i = 0; i < n; ++i) flows.push_back(to_server(0x01000000u + i, kStart + i));
  std::vector<FlowEvent> events;
  for (const auto& f : flows) events.push_back(orient(f, nullptr));
  double indicator_bytes = 0, long_bytes = 0;
  for (auto _ : state) {
    IndicatorDetector indicator(everything, DetectorLimits{n});
    LongConnectionDetector longc(LongConnectionOptions{}, DetectorLimits{n});
    indicator.observe(events);
    longc.observe(events);
    indicator_bytes =
        static_cast<double>(indicator.memory_bytes()) / static_cast<double>(indicator.tracked());
    long_bytes = static_cast<double>(longc.memory_bytes()) / static_cast<double>(longc.tracked());
  }
  state.counters["indicator_B/server"] = indicator_bytes;
  state.counters["long_connection_B/pair"] = long_bytes;
}
BENCHMARK(BM_MemoryPerTrackedServer)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

// 10 million distinct foreign servers, each matched by an indicator prefix and
// each a new long-connection pair, through the engine with max_tracked = 1 M:
// tracked keys and memory stop growing at the bound, the rest are evicted and counted.
void BM_TenMillionServers(benchmark::State& state) {
  const std::size_t max_tracked = static_cast<std::size_t>(state.range(0));
  const std::string path = "/tmp/mamori_detect_bench_all.txt";
  {
    std::FILE* out = std::fopen(path.c_str(), "w");
    if (out == nullptr) std::abort();
    std::fputs("0.0.0.0/1\n", out);
    std::fclose(out);
  }
  DetectorRegistry registry;
  register_builtin_detectors(registry);
  EngineConfig config;
  config.limits.max_tracked = max_tracked;
  config.settings["indicator"]["files"] = path;
  EngineStats stats;
  std::size_t peak_at_half = 0;
  for (auto _ : state) {
    auto engine = make_engine(registry, config, nullptr, nullptr);
    if (!engine) std::abort();
    std::vector<flow::FlowRecord> batch;
    constexpr std::uint32_t kServers = 10'000'000;
    for (std::uint32_t base = 0; base < kServers; base += 65536) {
      batch.clear();
      for (std::uint32_t i = base; i < std::min(kServers, base + 65536); ++i) {
        batch.push_back(to_server(0x01000000u + i * 3, kStart + static_cast<TimeNs>(i) * 100'000));
      }
      (*engine)->add(batch);
      if (base == kServers / 2 / 65536 * 65536) {
        for (const auto& d : (*engine)->stats().detectors) peak_at_half += d.memory_bytes;
      }
    }
    (*engine)->finish();
    stats = (*engine)->stats();
  }
  std::size_t memory = 0;
  for (const auto& d : stats.detectors) {
    state.counters[d.name + "_tracked"] = static_cast<double>(d.tracked);
    state.counters[d.name + "_peak_tracked"] = static_cast<double>(d.peak_tracked);
    state.counters[d.name + "_evicted"] = static_cast<double>(d.evicted);
    state.counters[d.name + "_peak_MB"] = static_cast<double>(d.peak_memory_bytes) / 1e6;
    memory += d.memory_bytes;
  }
  state.counters["MB_at_5M_servers"] = static_cast<double>(peak_at_half) / 1e6;
  state.counters["MB_at_10M_servers"] = static_cast<double>(memory) / 1e6;
  state.counters["flows/s"] = benchmark::Counter(1e7, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TenMillionServers)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
