#pragma once
// Crypto-PAn (Xu, Fan, Ammar, Moon 2002): keyed, prefix-preserving
// pseudonymisation of IPv4 and IPv6 addresses. Two addresses that share a
// k-bit prefix map to pseudonyms that share a k-bit prefix, and without the
// key the mapping cannot be reversed; with it, `reverse` re-identifies.
//
// Bit i of the one-time pad is the first bit of AES_K(prefix_i(a) ‖ pad_i),
// so the 32 (IPv4) or 128 (IPv6) AES blocks of one address are independent:
// they go through OpenSSL in one ECB call. Caches of pad bits per /16 and /24
// (IPv4) or /64 (IPv6) prefix skip most of them for real traffic, where
// subscribers share prefixes, and a cache of whole IPv4 addresses skips all
// of them for a subscriber seen before.
#include <array>
#include <cstdint>
#include <memory>
#include <span>

#include "mamori/core/ip_address.hpp"
#include "mamori/core/result.hpp"

namespace mamori::select {

inline constexpr std::size_t kCryptoPanKeySize = 32;

struct CryptoPanStats {
  std::uint64_t addresses = 0;
  std::uint64_t aes_blocks = 0;
  std::uint64_t cache_hits = 0;
};

class CryptoPan {
 public:
  // The first 16 bytes are the AES-128 key, the last 16 the pad secret.
  static Result<CryptoPan> create(std::span<const std::uint8_t, kCryptoPanKeySize> key);
  CryptoPan(CryptoPan&&) noexcept;
  CryptoPan& operator=(CryptoPan&&) noexcept;
  ~CryptoPan();

  IpAddress anonymize(const IpAddress& address);
  IpAddress reverse(const IpAddress& pseudonym);
  // In place, for batches (amortises the cipher context and the cache).
  void anonymize(std::span<IpAddress> addresses);

  std::uint32_t anonymize_v4(std::uint32_t address);
  std::uint32_t reverse_v4(std::uint32_t pseudonym);

  const CryptoPanStats& stats() const noexcept;

 private:
  struct Impl;
  explicit CryptoPan(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mamori::select
