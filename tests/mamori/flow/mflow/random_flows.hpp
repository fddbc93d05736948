#pragma once
// Seeded random flows for mflow, filter and top-N tests: mixed address
// families, every field populated, including edge values.
#include <cstdint>
#include <random>
#include <vector>

#include "mamori/flow/flow_record.hpp"

namespace mamori::flow::testing {

struct RandomFlowOptions {
  bool ipv6 = true;         // mix IPv6 flows in
  bool edge_values = true;  // occasional extreme counters and times
  std::size_t hosts = 200;  // distinct addresses per side
};

inline IpAddress random_host(std::mt19937_64& rng, std::size_t pool, bool v6) {
  std::uint64_t h = rng() % pool;
  if (v6) return IpAddress(0x20010db800000000ULL | (h >> 8), 0x1000 + (h & 0xff));
  return IpAddress::v4(0x0a000000u | static_cast<std::uint32_t>(h * 37 % 0xffffff));
}

inline std::vector<FlowRecord> random_flows(std::size_t n, std::uint64_t seed, RandomFlowOptions o = {}) {
  std::mt19937_64 rng(seed);
  std::vector<FlowRecord> out;
  out.reserve(n);
  TimeNs t = 1'700'000'000ULL * kNsPerSecond;
  const std::uint8_t protos[] = {6, 6, 6, 17, 17, 1, 58, 47, 50, 132};
  const std::uint16_t ports[] = {80, 443, 53, 22, 25, 123, 8080, 3389};
  for (std::size_t i = 0; i < n; ++i) {
    FlowRecord f;
    t += (rng() % 5000) * kNsPerMs / 10;
    f.start_ns = t - (rng() % 3 == 0 ? (rng() % 1000) * kNsPerMs : 0);
    f.end_ns = f.start_ns + (rng() % 4 == 0 ? 0 : (rng() % 120000) * kNsPerMs + (rng() % 2) * (rng() % 1000));
    const bool v6 = o.ipv6 && rng() % 4 == 0;
    f.src_addr = random_host(rng, o.hosts, v6);
    f.dst_addr = random_host(rng, o.hosts, v6);
    f.proto = protos[rng() % std::size(protos)];
    if (f.proto == kProtoIcmp || f.proto == kProtoIcmpV6) {
      f.src_port = 0;
      f.dst_port = static_cast<std::uint16_t>((rng() % 12) * 256 + rng() % 4);
    } else {
      f.src_port = rng() % 3 == 0 ? ports[rng() % std::size(ports)] : static_cast<std::uint16_t>(1024 + rng() % 64000);
      f.dst_port = rng() % 3 != 0 ? ports[rng() % std::size(ports)] : static_cast<std::uint16_t>(rng() % 65536);
    }
    f.tcp_flags = f.proto == kProtoTcp ? static_cast<std::uint8_t>(rng() % 256) : 0;
    f.tos = rng() % 5 == 0 ? static_cast<std::uint8_t>(rng() % 256) : 0;
    f.raw_packets = 1 + rng() % 2000;
    f.raw_bytes = f.raw_packets * (40 + rng() % 1460);
    f.sampling_rate = rng() % 10 == 0 ? 1000 : 1;
    f.packets = f.raw_packets * f.sampling_rate;
    f.bytes = f.raw_bytes * f.sampling_rate;
    f.exporter = rng() % 50 == 0 ? IpAddress::v4(0xc0000202u) : IpAddress::v4(0xc0000201u);
    f.observation_domain = rng() % 50 == 0 ? 7 : 0;
    f.input_if = static_cast<std::uint32_t>(rng() % 8);
    f.output_if = static_cast<std::uint32_t>(rng() % 8);
    f.direction = static_cast<Direction>(rng() % 3);
    f.source = rng() % 2 ? FlowSource::ipfix : FlowSource::netflow9;
    if (o.edge_values && rng() % 97 == 0) {
      f.packets = ~0ULL - rng() % 10;
      f.bytes = ~0ULL;
      f.raw_bytes = 0;
      f.end_ns = f.start_ns - 5;  // end before start must survive unchanged
      f.input_if = 0xffffffffu;
      f.sampling_rate = 0;
    }
    out.push_back(f);
  }
  return out;
}

}  // namespace mamori::flow::testing
