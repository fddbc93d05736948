#include "mamori/detect/output/uuid5.hpp"

#include <openssl/evp.h>

namespace mamori::detect {

Result<Uuid> parse_uuid(std::string_view text) {
  Uuid u{};
  std::size_t n = 0;
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '-') continue;
    const int hi = hex(text[i]);
    const int lo = i + 1 < text.size() ? hex(text[i + 1]) : -1;
    if (hi < 0 || lo < 0 || n >= 16) return fail(Errc::parse_error, "'{}' is not a UUID", text);
    u[n++] = static_cast<std::uint8_t>(hi << 4 | lo);
    ++i;
  }
  if (n != 16 || text.size() != 36) return fail(Errc::parse_error, "'{}' is not a UUID", text);
  return u;
}

std::string format_uuid(const Uuid& u) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kHex[u[i] >> 4]);
    s.push_back(kHex[u[i] & 15]);
  }
  return s;
}

Uuid uuid5(const Uuid& name_space, std::string_view name) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha1(), nullptr);
  EVP_DigestUpdate(ctx, name_space.data(), name_space.size());
  EVP_DigestUpdate(ctx, name.data(), name.size());
  EVP_DigestFinal_ex(ctx, digest, &length);
  EVP_MD_CTX_free(ctx);
  Uuid u{};
  for (std::size_t i = 0; i < 16; ++i) u[i] = digest[i];
  u[6] = static_cast<std::uint8_t>((u[6] & 0x0f) | 0x50);  // version 5
  u[8] = static_cast<std::uint8_t>((u[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return u;
}

}  // namespace mamori::detect
