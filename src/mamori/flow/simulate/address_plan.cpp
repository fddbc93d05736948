#include "mamori/flow/simulate/address_plan.hpp"

#include <array>

namespace mamori::flow::sim {

namespace {

using K = BlockKind;

// Large, long-standing allocations whose registration country is not in doubt
// for a registry-based country database. Cloud providers' regional ranges are
// avoided on purpose: they register in the US wherever the data centre is.
constexpr std::array kBlocks = {
    // Japan: subscribers of the big three access carriers, and domestic hosting.
    AddressBlock{"JP", K::access, "126.0.0.0/8", "SoftBank (Yahoo! BB)"},
    AddressBlock{"JP", K::access, "153.128.0.0/10", "NTT Communications (OCN)"},
    AddressBlock{"JP", K::access, "60.32.0.0/12", "NTT Communications (OCN)"},
    AddressBlock{"JP", K::access, "106.128.0.0/10", "KDDI (au)"},
    AddressBlock{"JP", K::access, "2400:4050::/32", "NTT Communications (OCN)"},
    AddressBlock{"JP", K::access, "240b:10::/32", "SoftBank"},
    AddressBlock{"JP", K::access, "2001:268::/32", "KDDI"},
    AddressBlock{"JP", K::hosting, "183.79.0.0/16", "LY Corporation (Yahoo! JAPAN)"},
    AddressBlock{"JP", K::hosting, "182.22.0.0/16", "LY Corporation (Yahoo! JAPAN)"},
    AddressBlock{"JP", K::hosting, "202.232.0.0/16", "Internet Initiative Japan"},
    AddressBlock{"JP", K::hosting, "133.242.0.0/16", "SAKURA Internet"},
    AddressBlock{"JP", K::hosting, "2406:2000::/32", "LY Corporation (Yahoo! JAPAN)"},
    AddressBlock{"JP", K::hosting, "2001:240::/32", "Internet Initiative Japan"},
    AddressBlock{"JP", K::hosting, "2401:2500::/32", "SAKURA Internet"},
    // United States
    AddressBlock{"US", K::hosting, "17.0.0.0/8", "Apple"},
    AddressBlock{"US", K::hosting, "52.0.0.0/11", "Amazon"},
    AddressBlock{"US", K::hosting, "142.250.0.0/15", "Google"},
    AddressBlock{"US", K::hosting, "157.240.0.0/16", "Meta"},
    AddressBlock{"US", K::hosting, "104.16.0.0/13", "Cloudflare"},
    AddressBlock{"US", K::hosting, "13.64.0.0/11", "Microsoft"},
    AddressBlock{"US", K::hosting, "23.0.0.0/12", "Akamai"},
    AddressBlock{"US", K::hosting, "2600:1f00::/24", "Amazon"},
    AddressBlock{"US", K::hosting, "2607:f8b0::/32", "Google"},
    AddressBlock{"US", K::hosting, "2606:4700::/32", "Cloudflare"},
    AddressBlock{"US", K::hosting, "2620:1ec::/36", "Microsoft"},
    AddressBlock{"US", K::access, "73.0.0.0/8", "Comcast"},
    AddressBlock{"US", K::access, "2601::/20", "Comcast"},
    // Germany
    AddressBlock{"DE", K::hosting, "46.4.0.0/16", "Hetzner Online"},
    AddressBlock{"DE", K::hosting, "88.198.0.0/16", "Hetzner Online"},
    AddressBlock{"DE", K::hosting, "2a01:4f8::/32", "Hetzner Online"},
    AddressBlock{"DE", K::access, "217.0.0.0/13", "Deutsche Telekom"},
    AddressBlock{"DE", K::access, "80.128.0.0/11", "Deutsche Telekom"},
    AddressBlock{"DE", K::access, "2003::/19", "Deutsche Telekom"},
    // Netherlands
    AddressBlock{"NL", K::hosting, "95.211.0.0/16", "LeaseWeb Netherlands"},
    AddressBlock{"NL", K::hosting, "145.100.0.0/15", "SURF"},
    AddressBlock{"NL", K::hosting, "2001:1af8::/32", "LeaseWeb Netherlands"},
    AddressBlock{"NL", K::hosting, "2001:610::/32", "SURF"},
    // Singapore
    AddressBlock{"SG", K::hosting, "165.21.0.0/16", "SingNet (Singtel)"},
    AddressBlock{"SG", K::access, "116.86.0.0/15", "StarHub"},
    AddressBlock{"SG", K::hosting, "2001:c90::/32", "SingNet (Singtel)"},
    AddressBlock{"SG", K::access, "2401:7400::/32", "StarHub"},
    // China
    AddressBlock{"CN", K::hosting, "114.80.0.0/12", "China Telecom (Shanghai)"},
    AddressBlock{"CN", K::access, "180.96.0.0/11", "China Telecom"},
    AddressBlock{"CN", K::access, "123.112.0.0/12", "China Unicom (Beijing)"},
    AddressBlock{"CN", K::hosting, "240e::/20", "China Telecom"},
    AddressBlock{"CN", K::access, "2408:8000::/20", "China Unicom"},
    // South Korea
    AddressBlock{"KR", K::hosting, "125.209.192.0/18", "NAVER"},
    AddressBlock{"KR", K::access, "121.128.0.0/10", "KT"},
    AddressBlock{"KR", K::access, "211.234.0.0/15", "SK Telecom"},
    AddressBlock{"KR", K::hosting, "2001:2d8::/32", "KT"},
    // United Kingdom
    AddressBlock{"GB", K::hosting, "212.58.224.0/19", "BBC"},
    AddressBlock{"GB", K::access, "86.128.0.0/10", "British Telecommunications"},
    AddressBlock{"GB", K::access, "81.128.0.0/11", "British Telecommunications"},
    AddressBlock{"GB", K::hosting, "2a00:23c0::/27", "British Telecommunications"},
    // France
    AddressBlock{"FR", K::hosting, "37.187.0.0/16", "OVH"},
    AddressBlock{"FR", K::hosting, "5.135.0.0/16", "OVH"},
    AddressBlock{"FR", K::hosting, "2001:41d0::/32", "OVH"},
    AddressBlock{"FR", K::access, "90.0.0.0/9", "Orange"},
    AddressBlock{"FR", K::access, "78.192.0.0/10", "Free (Proxad)"},
    AddressBlock{"FR", K::access, "2a01:e00::/26", "Free (Proxad)"},
    // Australia
    AddressBlock{"AU", K::hosting, "101.160.0.0/11", "Telstra"},
    AddressBlock{"AU", K::access, "1.128.0.0/11", "Telstra"},
    AddressBlock{"AU", K::hosting, "2001:8000::/20", "Telstra"},
    // Brazil
    AddressBlock{"BR", K::hosting, "200.147.0.0/16", "UOL"},
    AddressBlock{"BR", K::access, "177.0.0.0/10", "Brazilian ISPs (LACNIC/NIC.br)"},
    AddressBlock{"BR", K::access, "189.0.0.0/10", "Brazilian ISPs (LACNIC/NIC.br)"},
    AddressBlock{"BR", K::hosting, "2804::/16", "Brazilian ISPs (NIC.br)"},
    // Russia
    AddressBlock{"RU", K::hosting, "213.180.192.0/19", "Yandex"},
    AddressBlock{"RU", K::hosting, "5.255.192.0/18", "Yandex"},
    AddressBlock{"RU", K::access, "95.24.0.0/13", "VimpelCom (Beeline)"},
    AddressBlock{"RU", K::hosting, "2a02:6b8::/32", "Yandex"},
};

struct CountryTraits {
  std::string_view code;
  double server_share;
  double rtt_ms;
};

// Where a Japanese subscriber's servers are, and how far away they are.
constexpr std::array kCountries = {
    CountryTraits{"JP", 0.25, 8},  CountryTraits{"US", 0.35, 120}, CountryTraits{"DE", 0.05, 240},
    CountryTraits{"NL", 0.04, 245}, CountryTraits{"SG", 0.05, 70}, CountryTraits{"CN", 0.05, 55},
    CountryTraits{"KR", 0.04, 35}, CountryTraits{"GB", 0.04, 230}, CountryTraits{"FR", 0.04, 235},
    CountryTraits{"AU", 0.03, 115}, CountryTraits{"BR", 0.02, 270}, CountryTraits{"RU", 0.02, 210},
};

}  // namespace

std::span<const AddressBlock> default_address_blocks() noexcept { return kBlocks; }

AddressPlan AddressPlan::japan() {
  AddressPlan plan;
  for (const auto& traits : kCountries) {
    CountryPlan c;
    c.code = traits.code;
    c.server_share = traits.server_share;
    c.rtt_ms = traits.rtt_ms;
    for (const auto& block : kBlocks) {
      if (block.country != traits.code) continue;
      // The table is a compile-time constant covered by a unit test, so a
      // parse failure here is a programming error caught before release.
      auto prefix = Prefix::parse(block.prefix);
      if (!prefix) continue;
      const bool v4 = prefix->is_v4();
      auto& list = block.kind == BlockKind::access ? (v4 ? c.access_v4 : c.access_v6)
                                                   : (v4 ? c.hosting_v4 : c.hosting_v6);
      list.push_back(*prefix);
    }
    plan.countries_.push_back(std::move(c));
  }
  return plan;
}

IpAddress random_host(const Prefix& prefix, Rng& rng, bool low_iid) noexcept {
  const IpAddress& net = prefix.network();
  const unsigned bits = prefix.bits128();
  if (net.is_v4()) {
    const unsigned host_bits = 128 - bits;
    const std::uint32_t host_mask = host_bits >= 32 ? 0xffffffffu : ((1u << host_bits) - 1u);
    std::uint32_t v = net.v4_value() | (static_cast<std::uint32_t>(rng.next()) & host_mask);
    if (host_bits >= 8) {
      // Keep clear of network and broadcast-looking addresses.
      const std::uint32_t last = v & 0xffu;
      if (last == 0 || last == 255) v = (v & ~0xffu) | static_cast<std::uint32_t>(rng.between(1, 254));
    }
    return IpAddress::v4(v);
  }
  auto mask_below = [](unsigned keep) -> std::uint64_t {  // ones in the low (64 - keep) bits
    return keep >= 64 ? 0 : (keep == 0 ? ~0ULL : (~0ULL >> keep));
  };
  std::uint64_t hi = net.hi();
  std::uint64_t lo = net.lo();
  if (bits < 64) hi |= rng.next() & mask_below(bits);
  const unsigned lo_keep = bits > 64 ? bits - 64 : 0;
  const std::uint64_t iid = low_iid ? rng.between(1, 0xffff) : (rng.next() | 1);
  lo |= iid & mask_below(lo_keep);
  return IpAddress(hi, lo);
}

}  // namespace mamori::flow::sim
