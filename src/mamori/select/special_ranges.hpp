#pragma once
// IANA special-purpose address ranges (RFC 6890 registries for IPv4 and
// IPv6, plus multicast and reserved space). Traffic to or from them never
// counts as foreign: they are private, local, documentation or not routable.
#include <span>

#include "mamori/core/ip_address.hpp"

namespace mamori::select {

struct SpecialRange {
  const char* prefix;
  const char* name;
};

std::span<const SpecialRange> special_purpose_ranges() noexcept;

}  // namespace mamori::select
