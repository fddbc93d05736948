#pragma once
// What one oriented flow record says about a connection, from metadata only.
// Exporters (softflowd, routers) send one record per direction with the
// direction's cumulative TCP flags; long flows are cut into several records
// by the active timeout. These rules decide which record counts as a new
// connection and whether a connection attempt was answered.
#include <cstdint>

#include "mamori/detect/flow_event.hpp"

namespace mamori::detect::sketch {

inline constexpr std::uint8_t kTcpFin = 0x01;
inline constexpr std::uint8_t kTcpSyn = 0x02;
inline constexpr std::uint8_t kTcpRst = 0x04;
inline constexpr std::uint8_t kTcpAck = 0x10;

// The initiator's record of a new connection. A TCP record with flags but
// no SYN is the continuation of a flow cut by the active timeout: counting
// it would turn every long-lived session into a perfect "beacon" at the
// exporter's timeout. Records without flags (exporters that omit them) count.
inline bool opens_connection(const FlowEvent& e) noexcept {
  if (!e.initiator_is_src) return false;
  const flow::FlowRecord& f = *e.flow;
  if (f.proto == flow::kProtoTcp && f.tcp_flags != 0) return (f.tcp_flags & kTcpSyn) != 0;
  return true;
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

// The end that behavioural state is kept for when a detector follows
// servers: the responder, unless only the initiator is foreign (a foreign
// client of a domestic service, which no server-side detector reports).
inline bool responder_is_candidate_server(const FlowEvent& e) noexcept {
  return e.responder_foreign || !e.initiator_foreign;
}

}  // namespace mamori::detect::sketch
