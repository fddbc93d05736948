#pragma once
// One address type for IPv4 and IPv6. IPv4 is held as the IPv4-mapped IPv6
// address (::ffff:a.b.c.d) so that every comparison, hash and prefix test is
// the same two 64-bit integer operations for both families.
#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "mamori/core/result.hpp"

namespace mamori {

class IpAddress {
 public:
  constexpr IpAddress() noexcept = default;
  constexpr IpAddress(std::uint64_t hi, std::uint64_t lo) noexcept : hi_(hi), lo_(lo) {}

  static constexpr IpAddress v4(std::uint32_t host_order) noexcept {
    return IpAddress(0, kV4MappedTag | host_order);
  }
  // 16 bytes in network order.
  static IpAddress v6(const std::uint8_t* bytes) noexcept;
  static IpAddress v6(const std::byte* bytes) noexcept {
    return v6(reinterpret_cast<const std::uint8_t*>(bytes));
  }
  static Result<IpAddress> parse(std::string_view text);

  constexpr bool is_v4() const noexcept { return hi_ == 0 && (lo_ >> 32) == 0xffffu; }
  constexpr bool is_unspecified() const noexcept { return hi_ == 0 && lo_ == 0; }
  constexpr std::uint32_t v4_value() const noexcept { return static_cast<std::uint32_t>(lo_); }
  constexpr std::uint64_t hi() const noexcept { return hi_; }
  constexpr std::uint64_t lo() const noexcept { return lo_; }
  std::array<std::uint8_t, 16> bytes() const noexcept;

  // Writes the canonical text form (RFC 5952 for IPv6) and returns its length.
  // `out` must hold at least kMaxTextLength bytes.
  static constexpr std::size_t kMaxTextLength = 46;
  std::size_t format_to(char* out) const noexcept;
  std::string to_string() const;

  friend constexpr auto operator<=>(const IpAddress&, const IpAddress&) noexcept = default;

 private:
  static constexpr std::uint64_t kV4MappedTag = 0x0000ffff00000000ULL;
  std::uint64_t hi_ = 0;
  std::uint64_t lo_ = 0;
};

struct IpAddressHash {
  std::size_t operator()(const IpAddress& a) const noexcept {
    // Fold both halves through a multiplicative mix; addresses differ mostly in the low bits.
    std::uint64_t h = a.hi() * 0x9e3779b97f4a7c15ULL ^ a.lo();
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 32;
    return static_cast<std::size_t>(h);
  }
};

// A CIDR prefix. The length counts bits of the 128-bit form, so an IPv4 /24
// is stored as /120; `length()` reports the family-relative value.
class Prefix {
 public:
  constexpr Prefix() noexcept = default;
  static Result<Prefix> parse(std::string_view text);
  static Prefix make(IpAddress address, unsigned family_length) noexcept;

  bool contains(const IpAddress& a) const noexcept {
    return ((a.hi() & mask_hi_) == net_.hi()) && ((a.lo() & mask_lo_) == net_.lo());
  }
  const IpAddress& network() const noexcept { return net_; }
  unsigned length() const noexcept { return net_.is_v4() ? bits_ - 96 : bits_; }
  unsigned bits128() const noexcept { return bits_; }
  bool is_v4() const noexcept { return net_.is_v4(); }
  std::string to_string() const;

  friend bool operator==(const Prefix& a, const Prefix& b) noexcept {
    return a.net_ == b.net_ && a.bits_ == b.bits_;
  }

 private:
  IpAddress net_;
  std::uint64_t mask_hi_ = 0;
  std::uint64_t mask_lo_ = 0;
  unsigned bits_ = 0;
};

}  // namespace mamori
