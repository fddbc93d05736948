// Throughput of the traffic model and of the export encoders, which feed the
// decoder and selector benchmarks: both must stay well above what they feed.
#include <benchmark/benchmark.h>

#include <algorithm>

#include "mamori/flow/encode/flow_encoder.hpp"
#include "mamori/flow/simulate/background_traffic.hpp"

namespace {

using namespace mamori;
using namespace mamori::flow;

std::unique_ptr<sim::TrafficMix> make_mix(double rate, std::uint64_t max_flows, std::uint32_t subscribers = 100'000) {
  sim::BackgroundConfig config;
  config.seed = 7;
  config.subscribers = subscribers;
  config.servers = std::clamp<std::uint32_t>(subscribers / 5, 16, 20'000);
  config.flows_per_second = rate;
  config.start_ns = 1'748'862'000ULL * kNsPerSecond;
  sim::MixLimits limits;
  limits.start_ns = config.start_ns;
  limits.max_flows = max_flows;
  auto mix = std::make_unique<sim::TrafficMix>(limits);
  mix->add(std::move(*sim::BackgroundTraffic::create(config)));
  return mix;
}

void BM_GenerateFlows(benchmark::State& state) {
  const auto rate = static_cast<double>(state.range(0));
  auto mix = make_mix(rate, ~0ULL, static_cast<std::uint32_t>(state.range(1)));
  sim::FlowBatch batch;
  std::uint64_t flows = 0;
  for (auto _ : state) {
    mix->next(batch);
    flows += batch.size();
    benchmark::DoNotOptimize(batch.flows.data());
  }
  state.counters["flows/s"] = benchmark::Counter(static_cast<double>(flows), benchmark::Counter::kIsRate);
}
// Args: mean flows/s of the model (sets the time span of a batch), subscribers.
BENCHMARK(BM_GenerateFlows)
    ->Args({10'000, 10'000})
    ->Args({10'000, 1'000'000})
    ->Args({1'000'000, 100'000})
    ->Unit(benchmark::kMillisecond);

class CountingSink final : public ExportSink {
 public:
  Status send(Bytes datagram, TimeNs) override {
    bytes += datagram.size();
    return {};
  }
  std::uint64_t bytes = 0;
};

void BM_Encode(benchmark::State& state) {
  const auto format = static_cast<ExportFormat>(state.range(0));
  auto mix = make_mix(100'000, 1'000'000);
  std::vector<FlowRecord> flows;
  sim::FlowBatch batch;
  while (mix->next(batch)) flows.insert(flows.end(), batch.flows.begin(), batch.flows.end());
  CountingSink sink;
  auto encoder = std::move(*make_flow_encoder(format, EncoderOptions{}, sink));
  std::uint64_t records = 0;
  for (auto _ : state) {
    (void)encoder->add(flows);
    records += flows.size();
  }
  (void)encoder->flush();
  state.counters["records/s"] = benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
  state.SetLabel(std::string(export_format_name(format)));
}
BENCHMARK(BM_Encode)
    ->Arg(static_cast<int>(ExportFormat::ipfix))
    ->Arg(static_cast<int>(ExportFormat::netflow9))
    ->Arg(static_cast<int>(ExportFormat::netflow5))
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
