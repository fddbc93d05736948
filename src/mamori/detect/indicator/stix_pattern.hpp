#pragma once
// The part of the STIX 2.1 patterning language that names addresses:
// comparisons of ipv4-addr:value, ipv6-addr:value or network-traffic:
// src_ref/dst_ref.value with `=`, `IN (...)` or `ISSUBSET 'cidr'`, combined
// with OR inside and between observation expressions, e.g.
//
//   [ipv4-addr:value = '198.51.100.7' OR ipv4-addr:value ISSUBSET '203.0.113.0/24']
//   [ipv6-addr:value = '2001:db8::1'] OR [domain-name:value = 'example.com']
//
// Any address in the result makes the whole pattern match, so addresses
// joined with OR to other comparisons still count; anything joined with
// AND, negated, qualified (WITHIN, REPEATS, START/STOP) or FOLLOWEDBY does not
// make an address sufficient, and such a pattern yields no address.
#include <string_view>
#include <vector>

#include "mamori/core/ip_address.hpp"
#include "mamori/core/result.hpp"

namespace mamori::detect {

enum class PatternVerdict : std::uint8_t {
  addresses,    // the prefixes are each sufficient for a match
  no_address,   // a valid pattern, but not one an address alone satisfies
  unparsable,   // not valid STIX patterning (as far as this subset reads it)
};

struct PatternAddresses {
  PatternVerdict verdict = PatternVerdict::no_address;
  std::vector<Prefix> prefixes;
  std::string reason;  // for no_address / unparsable
};

PatternAddresses parse_address_pattern(std::string_view pattern);

}  // namespace mamori::detect
