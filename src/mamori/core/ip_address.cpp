#include "mamori/core/ip_address.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace mamori {

IpAddress IpAddress::v6(const std::uint8_t* b) noexcept {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  for (int i = 0; i < 8; ++i) hi = (hi << 8) | b[i];
  for (int i = 8; i < 16; ++i) lo = (lo << 8) | b[i];
  return IpAddress(hi, lo);
}

std::array<std::uint8_t, 16> IpAddress::bytes() const noexcept {
  std::array<std::uint8_t, 16> out{};
  for (int i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(hi_ >> (56 - 8 * i));
  for (int i = 0; i < 8; ++i) out[8 + i] = static_cast<std::uint8_t>(lo_ >> (56 - 8 * i));
  return out;
}

Result<IpAddress> IpAddress::parse(std::string_view text) {
  char buf[64];
  if (text.empty() || text.size() >= sizeof buf) {
    return fail(Errc::parse_error, "not an IP address: '{}'", text);
  }
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  if (text.find(':') == std::string_view::npos) {
    in_addr a4{};
    if (inet_pton(AF_INET, buf, &a4) == 1) return IpAddress::v4(ntohl(a4.s_addr));
  } else {
    in6_addr a6{};
    if (inet_pton(AF_INET6, buf, &a6) == 1) return IpAddress::v6(a6.s6_addr);
  }
  return fail(Errc::parse_error, "not an IP address: '{}'", text);
}

namespace {

// Hand-rolled because inet_ntop dominates text output of flows otherwise.
inline char* put_dec_u8(char* out, unsigned v) noexcept {
  if (v >= 100) {
    *out++ = static_cast<char>('0' + v / 100);
    v %= 100;
    *out++ = static_cast<char>('0' + v / 10);
    *out++ = static_cast<char>('0' + v % 10);
  } else if (v >= 10) {
    *out++ = static_cast<char>('0' + v / 10);
    *out++ = static_cast<char>('0' + v % 10);
  } else {
    *out++ = static_cast<char>('0' + v);
  }
  return out;
}

inline char* put_hex_u16(char* out, unsigned v) noexcept {
  static constexpr char kHex[] = "0123456789abcdef";
  bool started = false;
  for (int shift = 12; shift >= 0; shift -= 4) {
    unsigned nibble = (v >> shift) & 0xf;
    if (nibble != 0 || started || shift == 0) {
      *out++ = kHex[nibble];
      started = true;
    }
  }
  return out;
}

}  // namespace

std::size_t IpAddress::format_to(char* out) const noexcept {
  char* p = out;
  if (is_v4()) {
    std::uint32_t v = v4_value();
    p = put_dec_u8(p, v >> 24);
    *p++ = '.';
    p = put_dec_u8(p, (v >> 16) & 0xff);
    *p++ = '.';
    p = put_dec_u8(p, (v >> 8) & 0xff);
    *p++ = '.';
    p = put_dec_u8(p, v & 0xff);
    return static_cast<std::size_t>(p - out);
  }
  unsigned words[8];
  for (int i = 0; i < 4; ++i) words[i] = static_cast<unsigned>((hi_ >> (48 - 16 * i)) & 0xffff);
  for (int i = 0; i < 4; ++i) words[4 + i] = static_cast<unsigned>((lo_ >> (48 - 16 * i)) & 0xffff);
  // RFC 5952: compress the longest run (first if tied) of two or more zero words.
  int best_start = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (words[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && words[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      *p++ = ':';
      if (i == 0) *p++ = ':';
      i += best_len - 1;
      continue;
    }
    p = put_hex_u16(p, words[i]);
    if (i != 7) *p++ = ':';
  }
  return static_cast<std::size_t>(p - out);
}

std::string IpAddress::to_string() const {
  char buf[kMaxTextLength];
  return std::string(buf, format_to(buf));
}

Prefix Prefix::make(IpAddress address, unsigned family_length) noexcept {
  Prefix p;
  unsigned bits = address.is_v4() ? family_length + 96 : family_length;
  if (bits > 128) bits = 128;
  p.bits_ = bits;
  p.mask_hi_ = bits >= 64 ? ~0ULL : (bits == 0 ? 0 : ~0ULL << (64 - bits));
  p.mask_lo_ = bits <= 64 ? 0 : (bits == 128 ? ~0ULL : ~0ULL << (128 - bits));
  p.net_ = IpAddress(address.hi() & p.mask_hi_, address.lo() & p.mask_lo_);
  return p;
}

Result<Prefix> Prefix::parse(std::string_view text) {
  auto slash = text.find('/');
  auto address = IpAddress::parse(text.substr(0, slash));
  if (!address) return fail(Errc::parse_error, "not a prefix: '{}'", text);
  unsigned max_len = address->is_v4() ? 32 : 128;
  unsigned len = max_len;
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return fail(Errc::parse_error, "bad prefix length in '{}'", text);
    len = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return fail(Errc::parse_error, "bad prefix length in '{}'", text);
      len = len * 10 + static_cast<unsigned>(c - '0');
    }
    if (len > max_len) return fail(Errc::parse_error, "prefix length {} too long in '{}'", len, text);
  }
  return make(*address, len);
}

std::string Prefix::to_string() const { return fmt::format("{}/{}", net_.to_string(), length()); }

}  // namespace mamori
