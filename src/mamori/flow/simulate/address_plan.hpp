#pragma once
// Where simulated hosts live: real, large allocations per country, so that a
// country lookup on simulated flows classifies them plausibly. The list and
// its holders are documented in docs/simulator.md; keep the two in step.
#include <span>
#include <string_view>
#include <vector>

#include "mamori/core/ip_address.hpp"
#include "mamori/flow/simulate/random.hpp"

namespace mamori::flow::sim {

enum class BlockKind : std::uint8_t {
  access,   // residential broadband and mobile: subscribers, and foreign clients
  hosting,  // data centres, CDNs, content networks: servers
};

struct AddressBlock {
  std::string_view country;  // ISO 3166-1 alpha-2
  BlockKind kind;
  std::string_view prefix;
  std::string_view holder;  // who holds it, for the documentation
};

// Every block the default plan draws from.
std::span<const AddressBlock> default_address_blocks() noexcept;

struct CountryPlan {
  std::string_view code;
  double server_share = 0.0;  // share of the server pool placed in this country
  double rtt_ms = 0.0;        // typical round trip from a Japanese access network
  std::vector<Prefix> access_v4, access_v6, hosting_v4, hosting_v6;
};

// Countries with their parsed blocks. The first entry is the home country.
class AddressPlan {
 public:
  // Japan as home, servers spread over JP, US, DE, NL, SG, CN, KR, GB, FR, AU, BR, RU.
  static AddressPlan japan();

  const CountryPlan& home() const noexcept { return countries_.front(); }
  std::span<const CountryPlan> countries() const noexcept { return countries_; }

 private:
  std::vector<CountryPlan> countries_;
};

// A uniformly random host address inside `prefix`. IPv4 avoids .0 and .255 in
// the last octet; IPv6 with `low_iid` keeps the interface ID small (::1..::ffff),
// as servers are usually numbered, otherwise draws a random (privacy-style) one.
IpAddress random_host(const Prefix& prefix, Rng& rng, bool low_iid = false) noexcept;

}  // namespace mamori::flow::sim
