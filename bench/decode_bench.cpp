// Decoder throughput on in-memory IPFIX and NetFlow v9 datagrams (records/s
// on one core). The capture-file path is measured by bench/flows_vs_nfdump.sh.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "mamori/core/byte_reader.hpp"
#include "mamori/flow/decode/export_decoder.hpp"
#include "mamori/flow/decode/information_elements.hpp"

namespace {

using namespace mamori;
using namespace mamori::flow;

struct Buf {
  std::vector<std::byte> b;
  void u8(std::uint8_t v) { b.push_back(std::byte{v}); }
  void u16(std::uint16_t v) {
    u8(static_cast<std::uint8_t>(v >> 8));
    u8(static_cast<std::uint8_t>(v));
  }
  void u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v));
  }
  void u64(std::uint64_t v) {
    u32(static_cast<std::uint32_t>(v >> 32));
    u32(static_cast<std::uint32_t>(v));
  }
};

constexpr std::uint16_t kFields[][2] = {
    {ie::sourceIPv4Address, 4}, {ie::destinationIPv4Address, 4}, {ie::sourceTransportPort, 2},
    {ie::destinationTransportPort, 2}, {ie::protocolIdentifier, 1}, {ie::tcpControlBits, 1},
    {ie::ipClassOfService, 1}, {ie::packetDeltaCount, 4}, {ie::octetDeltaCount, 8},
    {ie::flowStartMilliseconds, 8}, {ie::flowEndMilliseconds, 8}, {ie::ingressInterface, 4},
    {ie::egressInterface, 4}};

// One template message, then data messages of `per_packet` records each.
std::vector<std::vector<std::byte>> make_ipfix(std::size_t packets, std::size_t per_packet) {
  std::mt19937 rng(42);
  std::vector<std::vector<std::byte>> out;
  Buf t;
  t.u16(10);
  t.u16(0);
  t.u32(1700000000);
  t.u32(0);
  t.u32(1);
  t.u16(2);
  t.u16(static_cast<std::uint16_t>(4 + 4 + 4 * std::size(kFields)));
  t.u16(256);
  t.u16(static_cast<std::uint16_t>(std::size(kFields)));
  for (auto& f : kFields) {
    t.u16(f[0]);
    t.u16(f[1]);
  }
  store_be16(t.b.data() + 2, static_cast<std::uint16_t>(t.b.size()));
  out.push_back(t.b);
  for (std::size_t p = 0; p < packets; ++p) {
    Buf d;
    d.u16(10);
    d.u16(0);
    d.u32(1700000000);
    d.u32(static_cast<std::uint32_t>(p * per_packet));
    d.u32(1);
    d.u16(256);
    d.u16(static_cast<std::uint16_t>(4 + per_packet * 51));
    for (std::size_t r = 0; r < per_packet; ++r) {
      d.u32(rng());
      d.u32(rng());
      d.u16(static_cast<std::uint16_t>(rng()));
      d.u16(443);
      d.u8(6);
      d.u8(0x1b);
      d.u8(0);
      d.u32(rng() % 100);
      d.u64(rng() % 100000);
      d.u64(1700000000000ULL - rng() % 60000);
      d.u64(1700000000000ULL);
      d.u32(1);
      d.u32(2);
    }
    store_be16(d.b.data() + 2, static_cast<std::uint16_t>(d.b.size()));
    out.push_back(d.b);
  }
  return out;
}

void BM_DecodeIpfix(benchmark::State& state) {
  const auto messages = make_ipfix(1000, 27);
  std::vector<FlowRecord> out;
  out.reserve(64);
  std::uint64_t records = 0;
  for (auto _ : state) {
    ExportDecoder decoder;
    for (const auto& m : messages) {
      out.clear();
      decoder.decode(ExportDatagram{IpAddress::v4(0x7f000001), 0, m}, out);
      records += out.size();
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.counters["records/s"] = benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DecodeIpfix)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
