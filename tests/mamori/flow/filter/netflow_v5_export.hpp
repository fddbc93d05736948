#pragma once
// A minimal NetFlow v5 exporter, used to feed the same flows to nfcapd that
// mamori reads from .mflow (the differential filter test and
// bench/query_vs_nfdump.sh). v5 carries IPv4 5-tuples, 32-bit counters,
// millisecond times, 16-bit interfaces, TCP flags, TOS and two 16-bit AS
// numbers, which the tests use to carry a record id.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <span>
#include <thread>
#include <vector>

#include "mamori/core/byte_reader.hpp"
#include "mamori/flow/flow_record.hpp"

namespace mamori::flow::testing {

inline constexpr std::size_t kV5MaxRecords = 30;

// Whether v5 can carry `f` without loss (what mamori reads back from nfdump).
inline bool v5_representable(const FlowRecord& f) {
  return f.src_addr.is_v4() && f.dst_addr.is_v4() && f.packets <= 0xffffffffu && f.bytes <= 0xffffffffu &&
         f.start_ns % kNsPerMs == 0 && f.end_ns % kNsPerMs == 0 && f.end_ns >= f.start_ns && f.input_if <= 0xffff &&
         f.output_if <= 0xffff;
}

// Encodes flows into v5 datagrams. All datagrams claim to be exported at
// `export_ns`, which must not precede any flow's end; `ids` (optional) go
// into src_as (high 16 bits) and dst_as (low 16 bits).
inline std::vector<std::vector<std::byte>> encode_v5(std::span<const FlowRecord> flows,
                                                     std::span<const std::uint32_t> ids, TimeNs export_ns) {
  constexpr std::uint32_t kUptimeMs = 1'000'000'000;  // a router up for ~11.5 days
  const std::uint64_t export_ms = export_ns / kNsPerMs;
  std::vector<std::vector<std::byte>> out;
  std::uint32_t sequence = 0;
  for (std::size_t first = 0; first < flows.size(); first += kV5MaxRecords) {
    const std::size_t count = std::min(kV5MaxRecords, flows.size() - first);
    std::vector<std::byte> d(24 + 48 * count);
    std::byte* p = d.data();
    store_be16(p, 5);
    store_be16(p + 2, static_cast<std::uint16_t>(count));
    store_be32(p + 4, kUptimeMs);
    store_be32(p + 8, static_cast<std::uint32_t>(export_ms / 1000));
    store_be32(p + 12, static_cast<std::uint32_t>(export_ms % 1000 * 1'000'000));
    store_be32(p + 16, sequence);
    sequence += static_cast<std::uint32_t>(count);
    for (std::size_t i = 0; i < count; ++i) {
      const FlowRecord& f = flows[first + i];
      const std::uint32_t id = ids.empty() ? 0 : ids[first + i];
      std::byte* r = p + 24 + 48 * i;
      store_be32(r, f.src_addr.v4_value());
      store_be32(r + 4, f.dst_addr.v4_value());
      store_be32(r + 8, 0);
      store_be16(r + 12, static_cast<std::uint16_t>(f.input_if));
      store_be16(r + 14, static_cast<std::uint16_t>(f.output_if));
      store_be32(r + 16, static_cast<std::uint32_t>(f.packets));
      store_be32(r + 20, static_cast<std::uint32_t>(f.bytes));
      store_be32(r + 24, static_cast<std::uint32_t>(kUptimeMs - (export_ms - f.start_ns / kNsPerMs)));
      store_be32(r + 28, static_cast<std::uint32_t>(kUptimeMs - (export_ms - f.end_ns / kNsPerMs)));
      store_be16(r + 32, f.src_port);
      store_be16(r + 34, f.dst_port);
      r[36] = std::byte{0};
      r[37] = std::byte{f.tcp_flags};
      r[38] = std::byte{f.proto};
      r[39] = std::byte{f.tos};
      store_be16(r + 40, static_cast<std::uint16_t>(id >> 16));
      store_be16(r + 42, static_cast<std::uint16_t>(id & 0xffff));
      r[44] = std::byte{0};
      r[45] = std::byte{0};
      store_be16(r + 46, 0);
    }
    out.push_back(std::move(d));
  }
  return out;
}

// Sends datagrams to 127.0.0.1:port, pacing so that a collector keeps up.
inline bool send_udp_paced(std::uint16_t port, const std::vector<std::vector<std::byte>>& datagrams,
                           std::size_t burst = 64, std::chrono::microseconds pause = std::chrono::microseconds(2000)) {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return false;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = true;
  for (std::size_t i = 0; i < datagrams.size() && ok; ++i) {
    const auto& d = datagrams[i];
    ok = ::sendto(fd, d.data(), d.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to) ==
         static_cast<ssize_t>(d.size());
    if ((i + 1) % burst == 0) std::this_thread::sleep_for(pause);
  }
  ::close(fd);
  return ok;
}

}  // namespace mamori::flow::testing
