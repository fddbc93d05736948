#pragma once
// Hashes for sketch keys. Sketches need well-mixed 64-bit values (HyperLogLog
// reads leading zeros, tables read low bits), so every key goes through a
// full avalanche finaliser rather than std::hash.
#include <cstdint>

#include "mamori/core/ip_address.hpp"

namespace mamori::detect::sketch {

// The murmur3/splitmix64 finaliser: every input bit affects every output bit.
constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

constexpr std::uint64_t hash_combine(std::uint64_t seed, std::uint64_t value) noexcept {
  return mix64(seed ^ (value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2)));
}

constexpr std::uint64_t hash_address(const IpAddress& a, std::uint64_t seed = 0) noexcept {
  return hash_combine(hash_combine(seed, a.hi()), a.lo());
}

}  // namespace mamori::detect::sketch
