// libFuzzer entry for the packet parser and the flow assembler. The first
// byte picks the link type, the rest is a sequence of frames, each prefixed
// by a one-byte length and a one-byte time step, fed to a tiny flow table so
// that eviction, expiry and deletion paths all run.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "mamori/flow/assemble/flow_assembler.hpp"
#include "mamori/flow/packet/packet_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mamori;
  using namespace mamori::flow;
  if (size < 1) return 0;
  constexpr LinkType kLinks[] = {LinkType::ethernet,   LinkType::raw_ip, LinkType::linux_sll, LinkType::linux_sll2,
                                 LinkType::null_loopback, LinkType::loop,   LinkType::ipv4,      LinkType::ipv6};
  const LinkType link = kLinks[data[0] % 8];
  AssemblerOptions options;
  options.max_flows = 4;
  options.max_life = 30 * kNsPerSecond;
  options.udp_timeout = 5 * kNsPerSecond;
  options.expiry_interval = (data[0] & 0x10) ? 0 : 7 * kNsPerSecond;
  options.clock = (data[0] & 0x20) ? ExpiryClock::softflowd_file : ExpiryClock::packet_time;
  FlowAssembler assembler(options);
  std::vector<FlowRecord> out;
  TimeNs t = 1'000'000'000'000'000'000ULL;
  std::size_t off = 1;
  std::uint64_t ip_packets = 0;
  while (off + 2 <= size) {
    const std::size_t len = data[off];
    t += static_cast<TimeNs>(data[off + 1]) * 250'000'000ULL;
    off += 2;
    const std::size_t n = len < size - off ? len : size - off;
    const Bytes frame = as_bytes(data + off, n);
    off += n;
    PacketSummary s;
    Anomaly why{};
    if (parse_packet(link, frame, s, why)) {
      ++ip_packets;
      if (s.payload_offset > n || s.payload_length > n - s.payload_offset) __builtin_trap();
      if (s.ip_offset + (s.ip_version == 4 ? 20u : 40u) > n) __builtin_trap();
    }
    CapturedPacket p{t, static_cast<std::uint32_t>(n), frame};
    assembler.add_frame(link, p, out);
  }
  assembler.flush(out);
  std::uint64_t packets = 0;
  for (const FlowRecord& r : out) packets += r.packets;
  if (packets != ip_packets || assembler.stats().active_flows != 0) __builtin_trap();
  return 0;
}
