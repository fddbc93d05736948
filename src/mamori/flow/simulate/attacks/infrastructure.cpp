#include "mamori/flow/simulate/attacks/infrastructure.hpp"

#include <algorithm>
#include <array>

namespace mamori::flow::sim::attacks {

namespace {

// Hosting providers where attackers rent servers for C2 (cheap, quick to set
// up, or slow to act on abuse reports); content networks such as Apple,
// Google, Meta or the BBC are left out because nobody rents a server there.
constexpr std::array<std::string_view, 7> kRentedHosting = {
    "Hetzner Online", "OVH", "LeaseWeb Netherlands", "Amazon", "Microsoft", "China Telecom (Shanghai)",
    "SingNet (Singtel)"};
constexpr std::array<std::string_view, 4> kNtpPool = {"Hetzner Online", "OVH", "LeaseWeb Netherlands", "SURF"};
constexpr std::array<std::string_view, 2> kUpdates = {"Microsoft", "Akamai"};
constexpr std::array<std::string_view, 2> kCdn = {"Akamai", "Cloudflare"};
constexpr std::array<std::string_view, 1> kPush = {"Apple"};
// Open reflectors also sit on these providers' and national carriers' hosting.
constexpr std::array<std::string_view, 3> kOtherHosting = {"UOL", "Telstra", "KT"};

// Share of random addresses without the plan's country, measured on the
// iptoasn database (4,000 draws each): 126.0.0.0/8 12%, 157.240.0.0/16 8%,
// 104.16.0.0/13 22%, 116.86.0.0/15 10%, 211.234.0.0/15 7%, 90.0.0.0/9 14%,
// 78.192.0.0/10 23%, 177.0.0.0/10 10%, 189.0.0.0/10 14%, 2606:4700::/32 93%,
// 2408:8000::/20 88%, 2804::/16 89%, 2406:2000::/32 and 2001:c90::/32 100%,
// Yandex's blocks 97-100% (RS). Foreign blocks registered in another foreign
// country (Akamai's 23.0.0.0/12 is half NL) are fine: they are still foreign.
constexpr std::array<std::string_view, 16> kUnreliable = {
    "126.0.0.0/8",   "157.240.0.0/16", "104.16.0.0/13",  "116.86.0.0/15",  "211.234.0.0/15",   "90.0.0.0/9",
    "78.192.0.0/10", "177.0.0.0/10",   "189.0.0.0/10",   "2606:4700::/32", "2408:8000::/20",   "2804::/16",
    "2406:2000::/32", "2001:c90::/32", "213.180.192.0/19", "5.255.192.0/18"};

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& names, std::string_view holder) noexcept {
  return std::find(names.begin(), names.end(), holder) != names.end();
}

bool fits(InfraUse use, const AddressBlock& b) noexcept {
  const bool access = b.kind == BlockKind::access;
  switch (use) {
    case InfraUse::c2_hosting: return !access && listed(kRentedHosting, b.holder);
    case InfraUse::compromised: return access || listed(kRentedHosting, b.holder);
    case InfraUse::open_service: return access || listed(kRentedHosting, b.holder) || listed(kOtherHosting, b.holder);
    case InfraUse::ntp_pool: return !access && listed(kNtpPool, b.holder);
    case InfraUse::update_service: return !access && listed(kUpdates, b.holder);
    case InfraUse::cdn: return !access && listed(kCdn, b.holder);
    case InfraUse::push_service: return !access && listed(kPush, b.holder);
  }
  return false;
}

}  // namespace

bool unreliable_for_planting(const Prefix& block) noexcept {
  for (std::string_view text : kUnreliable) {
    auto p = Prefix::parse(text);
    if (p && p->network() == block.network() && p->length() == block.length()) return true;
  }
  return false;
}

std::uint16_t transit_interface(std::uint8_t country) noexcept {
  return country == 0 ? 100 : static_cast<std::uint16_t>(101 + country % 3);
}

InfrastructurePool::InfrastructurePool(const AddressPlan& plan, const std::vector<IpAddress>& taken)
    : plan_(plan), taken_(taken.begin(), taken.end()) {}

std::vector<InfrastructurePool::Block> InfrastructurePool::blocks_for(InfraUse use, bool v6) const {
  std::vector<Block> out;
  const auto countries = plan_.countries();
  for (const AddressBlock& b : default_address_blocks()) {
    if (!fits(use, b)) continue;
    auto prefix = Prefix::parse(b.prefix);
    if (!prefix || prefix->network().is_v4() == v6 || unreliable_for_planting(*prefix)) continue;
    for (std::size_t c = 1; c < countries.size(); ++c) {  // never the home country
      if (countries[c].code == b.country) out.push_back({*prefix, static_cast<std::uint8_t>(c), b.kind == BlockKind::hosting});
    }
  }
  return out;
}

Infra InfrastructurePool::fixed(IpAddress address, std::uint8_t country, Rng& rng) {
  taken_.insert(address);
  ++handed_out_;
  const double rtt = plan_.countries()[country].rtt_ms;
  return {address, country, std::max(1.0, rtt * rng.lognormal(1.0, 0.15)), transit_interface(country)};
}

Infra InfrastructurePool::allocate(InfraUse use, bool v6, Rng& rng) {
  std::vector<Block> blocks = blocks_for(use, v6);
  if (blocks.empty()) blocks = blocks_for(use, false);
  // Every use has IPv4 blocks in the plan (a unit test holds the table to it).
  const Block& block = blocks[rng.below(blocks.size())];
  IpAddress address;
  for (int attempt = 0;; ++attempt) {
    address = random_host(block.prefix, rng, block.hosting);
    if (taken_.insert(address).second || attempt > 1000) break;
  }
  ++handed_out_;
  const double rtt = plan_.countries()[block.country].rtt_ms;
  return {address, block.country, std::max(1.0, rtt * rng.lognormal(1.0, 0.15)), transit_interface(block.country)};
}

}  // namespace mamori::flow::sim::attacks
