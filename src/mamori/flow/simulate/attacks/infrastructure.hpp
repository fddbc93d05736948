#pragma once
// Foreign addresses for planted attacker infrastructure and for the servers
// of benign look-alikes. They come from the address plan's foreign blocks
// that fit the use (C2 servers rent from hosting providers, scanners and bots
// sit on compromised broadband hosts, reflectors are open services anywhere),
// and never coincide with a background server or with each other, so a
// finding that names one of them can only be about what was planted there.
#include <cstdint>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "mamori/flow/simulate/address_plan.hpp"

namespace mamori::flow::sim::attacks {

enum class InfraUse : std::uint8_t {
  c2_hosting,      // rented servers: Hetzner, OVH, LeaseWeb, Amazon, Microsoft, China Telecom, SingNet
  compromised,     // foreign broadband (access) space and cheap hosting: scanners, brute-forcers
  open_service,    // misconfigured servers anywhere abroad: reflectors
  ntp_pool,        // volunteer NTP pool servers (hosting and research networks)
  update_service,  // vendors' update endpoints (Microsoft, Akamai)
  cdn,             // content delivery (Akamai, Cloudflare)
  push_service,    // Apple's push service
};

struct Infra {
  IpAddress address;
  std::uint8_t country = 0;    // index into the address plan
  double rtt_ms = 0.0;         // round trip from a Japanese access network
  std::uint16_t interface = 0; // the transit interface facing it
};

// Router interface of a foreign host: one of three transits, as in the background model.
std::uint16_t transit_interface(std::uint8_t country) noexcept;

// Blocks of the address plan that planted traffic avoids (for attackers,
// look-alike servers, victims and scan targets alike) because a registry-based
// country database does not classify all of them as the plan says: parts are
// unannounced (no country) or registered elsewhere (2406:2000::/32 as US,
// 2001:c90::/32 as JP). Measured against the iptoasn database mamori selects
// with; planting elsewhere keeps every labelled endpoint foreign and every
// victim domestic, so a detector's score does not depend on those gaps.
bool unreliable_for_planting(const Prefix& block) noexcept;

class InfrastructurePool {
 public:
  // `taken`: addresses already in use (the background's servers).
  InfrastructurePool(const AddressPlan& plan, const std::vector<IpAddress>& taken);

  // A fresh address for `use`; IPv6 when asked for and the use has IPv6
  // blocks, IPv4 otherwise.
  Infra allocate(InfraUse use, bool v6, Rng& rng);
  // A fixed, well-known address (e.g. a public resolver) in plan country `country`.
  Infra fixed(IpAddress address, std::uint8_t country, Rng& rng);

  std::size_t allocated() const noexcept { return handed_out_; }

 private:
  struct Block {
    Prefix prefix;
    std::uint8_t country;
    bool hosting;  // servers are numbered with small interface IDs, broadband hosts are not
  };
  std::vector<Block> blocks_for(InfraUse use, bool v6) const;

  AddressPlan plan_;
  std::unordered_set<IpAddress, IpAddressHash> taken_;
  std::size_t handed_out_ = 0;
};

}  // namespace mamori::flow::sim::attacks
