#include "mamori/hub/auth/api_key_secret.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>

#include "mamori/crypto/encoding.hpp"
#include "mamori/crypto/sha256.hpp"

namespace mamori::hub {

namespace {
bool is_hex(std::string_view s) noexcept {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string secret_digest(std::string_view secret_hex) {
  return crypto::hex_encode(crypto::sha256(secret_hex));
}
}  // namespace

Result<NewApiKey> generate_api_key() {
  std::array<std::uint8_t, 8> id{};
  std::array<std::uint8_t, 32> secret{};
  if (RAND_bytes(id.data(), static_cast<int>(id.size())) != 1 ||
      RAND_bytes(secret.data(), static_cast<int>(secret.size())) != 1)
    return fail(Errc::io_error, "no randomness for a new API key");
  NewApiKey k;
  k.record.id = crypto::hex_encode(id);
  const std::string secret_hex = crypto::hex_encode(secret);
  // The digest is over the secret's hex text: the same bytes a client sends.
  k.record.secret_hash = secret_digest(secret_hex);
  k.token = "mk_" + k.record.id + "_" + secret_hex;
  OPENSSL_cleanse(secret.data(), secret.size());
  return k;
}

Result<ParsedToken> parse_api_key_token(std::string_view token) {
  if (token.size() != 3 + 16 + 1 + 64 || !token.starts_with("mk_") || token[19] != '_')
    return fail(Errc::invalid_argument, "malformed API key");
  const auto id = token.substr(3, 16);
  const auto secret = token.substr(20);
  if (!is_hex(id) || !is_hex(secret)) return fail(Errc::invalid_argument, "malformed API key");
  return ParsedToken{std::string(id), secret_digest(secret)};
}

Result<ParsedToken> parse_bearer(std::string_view header) {
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() <= kScheme.size()) return fail(Errc::invalid_argument, "expected 'Authorization: Bearer <key>'");
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if ((header[i] | 0x20) != (kScheme[i] | 0x20)) return fail(Errc::invalid_argument, "expected 'Authorization: Bearer <key>'");
  auto token = header.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return parse_api_key_token(token);
}

bool digest_equal(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace mamori::hub
