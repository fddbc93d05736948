// Throughput of the flow core: frames/s through parse + assemble, and sFlow
// datagrams/s through the decoder. Inputs are built in memory so that the
// numbers measure our code, not the disk or libpcap.
//
//   build/bench/assemble_bench --benchmark_counters_tabular=true
// Set MAMORI_BENCH_CAPTURE=FILE to also time a real capture (read into memory first).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "../tests/mamori/flow/packet/frame_builder.hpp"
#include "mamori/flow/assemble/flow_assembler.hpp"
#include "mamori/flow/capture/pcap_file.hpp"
#include "mamori/flow/decode/sflow.hpp"
#include "mamori/flow/packet/packet_parser.hpp"

namespace {

using namespace mamori;
using namespace mamori::flow;
using namespace mamori::test;

// Frames back to back in one buffer, as a capture file or ring buffer holds them.
struct Traffic {
  std::vector<std::byte> buffer;
  std::vector<std::pair<std::size_t, std::size_t>> frames;  // offset, length
  void push_back(const Frame& f) {
    frames.emplace_back(buffer.size(), f.size());
    buffer.insert(buffer.end(), f.begin(), f.end());
  }
  std::size_t size() const noexcept { return frames.size(); }
  Bytes operator[](std::size_t i) const noexcept { return Bytes(buffer.data() + frames[i].first, frames[i].second); }
};

// A traffic mix over `keys` conversations: 70% TCP, 25% UDP, 5% ICMP; both
// directions; a tenth IPv6; Zipf-like popularity so some flows are long.
Traffic traffic(std::size_t frames, std::size_t keys, unsigned seed = 1) {
  std::mt19937_64 rng(seed);
  Traffic out;
  out.frames.reserve(frames);
  for (std::size_t i = 0; i < frames; ++i) {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    const auto k = static_cast<std::uint32_t>(static_cast<double>(keys) * u * u);
    const bool reply = (rng() & 1) != 0;
    const unsigned kind = k % 20;
    const std::string a = "10." + std::to_string((k >> 16) & 0xff) + "." + std::to_string((k >> 8) & 0xff) + "." +
                          std::to_string(k & 0xff);
    const char* b = "203.0.113.80";
    const auto sport = static_cast<std::uint16_t>(1024 + k % 50000);
    Frame l3;
    if (kind == 0) {
      l3 = ipv4(reply ? b : a.c_str(), reply ? a.c_str() : b, kProtoIcmp, icmp(reply ? 0 : 8, 0));
      out.push_back(ethernet(l3));
    } else if (kind <= 2) {
      const std::string a6 = "2001:db8::" + std::to_string(k % 9999);
      l3 = ipv6(reply ? "2001:db8:ffff::1" : a6.c_str(), reply ? a6.c_str() : "2001:db8:ffff::1", kProtoTcp,
                reply ? tcp(443, sport, 0x10, 200) : tcp(sport, 443, 0x18, 60));
      out.push_back(ethernet(l3, 0x86dd));
    } else if (kind <= 7) {
      l3 = ipv4(reply ? b : a.c_str(), reply ? a.c_str() : b, kProtoUdp, reply ? udp(53, sport, 120) : udp(sport, 53, 40));
      out.push_back(ethernet(l3));
    } else {
      l3 = ipv4(reply ? b : a.c_str(), reply ? a.c_str() : b, kProtoTcp,
                reply ? tcp(443, sport, 0x10, 1200) : tcp(sport, 443, 0x10, 0));
      out.push_back(ethernet(l3));
    }
  }
  return out;
}

void BM_ParsePacket(benchmark::State& state) {
  const auto frames = traffic(1 << 12, 50000);  // ~400 KB: in cache, so this times the parser, not DRAM
  PacketSummary s;
  Anomaly why{};
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(parse_packet(LinkType::ethernet, frames[i++ & (frames.size() - 1)], s, why));
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParsePacket);

// Arg 0: distinct conversations; arg 1: max_flows. A small table forces evictions.
void BM_ParseAndAssemble(benchmark::State& state) {
  const auto frames = traffic(1 << 18, static_cast<std::size_t>(state.range(0)));
  AssemblerOptions options;
  options.max_flows = static_cast<std::size_t>(state.range(1));
  std::vector<FlowRecord> out;
  out.reserve(1 << 16);
  std::uint64_t emitted = 0;
  TimeNs t = 1'700'000'000ULL * kNsPerSecond;
  for (auto _ : state) {
    FlowAssembler assembler(options);
    for (std::size_t i = 0; i < frames.size(); ++i) {
      t += 20'000;  // 50k frames per second of capture time
      const Bytes f = frames[i];
      CapturedPacket p{t, static_cast<std::uint32_t>(f.size()), f};
      assembler.add_frame(LinkType::ethernet, p, out);
      if (out.size() > (1 << 15)) {
        emitted += out.size();
        out.clear();
      }
    }
    assembler.flush(out);
    emitted += out.size();
    out.clear();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(frames.size()));
  state.counters["records"] = benchmark::Counter(static_cast<double>(emitted), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_ParseAndAssemble)->Args({1000, 8192})->Args({100000, 8192})->Args({100000, 262144})
    ->Unit(benchmark::kMillisecond);

void BM_AssembleCapture(benchmark::State& state) {
  const char* path = std::getenv("MAMORI_BENCH_CAPTURE");
  if (path == nullptr) {
    state.SkipWithError("set MAMORI_BENCH_CAPTURE=FILE");
    return;
  }
  auto file = PcapFile::open(path);
  if (!file) {
    state.SkipWithError(file.error().message.c_str());
    return;
  }
  std::vector<std::pair<TimeNs, Frame>> frames;
  CapturedPacket p;
  while (true) {
    auto more = file->next(p);
    if (!more || !*more) break;
    frames.emplace_back(p.timestamp_ns, Frame(p.data.begin(), p.data.end()));
  }
  const auto link = static_cast<LinkType>(file->link_type());
  std::vector<FlowRecord> out;
  for (auto _ : state) {
    FlowAssembler assembler;
    for (const auto& [t, f] : frames) {
      CapturedPacket c{t, static_cast<std::uint32_t>(f.size()), bytes(f)};
      assembler.add_frame(link, c, out);
    }
    assembler.flush(out);
    benchmark::DoNotOptimize(out.data());
    out.clear();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(frames.size()));
}
BENCHMARK(BM_AssembleCapture)->Unit(benchmark::kMillisecond);

// A datagram as a switch sends it: `samples` expanded flow samples, each a
// 128-byte raw Ethernet header plus an extended switch record.
Frame sflow_datagram(int samples) {
  Frame d;
  put32(d, 5);
  put32(d, 1);
  put32(d, 0xc0000201);
  put32(d, 0);
  put32(d, 1);
  put32(d, 1000);
  put32(d, static_cast<std::uint32_t>(samples));
  for (int i = 0; i < samples; ++i) {
    Frame header = ethernet(ipv4("198.51.100.1", "203.0.113.2", kProtoTcp, tcp(443, static_cast<std::uint16_t>(40000 + i), 0x10, 1400)),
                            0x0800, {0x8100'0064});
    header.resize(128);
    Frame rec;
    put32(rec, 1);     // raw header
    put32(rec, 16 + 128);
    put32(rec, 1);     // Ethernet
    put32(rec, 1518);
    put32(rec, 4);
    put32(rec, 128);
    append(rec, header);
    put32(rec, 1001);  // extended switch
    put32(rec, 16);
    for (int k = 0; k < 4; ++k) put32(rec, 100);
    Frame body;
    for (std::uint32_t v : {1u, 0u, 7u, 4096u, 123456u, 0u, 0u, 3u, 0u, 5u, 2u}) put32(body, v);
    append(body, rec);
    put32(d, 3);
    put32(d, static_cast<std::uint32_t>(body.size()));
    append(d, body);
  }
  return d;
}

void BM_SflowDecode(benchmark::State& state) {
  const Frame d = sflow_datagram(static_cast<int>(state.range(0)));
  std::vector<FlowRecord> out;
  out.reserve(64);
  AnomalyCounters anomalies;
  SflowStats stats;
  for (auto _ : state) {
    out.clear();
    decode_sflow(bytes(d), 1, out, anomalies, stats);
    benchmark::DoNotOptimize(out.data());
  }
  if (out.size() != static_cast<std::size_t>(state.range(0))) state.SkipWithError("decoder dropped samples");
  state.SetItemsProcessed(state.iterations());
  state.counters["samples/s"] = benchmark::Counter(static_cast<double>(state.iterations() * state.range(0)),
                                                   benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SflowDecode)->Arg(1)->Arg(8);

}  // namespace

BENCHMARK_MAIN();
