#pragma once
// What one oriented flow record says about a connection, from metadata only.
// Exporters (softflowd, routers) send one record per direction with the
// direction's cumulative TCP flags; long flows are cut into several records
// by the active timeout. These rules decide which record counts as a new
// connection and whether a connection attempt was answered.
#include <cstdint>

#include "mamori/core/time.hpp"
#include "mamori/detect/flow_event.hpp"

namespace mamori::detect::sketch {

inline constexpr std::uint8_t kTcpFin = 0x01;
inline constexpr std::uint8_t kTcpSyn = 0x02;
inline constexpr std::uint8_t kTcpRst = 0x04;
inline constexpr std::uint8_t kTcpAck = 0x10;

// Records without TCP flags (UDP, exporters that omit flags) that last this
// long are pieces of a session, not contacts: an exporter cuts a QUIC video
// or a VPN tunnel into back-to-back records of its active timeout (60 s,
// 300 s, 1800 s are common), each of which would otherwise be a perfectly
// regular "connection". Check-ins, probes and logins are over in seconds.
inline constexpr TimeNs kSessionPieceNs = 30 * kNsPerSecond;

// The initiator's record of a new connection. A TCP record with flags but
// no SYN is the continuation of a flow cut by the active timeout: counting
// it would turn every long-lived session into a perfect "beacon" at the
// exporter's timeout. Records without flags count unless they are long
// enough to be such pieces themselves.
inline bool opens_connection(const FlowEvent& e) noexcept {
  if (!e.initiator_is_src) return false;
  const flow::FlowRecord& f = *e.flow;
  if (f.proto == flow::kProtoTcp && f.tcp_flags != 0) return (f.tcp_flags & kTcpSyn) != 0;
  return f.end_ns < f.start_ns + kSessionPieceNs;
}

enum class AttemptOutcome : std::uint8_t { unknown, answered, failed };

// Whether a TCP connection attempt was answered. The initiator's record has
// ACK once the handshake completed, so SYN without ACK means no SYN-ACK came
// (silence or a RST). The responder's record decides too: SYN+ACK answered,
// a RST without SYN refused. Other protocols: unknown (one record cannot say
// whether the other direction exists).
inline AttemptOutcome tcp_attempt_outcome(const FlowEvent& e) noexcept {
  const flow::FlowRecord& f = *e.flow;
  if (f.proto != flow::kProtoTcp || f.tcp_flags == 0) return AttemptOutcome::unknown;
  const std::uint8_t flags = f.tcp_flags;
  if (e.initiator_is_src) {
    if ((flags & kTcpSyn) == 0) return AttemptOutcome::unknown;  // a continuation record
    return (flags & kTcpAck) != 0 ? AttemptOutcome::answered : AttemptOutcome::failed;
  }
  if ((flags & (kTcpSyn | kTcpAck)) == (kTcpSyn | kTcpAck)) return AttemptOutcome::answered;
  if ((flags & kTcpRst) != 0 && (flags & kTcpSyn) == 0) return AttemptOutcome::failed;
  return AttemptOutcome::unknown;
}

// NTP exchanges: UDP/123 with NTP-sized packets (48-byte payload: 76 B over
// IPv4, 96 B over IPv6, up to 124 B with extension fields). Pools are polled
// on timers by many clients with identical sizes, so they look like beacons
// and like fan-in; detectors discount them.
inline bool ntp_shaped(const flow::FlowRecord& f, std::uint16_t server_port) noexcept {
  if (f.proto != flow::kProtoUdp || server_port != 123 || f.packets == 0) return false;
  const std::uint64_t per_packet = f.bytes / f.packets;
  return per_packet >= 76 && per_packet <= 124;
}

// The end that behavioural state is kept for when a detector follows
// servers: the responder, unless only the initiator is foreign (a foreign
// client of a domestic service, which no server-side detector reports).
inline bool responder_is_candidate_server(const FlowEvent& e) noexcept {
  return e.responder_foreign || !e.initiator_foreign;
}

}  // namespace mamori::detect::sketch
