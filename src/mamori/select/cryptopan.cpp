#include "mamori/select/cryptopan.hpp"

#include <openssl/evp.h>

#include <cstring>
#include <vector>

namespace mamori::select {

namespace {

using Block = std::array<std::uint8_t, 16>;

// 128-bit helpers on (hi, lo) big-endian halves.
struct U128 {
  std::uint64_t hi = 0, lo = 0;
};

inline U128 load128(const std::uint8_t* p) noexcept {
  U128 v;
  for (int i = 0; i < 8; ++i) v.hi = (v.hi << 8) | p[i];
  for (int i = 8; i < 16; ++i) v.lo = (v.lo << 8) | p[i];
  return v;
}

inline void store128(U128 v, std::uint8_t* p) noexcept {
  for (int i = 7; i >= 0; --i) {
    p[i] = static_cast<std::uint8_t>(v.hi);
    v.hi >>= 8;
  }
  for (int i = 15; i >= 8; --i) {
    p[i] = static_cast<std::uint8_t>(v.lo);
    v.lo >>= 8;
  }
}

// Mask of the first `bits` bits of a 128-bit value.
inline U128 prefix_mask(unsigned bits) noexcept {
  U128 m;
  if (bits >= 128) return U128{~0ULL, ~0ULL};
  if (bits >= 64) {
    m.hi = ~0ULL;
    m.lo = bits == 64 ? 0 : ~0ULL << (128 - bits);
  } else {
    m.hi = bits == 0 ? 0 : ~0ULL << (64 - bits);
  }
  return m;
}

// Small direct-mapped caches of pad bits for address prefixes. Collisions
// just overwrite: the cache only saves work, it never changes a result.
template <class Key, class Value, std::size_t N>
struct PrefixCache {
  struct Slot {
    Key key{};
    Value value{};
    bool used = false;
  };
  std::vector<Slot> slots = std::vector<Slot>(N);
  static std::size_t index(std::uint64_t h) noexcept {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return static_cast<std::size_t>(h & (N - 1));
  }
};

}  // namespace

struct CryptoPan::Impl {
  EVP_CIPHER_CTX* ctx = nullptr;
  Block pad{};
  U128 pad128;
  std::uint32_t pad32 = 0;
  CryptoPanStats stats;
  std::vector<std::uint8_t> in, out;
  // IPv4: pad bits 0..23 for each /24 (bits 0..15 for each /16 come with it).
  PrefixCache<std::uint32_t, std::uint32_t, 1u << 16> v4_cache24;
  PrefixCache<std::uint32_t, std::uint32_t, 1u << 12> v4_cache16;
  // IPv6: pad bits 0..63 for each /64.
  PrefixCache<std::uint64_t, std::uint64_t, 1u << 14> v6_cache64;
  // Whole addresses: a subscriber appears in many flows, so most lookups end here.
  PrefixCache<std::uint32_t, std::uint32_t, 1u << 18> v4_addresses;
  PrefixCache<U128, U128, 1u << 16> v6_addresses;

  ~Impl() {
    if (ctx != nullptr) EVP_CIPHER_CTX_free(ctx);
  }

  void encrypt(std::size_t blocks) {
    int n = 0;
    EVP_EncryptUpdate(ctx, out.data(), &n, in.data(), static_cast<int>(blocks * 16));
    stats.aes_blocks += blocks;
  }

  // Pad bits [from, to) of a 32-bit address: bit i = MSB of AES(a[0..i) ‖ pad[i..128)).
  std::uint32_t v4_pad_bits(std::uint32_t a, unsigned from, unsigned to) {
    const std::size_t blocks = to - from;
    for (unsigned pos = from; pos < to; ++pos) {
      std::uint8_t* b = in.data() + (pos - from) * 16;
      std::memcpy(b, pad.data(), 16);
      const std::uint32_t keep = pos == 0 ? 0 : ~0u << (32 - pos);
      const std::uint32_t first = (a & keep) | (pad32 & ~keep);
      b[0] = static_cast<std::uint8_t>(first >> 24);
      b[1] = static_cast<std::uint8_t>(first >> 16);
      b[2] = static_cast<std::uint8_t>(first >> 8);
      b[3] = static_cast<std::uint8_t>(first);
    }
    encrypt(blocks);
    std::uint32_t bits = 0;
    for (unsigned pos = from; pos < to; ++pos) {
      bits |= static_cast<std::uint32_t>(out[(pos - from) * 16] >> 7) << (31 - pos);
    }
    return bits;
  }

  std::uint32_t v4_otp(std::uint32_t a) {
    ++stats.addresses;
    const std::uint32_t p24 = a >> 8;
    auto& s24 = v4_cache24.slots[decltype(v4_cache24)::index(p24)];
    std::uint32_t high;
    if (s24.used && s24.key == p24) {
      ++stats.cache_hits;
      high = s24.value;
    } else {
      const std::uint32_t p16 = a >> 16;
      auto& s16 = v4_cache16.slots[decltype(v4_cache16)::index(p16)];
      std::uint32_t bits16;
      if (s16.used && s16.key == p16) {
        bits16 = s16.value;
      } else {
        bits16 = v4_pad_bits(a, 0, 16);
        s16 = {p16, bits16, true};
      }
      high = bits16 | v4_pad_bits(a, 16, 24);
      s24 = {p24, high, true};
    }
    return high | v4_pad_bits(a, 24, 32);
  }

  U128 v6_pad_bits(U128 a, unsigned from, unsigned to) {
    const std::size_t blocks = to - from;
    for (unsigned pos = from; pos < to; ++pos) {
      const U128 keep = prefix_mask(pos);
      const U128 first{(a.hi & keep.hi) | (pad128.hi & ~keep.hi), (a.lo & keep.lo) | (pad128.lo & ~keep.lo)};
      store128(first, in.data() + (pos - from) * 16);
    }
    encrypt(blocks);
    U128 bits;
    for (unsigned pos = from; pos < to; ++pos) {
      const std::uint64_t bit = out[(pos - from) * 16] >> 7;
      if (pos < 64) bits.hi |= bit << (63 - pos);
      else bits.lo |= bit << (127 - pos);
    }
    return bits;
  }

  U128 v6_otp(U128 a) {
    ++stats.addresses;
    auto& slot = v6_cache64.slots[decltype(v6_cache64)::index(a.hi)];
    U128 bits;
    if (slot.used && slot.key == a.hi) {
      ++stats.cache_hits;
      bits.hi = slot.value;
    } else {
      bits.hi = v6_pad_bits(a, 0, 64).hi;
      slot = {a.hi, bits.hi, true};
    }
    bits.lo = v6_pad_bits(a, 64, 128).lo;
    return bits;
  }
};

CryptoPan::CryptoPan(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CryptoPan::CryptoPan(CryptoPan&&) noexcept = default;
CryptoPan& CryptoPan::operator=(CryptoPan&&) noexcept = default;
CryptoPan::~CryptoPan() = default;

Result<CryptoPan> CryptoPan::create(std::span<const std::uint8_t, kCryptoPanKeySize> key) {
  auto impl = std::make_unique<Impl>();
  impl->ctx = EVP_CIPHER_CTX_new();
  if (impl->ctx == nullptr ||
      EVP_EncryptInit_ex(impl->ctx, EVP_aes_128_ecb(), nullptr, key.data(), nullptr) != 1) {
    return fail(Errc::invalid_argument, "Crypto-PAn: cannot initialise AES-128");
  }
  EVP_CIPHER_CTX_set_padding(impl->ctx, 0);
  impl->in.resize(128 * 16);
  impl->out.resize(128 * 16 + 16);
  // The pad is the encryption of the key's second half.
  std::memcpy(impl->in.data(), key.data() + 16, 16);
  impl->encrypt(1);
  impl->stats.aes_blocks = 0;
  std::memcpy(impl->pad.data(), impl->out.data(), 16);
  impl->pad128 = load128(impl->pad.data());
  impl->pad32 = static_cast<std::uint32_t>(impl->pad128.hi >> 32);
  return CryptoPan(std::move(impl));
}

std::uint32_t CryptoPan::anonymize_v4(std::uint32_t address) {
  auto& slot = impl_->v4_addresses.slots[decltype(impl_->v4_addresses)::index(address)];
  if (slot.used && slot.key == address) {
    ++impl_->stats.addresses;
    ++impl_->stats.cache_hits;
    return slot.value;
  }
  const std::uint32_t pseudonym = address ^ impl_->v4_otp(address);
  slot = {address, pseudonym, true};
  return pseudonym;
}

std::uint32_t CryptoPan::reverse_v4(std::uint32_t pseudonym) {
  // Pad bit i depends only on the first i bits of the original, so they are
  // recovered one at a time (32 AES blocks, no cache: re-identification is rare).
  std::uint32_t original = 0;
  for (unsigned pos = 0; pos < 32; ++pos) {
    const std::uint32_t bit = impl_->v4_pad_bits(original, pos, pos + 1);
    original |= (pseudonym ^ bit) & (1u << (31 - pos));
  }
  return original;
}

IpAddress CryptoPan::anonymize(const IpAddress& a) {
  if (a.is_v4()) return IpAddress::v4(anonymize_v4(a.v4_value()));
  auto& slot = impl_->v6_addresses.slots[decltype(impl_->v6_addresses)::index(a.hi() ^ (a.lo() * 0x9e3779b97f4a7c15ULL))];
  if (slot.used && slot.key.hi == a.hi() && slot.key.lo == a.lo()) {
    ++impl_->stats.addresses;
    ++impl_->stats.cache_hits;
    return IpAddress(slot.value.hi, slot.value.lo);
  }
  const U128 otp = impl_->v6_otp(U128{a.hi(), a.lo()});
  const IpAddress pseudonym(a.hi() ^ otp.hi, a.lo() ^ otp.lo);
  slot = {U128{a.hi(), a.lo()}, U128{pseudonym.hi(), pseudonym.lo()}, true};
  return pseudonym;
}

IpAddress CryptoPan::reverse(const IpAddress& p) {
  if (p.is_v4()) return IpAddress::v4(reverse_v4(p.v4_value()));
  U128 original;
  for (unsigned pos = 0; pos < 128; ++pos) {
    const U128 bit = impl_->v6_pad_bits(original, pos, pos + 1);
    if (pos < 64) original.hi |= (p.hi() ^ bit.hi) & (1ULL << (63 - pos));
    else original.lo |= (p.lo() ^ bit.lo) & (1ULL << (127 - pos));
  }
  return IpAddress(original.hi, original.lo);
}

void CryptoPan::anonymize(std::span<IpAddress> addresses) {
  for (auto& a : addresses) a = anonymize(a);
}

const CryptoPanStats& CryptoPan::stats() const noexcept { return impl_->stats; }

}  // namespace mamori::select
