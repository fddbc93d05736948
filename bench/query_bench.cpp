// Benchmarks of the .mflow file, the filter and top-N on realistic synthetic
// flows (a seeded generator: many subscribers, a few thousand servers with
// Zipf popularity, realistic services, sizes and durations, time-ordered).
//
// Besides the Google Benchmark suite, the binary has helper modes used by
// bench/query_vs_nfdump.sh (they run instead of the benchmarks):
//   query_bench --generate=N [--seed=S] [--v4-only] --mflow=PATH [--codec=zstd|lz4] [--level=L]
//               [--v5-port=PORT]        also export the flows as NetFlow v5 to 127.0.0.1:PORT
//   query_bench --scan=PATH --filter=EXPR        time a filtered read (records are materialised)
//   query_bench --top=PATH --by=KEY --order=ORDER [-n=N] [--filter=EXPR]
//   query_bench --inspect=PATH                   stored bytes per column
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "../tests/mamori/flow/filter/netflow_v5_export.hpp"
#include "mamori/flow/aggregate/top_n.hpp"
#include "mamori/flow/filter/filter.hpp"
#include "mamori/flow/filter/mflow_scan.hpp"
#include "mamori/flow/mflow/mflow_reader.hpp"
#include "mamori/flow/mflow/mflow_writer.hpp"

namespace {

using namespace mamori;
using namespace mamori::flow;

struct Service {
  std::uint8_t proto;
  std::uint16_t port;
  double weight;
  double down_bytes_per_packet;  // server -> subscriber
  double up_bytes_per_packet;
  double median_packets;
  double median_duration_ms;
};

// Roughly what an access network's flow export looks like.
constexpr Service kServices[] = {
    {6, 443, 50, 1250, 90, 12, 3000},   // HTTPS
    {17, 443, 14, 1200, 110, 20, 4000},  // QUIC
    {6, 80, 7, 1100, 120, 8, 1500},     // HTTP
    {17, 53, 12, 160, 75, 1, 15},       // DNS
    {17, 123, 2, 76, 76, 1, 0},         // NTP
    {6, 22, 1, 200, 120, 40, 60000},    // SSH
    {6, 993, 1.5, 600, 150, 15, 20000},  // IMAPS
    {6, 587, 0.5, 300, 700, 12, 2000},  // submission
    {1, 0, 2, 84, 84, 1, 0},            // ICMP echo
    {6, 8080, 2, 900, 150, 10, 2000},   // alt HTTP
    {17, 3478, 1, 200, 200, 50, 30000},  // STUN/RTC
    {6, 0, 4, 500, 200, 5, 1000},       // other TCP (random port)
    {17, 0, 3, 300, 300, 3, 500},       // other UDP (random port)
};

class FlowGenerator {
 public:
  FlowGenerator(std::uint64_t seed, bool v4_only) : rng_(seed) {
    subscribers_.reserve(kSubscribers);
    for (std::uint32_t i = 0; i < kSubscribers; ++i) {
      if (!v4_only && i % 5 == 0)  // a fifth of subscribers are IPv6 (a /64 each)
        subscribers_.push_back(IpAddress(0x2001'0db8'1000'0000ULL | i, 0x0000'0000'0000'0001ULL + (rng_() & 0xffff)));
      else
        subscribers_.push_back(IpAddress::v4(0x64400000u + i * 3));  // 100.64.0.0/10 (CGNAT)
    }
    for (std::uint32_t i = 0; i < kServers; ++i)
      servers4_.push_back(IpAddress::v4(static_cast<std::uint32_t>(0x17000000u + (rng_() % 0xa0000000u))));
    for (std::uint32_t i = 0; i < kServers / 4; ++i)
      servers6_.push_back(IpAddress(0x2a00'1450'4000'0000ULL | (rng_() & 0xffffff), rng_() & 0xffff));
    server4_pick_ = zipf(servers4_.size(), 1.0);
    server6_pick_ = zipf(servers6_.size(), 1.0);
    subscriber_pick_ = zipf(subscribers_.size(), 0.5);
    std::vector<double> sw;
    for (const Service& sv : kServices) sw.push_back(sv.weight);
    service_pick_ = std::discrete_distribution<std::size_t>(sw.begin(), sw.end());
  }

  FlowRecord next() {
    FlowRecord f;
    // Poisson arrivals at ~20k flows/s, millisecond timestamps as exporters send them.
    clock_us_ += static_cast<std::uint64_t>(std::exponential_distribution<double>(1.0 / 50.0)(rng_));
    const TimeNs start = kBase + clock_us_ / 1000 * kNsPerMs;
    const Service& sv = kServices[service_pick_(rng_)];
    const IpAddress sub = subscribers_[subscriber_pick_(rng_)];
    const IpAddress srv = sub.is_v4() ? servers4_[server4_pick_(rng_)] : servers6_[server6_pick_(rng_)];
    const bool download = rng_() % 2 == 0;  // half the flows are the server's answers
    std::uint16_t service_port = sv.port != 0 ? sv.port : static_cast<std::uint16_t>(1024 + rng_() % 60000);
    std::uint16_t ephemeral = static_cast<std::uint16_t>(32768 + rng_() % 28232);
    f.proto = sv.proto;
    if (download) {
      f.src_addr = srv, f.dst_addr = sub, f.src_port = service_port, f.dst_port = ephemeral;
      f.input_if = 1, f.output_if = 2, f.direction = Direction::ingress;
    } else {
      f.src_addr = sub, f.dst_addr = srv, f.src_port = ephemeral, f.dst_port = service_port;
      f.input_if = 2, f.output_if = 1, f.direction = Direction::egress;
    }
    if (f.proto == kProtoIcmp) {
      f.src_port = 0;
      f.dst_port = download ? 0 : 8 * 256;  // echo reply / request
    }
    std::lognormal_distribution<double> packets(std::log(sv.median_packets), 1.3);
    f.packets = std::clamp<std::uint64_t>(static_cast<std::uint64_t>(packets(rng_)) + 1, 1, 3'000'000);
    double per_packet = download ? sv.down_bytes_per_packet : sv.up_bytes_per_packet;
    per_packet *= std::uniform_real_distribution<double>(0.7, 1.15)(rng_);
    f.bytes = std::min<std::uint64_t>(static_cast<std::uint64_t>(static_cast<double>(f.packets) * per_packet) + 40,
                                      0xffffffffu);
    double dur = sv.median_duration_ms == 0
                     ? 0
                     : std::lognormal_distribution<double>(std::log(sv.median_duration_ms), 1.2)(rng_);
    if (f.packets == 1) dur = 0;
    f.start_ns = start;
    f.end_ns = start + std::min<std::uint64_t>(static_cast<std::uint64_t>(dur), 300'000) * kNsPerMs;
    if (f.proto == kProtoTcp) {
      static constexpr std::uint8_t kFlags[] = {0x1b, 0x1b, 0x1b, 0x1a, 0x18, 0x10, 0x02, 0x12, 0x14, 0x1f};
      f.tcp_flags = kFlags[rng_() % std::size(kFlags)];
    }
    f.tos = rng_() % 20 == 0 ? 0xb8 : (rng_() % 10 == 0 ? 0x28 : 0);
    f.raw_packets = f.packets;
    f.raw_bytes = f.bytes;
    f.exporter = IpAddress::v4(0xc0000201u);
    f.source = FlowSource::ipfix;
    return f;
  }

  static constexpr TimeNs kBase = 1'717'000'000ULL * kNsPerSecond;

 private:
  static constexpr std::uint32_t kSubscribers = 200'000;
  static constexpr std::uint32_t kServers = 3'000;
  std::mt19937_64 rng_;
  // Popularity falls off as 1 / rank^s.
  static std::discrete_distribution<std::size_t> zipf(std::size_t n, double s) {
    std::vector<double> w(n);
    for (std::size_t k = 0; k < n; ++k) w[k] = 1.0 / std::pow(static_cast<double>(k + 1), s);
    return std::discrete_distribution<std::size_t>(w.begin(), w.end());
  }

  std::vector<IpAddress> subscribers_, servers4_, servers6_;
  std::discrete_distribution<std::size_t> server4_pick_, server6_pick_, subscriber_pick_, service_pick_;
  std::uint64_t clock_us_ = 0;
};

std::vector<FlowRecord> generate(std::size_t n, std::uint64_t seed, bool v4_only) {
  FlowGenerator g(seed, v4_only);
  std::vector<FlowRecord> flows(n);
  for (auto& f : flows) f = g.next();
  return flows;
}

// ---------------------------------------------------------------- shared data set

constexpr std::size_t kBenchFlows = 2'000'000;

struct Dataset {
  std::vector<FlowRecord> flows;
  std::string path;
  std::uint64_t file_size = 0;

  Dataset() : flows(generate(kBenchFlows, 1, false)) {
    path = "/tmp/mamori_query_bench_" + std::to_string(::getpid()) + ".mflow";
    auto w = open_mflow_writer(path);
    if (!w || !(*w)->write(flows) || !(*w)->finish()) std::abort();
    if (FILE* f = std::fopen(path.c_str(), "rb")) {
      std::fseek(f, 0, SEEK_END);
      file_size = static_cast<std::uint64_t>(std::ftell(f));
      std::fclose(f);
    }
  }
  ~Dataset() { std::remove(path.c_str()); }
};

Dataset& dataset() {
  static Dataset d;
  return d;
}

void BM_MflowWrite(benchmark::State& state) {
  const auto& flows = dataset().flows;
  const std::string path = dataset().path + ".w";
  MflowWriterOptions options;
  options.codec = state.range(0) == 0 ? mflow::Codec::zstd : mflow::Codec::lz4;
  options.level = static_cast<int>(state.range(1));
  std::uint64_t size = 0;
  for (auto _ : state) {
    auto w = open_mflow_writer(path, options);
    if (!w || !(*w)->write(flows) || !(*w)->finish()) state.SkipWithError("write failed");
    FILE* f = std::fopen(path.c_str(), "rb");
    std::fseek(f, 0, SEEK_END);
    size = static_cast<std::uint64_t>(std::ftell(f));
    std::fclose(f);
  }
  std::remove(path.c_str());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * flows.size()));
  state.counters["bytes_per_flow"] = static_cast<double>(size) / static_cast<double>(flows.size());
  state.SetLabel(state.range(0) == 0 ? "zstd" : "lz4");
}
BENCHMARK(BM_MflowWrite)->Args({0, 1})->Args({0, 3})->Args({0, 9})->Args({1, 0})->Unit(benchmark::kMillisecond);

void BM_MflowReadAll(benchmark::State& state) {
  const std::string& path = dataset().path;
  std::vector<FlowRecord> batch;
  for (auto _ : state) {
    auto r = MflowReader::open(path);
    std::size_t n = 0;
    for (;;) {
      auto got = r->next_batch(batch);
      if (!got || *got == 0) break;
      n += *got;
    }
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBenchFlows));
}
BENCHMARK(BM_MflowReadAll)->Unit(benchmark::kMillisecond);

const char* const kScanFilters[] = {
    "proto 99",                        // settled by block statistics
    "src ip 203.0.113.9",              // matches nothing, needs the address column
    "dst port 22 and proto tcp",       // selective
    "net 100.64.0.0/16 and bytes > 100k",
    "proto udp and dst port 53",       // ~6% of flows, all records materialised
};

void BM_MflowFilteredRead(benchmark::State& state) {
  const char* expr = kScanFilters[state.range(0)];
  auto filter = Filter::compile(expr);
  std::vector<FlowRecord> batch;
  std::uint64_t matched = 0;
  for (auto _ : state) {
    auto r = MflowReader::open(dataset().path);
    MflowScan scan(*r, &*filter);
    for (;;) {
      auto got = scan.next_batch(batch);
      if (!got || *got == 0) break;
    }
    matched = scan.stats().records_matched;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBenchFlows));
  state.counters["matched"] = static_cast<double>(matched);
  state.SetLabel(expr);
}
BENCHMARK(BM_MflowFilteredRead)->DenseRange(0, 4)->Unit(benchmark::kMillisecond);

void BM_MflowTopN(benchmark::State& state) {
  const TopKey key = static_cast<TopKey>(state.range(0));
  const TopOrder order = static_cast<TopOrder>(state.range(1));
  for (auto _ : state) {
    auto r = MflowReader::open(dataset().path);
    auto result = top_n(*r, key, order, 10);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBenchFlows));
  state.SetLabel(std::string(top_key_name(key)) + "/" + std::string(top_order_name(order)));
}
BENCHMARK(BM_MflowTopN)
    ->Args({static_cast<int>(TopKey::src_ip), static_cast<int>(TopOrder::bytes)})
    ->Args({static_cast<int>(TopKey::dst_ip), static_cast<int>(TopOrder::flows)})
    ->Args({static_cast<int>(TopKey::dst_port), static_cast<int>(TopOrder::packets)})
    ->Args({static_cast<int>(TopKey::pair), static_cast<int>(TopOrder::bytes)})
    ->Unit(benchmark::kMillisecond);

void BM_FilterMatchesPerRecord(benchmark::State& state) {
  const auto& flows = dataset().flows;
  auto filter = Filter::compile("proto tcp and dst port 443 and bytes > 1000 and not net 100.64.0.0/16");
  for (auto _ : state) {
    std::size_t n = 0;
    for (const auto& f : flows) n += filter->matches(f);
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * flows.size()));
}
BENCHMARK(BM_FilterMatchesPerRecord)->Unit(benchmark::kMillisecond);

void BM_FilterSelectColumns(benchmark::State& state) {
  const auto& flows = dataset().flows;
  auto filter = Filter::compile("proto tcp and dst port 443 and bytes > 1000 and not net 100.64.0.0/16");
  constexpr std::size_t kBatch = 65536;
  std::vector<RecordColumns> batches;
  for (std::size_t i = 0; i < flows.size(); i += kBatch) {
    batches.emplace_back(std::span(flows).subspan(i, std::min(kBatch, flows.size() - i)));
    (void)batches.back().require(filter->columns());
  }
  Selection sel;
  for (auto _ : state) {
    std::size_t n = 0;
    for (auto& b : batches) {
      (void)filter->select(b, sel);
      n += sel.count();
    }
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * flows.size()));
}
BENCHMARK(BM_FilterSelectColumns)->Unit(benchmark::kMillisecond);

void BM_TopNRecords(benchmark::State& state) {
  const auto& flows = dataset().flows;
  for (auto _ : state) benchmark::DoNotOptimize(top_n(flows, TopKey::src_ip, TopOrder::bytes, 10));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * flows.size()));
}
BENCHMARK(BM_TopNRecords)->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------- helper modes

std::optional<std::string> arg(int argc, char** argv, std::string_view name) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a.substr(0, name.size()) == name && a.size() > name.size() && a[name.size()] == '=')
      return std::string(a.substr(name.size() + 1));
    if (a == name) return std::string();
  }
  return std::nullopt;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int run_generate(int argc, char** argv) {
  const std::size_t n = std::stoull(*arg(argc, argv, "--generate"));
  const std::uint64_t seed = std::stoull(arg(argc, argv, "--seed").value_or("1"));
  const bool v4_only = arg(argc, argv, "--v4-only").has_value();
  auto flows = generate(n, seed, v4_only);
  if (auto path = arg(argc, argv, "--mflow")) {
    MflowWriterOptions options;
    if (auto c = arg(argc, argv, "--codec")) options.codec = *parse_mflow_codec(*c);
    if (auto l = arg(argc, argv, "--level")) options.level = std::stoi(*l);
    auto w = open_mflow_writer(*path, options);
    if (!w) return std::fprintf(stderr, "%s\n", w.error().message.c_str()), 1;
    if (auto s = (*w)->write(flows); !s) return std::fprintf(stderr, "%s\n", s.error().message.c_str()), 1;
    if (auto s = (*w)->finish(); !s) return std::fprintf(stderr, "%s\n", s.error().message.c_str()), 1;
  }
  if (auto port = arg(argc, argv, "--v5-port")) {
    for (const auto& f : flows)
      if (!testing::v5_representable(f)) return std::fprintf(stderr, "flow not representable in v5\n"), 1;
    TimeNs last = 0;
    for (const auto& f : flows) last = std::max(last, f.end_ns);
    auto datagrams = testing::encode_v5(flows, {}, last + kNsPerSecond);
    if (!testing::send_udp_paced(static_cast<std::uint16_t>(std::stoul(*port)), datagrams, 32,
                                 std::chrono::microseconds(1000)))
      return std::fprintf(stderr, "sending failed\n"), 1;
    std::fprintf(stderr, "sent %zu flows in %zu NetFlow v5 datagrams\n", flows.size(), datagrams.size());
  }
  return 0;
}

int run_scan(int argc, char** argv) {
  auto filter = Filter::compile(arg(argc, argv, "--filter").value_or(""));
  if (!filter) return std::fprintf(stderr, "%s\n", filter.error().message.c_str()), 2;
  auto t0 = std::chrono::steady_clock::now();
  auto r = MflowReader::open(*arg(argc, argv, "--scan"));
  if (!r) return std::fprintf(stderr, "%s\n", r.error().message.c_str()), 1;
  MflowScan scan(*r, &*filter);
  std::vector<FlowRecord> batch;
  for (;;) {
    auto got = scan.next_batch(batch);
    if (!got) return std::fprintf(stderr, "%s\n", got.error().message.c_str()), 1;
    if (*got == 0) break;
  }
  double s = seconds_since(t0);
  std::printf("scanned %llu records, matched %llu, %.3f s, %.1f M records/s, decoded %llu column chunks\n",
              static_cast<unsigned long long>(scan.stats().records_scanned),
              static_cast<unsigned long long>(scan.stats().records_matched), s,
              static_cast<double>(scan.stats().records_scanned) / s / 1e6,
              static_cast<unsigned long long>(r->stats().chunks_decoded));
  return 0;
}

int run_top(int argc, char** argv) {
  auto key = parse_top_key(arg(argc, argv, "--by").value_or("srcip"));
  auto order = parse_top_order(arg(argc, argv, "--order").value_or("bytes"));
  if (!key || !order) return std::fprintf(stderr, "bad --by or --order\n"), 2;
  const std::size_t n = std::stoull(arg(argc, argv, "-n").value_or("10"));
  auto filter = Filter::compile(arg(argc, argv, "--filter").value_or(""));
  if (!filter) return std::fprintf(stderr, "%s\n", filter.error().message.c_str()), 2;
  auto t0 = std::chrono::steady_clock::now();
  auto r = MflowReader::open(*arg(argc, argv, "--top"));
  if (!r) return std::fprintf(stderr, "%s\n", r.error().message.c_str()), 1;
  auto result = top_n(*r, *key, *order, n, &*filter);
  if (!result) return std::fprintf(stderr, "%s\n", result.error().message.c_str()), 1;
  double s = seconds_since(t0);
  for (const auto& row : result->rows)
    std::printf("%-40s %10llu %12llu %16llu %6.2f%%\n", format_top_key(*key, row).c_str(),
                static_cast<unsigned long long>(row.flows), static_cast<unsigned long long>(row.packets),
                static_cast<unsigned long long>(row.bytes), row.share * 100);
  std::printf("%llu flows, %llu distinct keys, %.3f s, %.1f M records/s\n",
              static_cast<unsigned long long>(result->total_flows),
              static_cast<unsigned long long>(result->distinct_keys), s,
              static_cast<double>(r->stats().records) / s / 1e6);
  return 0;
}

int run_inspect(int argc, char** argv) {
  auto r = MflowReader::open(*arg(argc, argv, "--inspect"));
  if (!r) return std::fprintf(stderr, "%s\n", r.error().message.c_str()), 1;
  std::uint64_t sizes[kFlowFieldCount] = {};
  for (;;) {
    auto more = r->next_block();
    if (!more) return std::fprintf(stderr, "%s\n", more.error().message.c_str()), 1;
    if (!*more) break;
    for (std::size_t f = 0; f < kFlowFieldCount; ++f) sizes[f] += r->block().stored_size(static_cast<FlowField>(f));
  }
  const double n = static_cast<double>(r->stats().records);
  for (std::size_t f = 0; f < kFlowFieldCount; ++f)
    std::printf("%-20s %12llu bytes %7.3f bytes/flow\n", std::string(flow_field_name(static_cast<FlowField>(f))).c_str(),
                static_cast<unsigned long long>(sizes[f]), static_cast<double>(sizes[f]) / n);
  std::printf("%llu records in %llu blocks\n", static_cast<unsigned long long>(r->stats().records),
              static_cast<unsigned long long>(r->stats().blocks));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (arg(argc, argv, "--inspect")) return run_inspect(argc, argv);
  if (arg(argc, argv, "--generate")) return run_generate(argc, argv);
  if (arg(argc, argv, "--scan")) return run_scan(argc, argv);
  if (arg(argc, argv, "--top")) return run_top(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  dataset();  // generate and write before timing starts
  std::fprintf(stderr, "data set: %zu flows, .mflow %llu bytes (%.2f bytes/flow)\n", kBenchFlows,
               static_cast<unsigned long long>(dataset().file_size),
               static_cast<double>(dataset().file_size) / static_cast<double>(kBenchFlows));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
