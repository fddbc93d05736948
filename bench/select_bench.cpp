// Selection throughput: country lookup of both ends + direction + Crypto-PAn
// on the domestic side + field stripping, on carrier-like traffic (many
// subscribers behind Japanese prefixes, a few thousand foreign servers).
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "mamori/flow/decode/export_decoder.hpp"
#include "mamori/flow/encode/export_sink.hpp"
#include "mamori/flow/encode/flow_encoder.hpp"
#include "mamori/flow/simulate/background_traffic.hpp"
#include "mamori/select/cryptopan.hpp"
#include "mamori/select/selection_policy.hpp"
#include "mamori/select/selector.hpp"

namespace {

using namespace mamori;
using namespace mamori::select;

std::shared_ptr<const CountryTable> countries() {
  static std::shared_ptr<const CountryTable> table = [] {
    auto t = CountryTable::load_mmdb(MAMORI_COUNTRY_DB);
    if (!t) std::abort();
    return std::make_shared<CountryTable>(std::move(*t));
  }();
  return table;
}

std::vector<flow::FlowRecord> traffic(std::size_t n) {
  std::mt19937_64 rng(1);
  // Real Japanese subscriber space and real foreign server space.
  const std::uint32_t jp[] = {0x7e000000u /*126/8*/, 0x99000000u /*153/8*/, 0x3c000000u /*60/8*/};
  std::vector<std::uint32_t> servers;
  for (int i = 0; i < 4000; ++i) {
    const std::uint32_t bases[] = {0x08080000u, 0x0d000000u, 0x17000000u, 0x22000000u, 0x2d000000u, 0x68000000u};
    servers.push_back(bases[rng() % 6] | static_cast<std::uint32_t>(rng() & 0xffff));
  }
  std::vector<flow::FlowRecord> out(n);
  for (auto& f : out) {
    const std::uint32_t sub = jp[rng() % 3] | static_cast<std::uint32_t>(rng() % 200000);
    const std::uint32_t srv = servers[rng() % servers.size()];
    const bool up = rng() & 1;
    f.src_addr = IpAddress::v4(up ? sub : srv);
    f.dst_addr = IpAddress::v4(up ? srv : sub);
    f.src_port = up ? static_cast<std::uint16_t>(32768 + rng() % 28000) : 443;
    f.dst_port = up ? 443 : static_cast<std::uint16_t>(32768 + rng() % 28000);
    f.proto = 6;
    f.packets = rng() % 100;
    f.bytes = f.packets * 700;
    f.start_ns = 1'780'000'000'000'000'000ULL + rng() % 1'000'000'000'000ULL;
    f.end_ns = f.start_ns + rng() % 10'000'000'000ULL;
  }
  // One in ten is domestic-to-domestic.
  for (std::size_t i = 0; i < n; i += 10) out[i].dst_addr = IpAddress::v4(0x7e010101u);
  return out;
}

SelectionPolicy policy() {
  auto p = parse_selection_policy(R"(
[selection_policy]
id = "bench"
version = 1
directions = ["foreign_to_domestic", "domestic_to_foreign", "foreign_to_foreign"]
fields = ["start_ns", "end_ns", "src_addr", "dst_addr", "src_port", "dst_port", "proto", "packets", "bytes", "tcp_flags"]
pseudonymisation_key_id = "k"
valid_from = "2026-01-01T00:00:00Z"
valid_until = "2027-01-01T00:00:00Z"
retention = "730d"
legal_basis = "bench"
)");
  if (!p) std::abort();
  return *p;
}

std::array<std::uint8_t, 32> key() {
  std::array<std::uint8_t, 32> k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(i * 11 + 3);
  return k;
}

void BM_Select(benchmark::State& state) {
  const auto in = traffic(1'000'000);
  Selector selector(policy(), countries(), *CryptoPan::create(key()));
  std::vector<flow::FlowRecord> out;
  out.reserve(in.size());
  std::uint64_t records = 0;
  for (auto _ : state) {
    out.clear();
    SelectionCounts counts;
    selector.select(in, out, counts);
    records += in.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["records/s"] = benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Select)->Unit(benchmark::kMillisecond);

void BM_CountryLookup(benchmark::State& state) {
  const auto in = traffic(1'000'000);
  const auto table = countries();
  std::uint64_t n = 0;
  for (auto _ : state) {
    unsigned sum = 0;
    for (const auto& f : in) sum += table->lookup(f.src_addr) + table->lookup(f.dst_addr);
    benchmark::DoNotOptimize(sum);
    n += 2 * in.size();
  }
  state.counters["lookups/s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CountryLookup)->Unit(benchmark::kMillisecond);

void BM_CryptoPanUncached(benchmark::State& state) {
  auto pan = *CryptoPan::create(key());
  std::mt19937 rng(3);
  std::uint64_t n = 0;
  for (auto _ : state) {
    std::uint32_t x = 0;
    // Random addresses defeat the prefix caches: the cost of all 32 AES blocks.
    for (int i = 0; i < 100000; ++i) x ^= pan.anonymize_v4(static_cast<std::uint32_t>(rng()));
    benchmark::DoNotOptimize(x);
    n += 100000;
  }
  state.counters["addresses/s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CryptoPanUncached)->Unit(benchmark::kMillisecond);

// Simulated carrier traffic (the product's simulator, 200k subscribers) as
// IPFIX datagrams in memory, so that decode alone and decode + select are
// measured on the same bytes in one run.
const flow::MemorySink& simulated_ipfix() {
  static flow::MemorySink sink = [] {
    flow::sim::BackgroundConfig config;
    config.seed = 11;
    config.subscribers = 200'000;
    config.servers = 20'000;
    config.flows_per_second = 100'000;
    config.start_ns = 1'748'862'000ULL * kNsPerSecond;
    auto source = flow::sim::BackgroundTraffic::create(config);
    if (!source) std::abort();
    flow::sim::TrafficMix mix(flow::sim::MixLimits{config.start_ns, flow::sim::kNever, 1'000'000, 8192});
    mix.add(std::move(*source));
    flow::MemorySink out;
    auto encoder = flow::make_flow_encoder(flow::ExportFormat::ipfix, {}, out);
    if (!encoder) std::abort();
    flow::sim::FlowBatch batch;
    while (mix.next(batch)) {
      if (!(*encoder)->add(batch.flows)) std::abort();
    }
    if (!(*encoder)->flush()) std::abort();
    return out;
  }();
  return sink;
}

template <bool kSelect>
void decode_and_maybe_select(benchmark::State& state) {
  const auto& datagrams = simulated_ipfix().datagrams;
  Selector selector(policy(), countries(), *CryptoPan::create(key()));
  std::vector<flow::FlowRecord> decoded, selected;
  std::uint64_t records = 0, kept = 0;
  for (auto _ : state) {
    flow::ExportDecoder decoder;
    SelectionCounts counts;
    for (const auto& d : datagrams) {
      decoded.clear();
      decoder.decode(flow::ExportDatagram{IpAddress::v4(0x7f000001), d.export_time_ns, d.bytes}, decoded);
      records += decoded.size();
      if constexpr (kSelect) {
        selected.clear();
        selector.select(decoded, selected, counts);
        benchmark::DoNotOptimize(selected.data());
      }
    }
    kept += counts.kept;
  }
  state.counters["records/s"] = benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
  state.counters["kept"] = static_cast<double>(kept) / static_cast<double>(state.iterations());
}

void BM_DecodeIpfixSimulated(benchmark::State& state) { decode_and_maybe_select<false>(state); }
void BM_DecodeAndSelectSimulated(benchmark::State& state) { decode_and_maybe_select<true>(state); }
BENCHMARK(BM_DecodeIpfixSimulated)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeAndSelectSimulated)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
