#pragma once
// A ledger entry and its leaf: what happened (kind), who did it (actor), when,
// and a small JSON body of hashes and counts — never personal data (R-LED 2).
//
// Leaf data, the bytes hashed into the tree (all integers big-endian):
//   u8  version = 1
//   u64 index          position in the log, so an entry cannot move unnoticed
//   u64 time_ns        nanoseconds since the Unix epoch, UTC
//   u32 len ‖ kind     e.g. "policy.approved"
//   u32 len ‖ actor    e.g. "overseer:commission-1"
//   u32 len ‖ body     canonical JSON (see canonicalize_body)
// leaf hash = SHA-256(0x00 ‖ leaf data)   (RFC 9162)
#include <cstdint>
#include <string>
#include <string_view>

#include "mamori/core/result.hpp"
#include "mamori/core/time.hpp"
#include "mamori/ledger/merkle.hpp"

namespace mamori::ledger {

inline constexpr std::size_t kMaxKindSize = 64;
inline constexpr std::size_t kMaxActorSize = 128;
inline constexpr std::size_t kMaxBodySize = 16 * 1024;

// Kinds the platform records; others are allowed if well-formed.
namespace kinds {
inline constexpr std::string_view policy_approved = "policy.approved";
inline constexpr std::string_view selection_started = "selection.started";
inline constexpr std::string_view selection_batch = "selection.batch";
inline constexpr std::string_view selection_stopped = "selection.stopped";
inline constexpr std::string_view pseudonym_reidentified = "pseudonym.reidentified";
inline constexpr std::string_view analysis_finding = "analysis.finding";
inline constexpr std::string_view report_access = "report.access";
inline constexpr std::string_view sharing_sent = "sharing.sent";
inline constexpr std::string_view retention_disposed = "retention.disposed";
inline constexpr std::string_view action_approved = "action.approved";
inline constexpr std::string_view action_executed = "action.executed";
}  // namespace kinds

struct Entry {
  std::uint64_t index = 0;
  TimeNs time = 0;
  std::string kind;
  std::string actor;
  std::string body;  // canonical JSON
};

// Dot-separated lowercase words: [a-z][a-z0-9_]* ( "." [a-z][a-z0-9_]* )+
Status validate_kind(std::string_view kind);
// A role or key name, not a person's details: [A-Za-z0-9._:/-], 1..128 bytes.
Status validate_actor(std::string_view actor);

// Parses a JSON object and returns its canonical form: keys sorted bytewise,
// no whitespace, integers only (counts), strings of at most 256 bytes (hashes,
// identifiers), keys [A-Za-z0-9_.-]; depth <= 8; at most kMaxBodySize bytes.
// Strings that look like personal data (IP addresses, e-mail addresses) are
// rejected: a body carries their hashes, never the values.
Result<std::string> canonicalize_body(std::string_view json);

// Appends the leaf data of `entry` to `out`.
void serialize_leaf(const Entry& entry, std::string& out);
Hash entry_leaf_hash(const Entry& entry);

}  // namespace mamori::ledger
