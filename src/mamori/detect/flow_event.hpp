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
};

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
