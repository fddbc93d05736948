#pragma once
// A flow as detectors see it: oriented (who initiated, who responded) and
// with the foreign endpoint known, so that state can be keyed by it.
#include <cstdint>
#include <span>

#include "mamori/core/ip_address.hpp"
#include "mamori/flow/flow_record.hpp"

namespace mamori::detect {

struct FlowEvent {
  const flow::FlowRecord* flow = nullptr;
  IpAddress initiator;  // the client side
  IpAddress responder;  // the server side
  std::uint16_t initiator_port = 0;
  std::uint16_t responder_port = 0;
  bool initiator_is_src = true;  // the record runs initiator -> responder
  bool initiator_foreign = false;
  bool responder_foreign = false;
  // Equal ports and no SYN to go by (NTP's symmetric mode 123<->123, IKE
  // 500<->500): which side initiated is a guess, and the two records of one
  // exchange both look like initiations.
  bool orientation_guessed = false;
  // Whether foreignness is known (selected data, or a --home classifier);
  // without it both flags are false and every server looks domestic.
  bool locality_known = false;
  // The key that decides which worker sees this flow: the foreign endpoint,
  // or the responder when both or neither end is foreign.
  IpAddress shard_key;
  // sketch::hash_address of each end and pair_hash_of(initiator_hash,
  // responder_hash, responder_port, proto), computed once here: every detector keys its
  // state by these, and would otherwise mix the same addresses again.
  std::uint64_t initiator_hash = 0;
  std::uint64_t responder_hash = 0;
  std::uint64_t pair_hash = 0;
  // Whether the engine's worker saw an earlier record of the same pair
  // (1/0), from one first-contact filter for all detectors; -1 outside the
  // engine (see sketch/pair_admission.hpp).
  std::int8_t pair_seen = -1;
};

// The hash of a (client, server, server port, protocol) pair that pair-keyed
// detector state and FlowEvent::pair_hash use, from the ends'
// sketch::hash_address values (FlowEvent::initiator_hash, responder_hash).
std::uint64_t pair_hash_of(std::uint64_t initiator_hash, std::uint64_t responder_hash, std::uint16_t port,
                           std::uint8_t proto) noexcept;

// Decides which ends are foreign for flows whose locality is unknown
// (unselected data, e.g. a carrier's own use of `mamori detect --home CC`).
class LocalityClassifier {
 public:
  virtual ~LocalityClassifier() = default;
  virtual bool is_domestic(const IpAddress& address) const noexcept = 0;
};

// Orients one flow. Initiator/responder come from the ports (a well-known or
// lower port is the service), TCP flags where they decide, and ICMP type.
FlowEvent orient(const flow::FlowRecord& flow, const LocalityClassifier* classifier) noexcept;

}  // namespace mamori::detect
