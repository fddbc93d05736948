#include "mamori/crypto/keys.hpp"

#include <sodium.h>

#include <cstring>

#include "mamori/crypto/encoding.hpp"

namespace mamori::crypto {

namespace {

bool sodium_ready() noexcept {
  // sodium_init is idempotent and thread-safe; it returns 1 when already initialised.
  static const bool ready = sodium_init() >= 0;
  return ready;
}

// Unicode spaces that can appear in UTF-8 text: ASCII ones plus the encoded
// forms of U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F,
// U+205F and U+3000.
bool has_unicode_space(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || (c >= 0x09 && c <= 0x0d)) return true;
    if (c == 0xc2 && i + 1 < s.size()) {
      auto d = static_cast<unsigned char>(s[i + 1]);
      if (d == 0x85 || d == 0xa0) return true;
    }
    if (c == 0xe1 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x9a &&
        static_cast<unsigned char>(s[i + 2]) == 0x80)
      return true;
    if (c == 0xe2 && i + 2 < s.size()) {
      auto d = static_cast<unsigned char>(s[i + 1]);
      auto e = static_cast<unsigned char>(s[i + 2]);
      if (d == 0x80 && (e <= 0x8a || e == 0xa8 || e == 0xa9 || e == 0xaf)) return true;
      if (d == 0x81 && e == 0x9f) return true;
    }
    if (c == 0xe3 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        static_cast<unsigned char>(s[i + 2]) == 0x80)
      return true;
  }
  return false;
}

Result<std::uint32_t> parse_key_id(std::string_view hex) {
  if (hex.size() != 8) return fail(Errc::parse_error, "key ID must be 8 hex digits");
  auto bytes = hex_decode(hex);
  if (!bytes) return fail(Errc::parse_error, "key ID must be 8 hex digits");
  return (std::uint32_t{(*bytes)[0]} << 24) | (std::uint32_t{(*bytes)[1]} << 16) | (std::uint32_t{(*bytes)[2]} << 8) |
         (*bytes)[3];
}

}  // namespace

Status validate_key_name(std::string_view name) {
  if (name.empty()) return fail(Errc::invalid_argument, "key name is empty");
  if (name.size() > 256) return fail(Errc::invalid_argument, "key name is longer than 256 bytes");
  if (name.find('+') != std::string_view::npos) return fail(Errc::invalid_argument, "key name must not contain '+'");
  if (has_unicode_space(name)) return fail(Errc::invalid_argument, "key name must not contain spaces");
  for (char c : name)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return fail(Errc::invalid_argument, "key name must not contain control characters");
  return {};
}

std::uint32_t compute_key_id(std::string_view name, std::uint8_t type, const PublicKey& key) noexcept {
  Sha256 h;
  h.update(name);
  h.update("\n", 1);
  h.update(&type, 1);
  h.update(key.data(), key.size());
  Hash d = h.finish();
  return (std::uint32_t{d[0]} << 24) | (std::uint32_t{d[1]} << 16) | (std::uint32_t{d[2]} << 8) | d[3];
}

VerifierKey VerifierKey::make(std::string name, std::uint8_t type, const PublicKey& key) {
  VerifierKey v;
  v.id = compute_key_id(name, type, key);
  v.name = std::move(name);
  v.type = type;
  v.key = key;
  return v;
}

Result<VerifierKey> VerifierKey::parse(std::string_view vkey) {
  while (!vkey.empty() && (vkey.back() == '\n' || vkey.back() == '\r')) vkey.remove_suffix(1);
  // The base64 key may itself contain '+': split at the first two only.
  auto p1 = vkey.find('+');
  auto p2 = p1 == std::string_view::npos ? p1 : vkey.find('+', p1 + 1);
  if (p2 == std::string_view::npos)
    return fail(Errc::parse_error, "verifier key must have the form <name>+<hex key ID>+<base64 key>");
  std::string_view name = vkey.substr(0, p1);
  if (auto ok = validate_key_name(name); !ok) return fail(Errc::parse_error, "verifier key: {}", ok.error().message);
  auto id = parse_key_id(vkey.substr(p1 + 1, p2 - p1 - 1));
  if (!id) return fail(Errc::parse_error, "verifier key: {}", id.error().message);
  auto raw = base64_decode(vkey.substr(p2 + 1));
  if (!raw) return fail(Errc::parse_error, "verifier key: {}", raw.error().message);
  if (raw->empty()) return fail(Errc::parse_error, "verifier key: empty key material");
  std::uint8_t type = (*raw)[0];
  if (type != kSignatureEd25519 && type != kSignatureCosignatureV1)
    return fail(Errc::unsupported, "verifier key: signature type 0x{:02x} is not supported (0x01 Ed25519, 0x04 cosignature)",
                type);
  if (raw->size() != 33) return fail(Errc::parse_error, "verifier key: Ed25519 key must be 32 bytes, got {}", raw->size() - 1);
  PublicKey key;
  std::memcpy(key.data(), raw->data() + 1, 32);
  VerifierKey v = make(std::string(name), type, key);
  if (v.id != *id) return fail(Errc::parse_error, "verifier key: key ID {:08x} does not match name and key", *id);
  return v;
}

std::string VerifierKey::to_string() const {
  std::array<std::uint8_t, 33> raw;
  raw[0] = type;
  std::memcpy(raw.data() + 1, key.data(), 32);
  return fmt::format("{}+{:08x}+{}", name, id, base64_encode(raw));
}

VerifierKey VerifierKey::with_type(std::uint8_t new_type) const { return make(name, new_type, key); }

bool VerifierKey::verify(ByteView message, const Signature& signature) const noexcept {
  if (!sodium_ready()) return false;
  return crypto_sign_ed25519_verify_detached(signature.data(), message.data(), message.size(), key.data()) == 0;
}

std::string_view key_role_name(KeyRole role) noexcept {
  switch (role) {
    case KeyRole::overseer: return "overseer";
    case KeyRole::carrier: return "carrier";
    case KeyRole::hub: return "hub";
    case KeyRole::analyst: return "analyst";
  }
  return "?";
}

Result<KeyRole> parse_key_role(std::string_view text) {
  for (KeyRole r : {KeyRole::overseer, KeyRole::carrier, KeyRole::hub, KeyRole::analyst})
    if (text == key_role_name(r)) return r;
  return fail(Errc::invalid_argument, "unknown key role '{}' (overseer, carrier, hub, analyst)", text);
}

Result<SigningKey> SigningKey::generate(std::string name, KeyRole role) {
  if (!sodium_ready()) return fail(Errc::unsupported, "libsodium failed to initialise");
  std::array<std::uint8_t, 32> seed;
  randombytes_buf(seed.data(), seed.size());
  auto key = from_seed(std::move(name), role, seed);
  sodium_memzero(seed.data(), seed.size());
  return key;
}

Result<SigningKey> SigningKey::from_seed(std::string name, KeyRole role, std::span<const std::uint8_t, 32> seed) {
  if (auto ok = validate_key_name(name); !ok) return tl::unexpected(ok.error());
  if (!sodium_ready()) return fail(Errc::unsupported, "libsodium failed to initialise");
  SigningKey k;
  k.name_ = std::move(name);
  k.role_ = role;
  crypto_sign_ed25519_seed_keypair(k.public_.data(), k.secret_.data(), seed.data());
  return k;
}

Result<SigningKey> SigningKey::parse(std::string_view text, KeyRole role) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  constexpr std::string_view kPrefix = "PRIVATE+KEY+";
  if (text.substr(0, kPrefix.size()) != kPrefix) return fail(Errc::parse_error, "not a signer key (expected PRIVATE+KEY+...)");
  text.remove_prefix(kPrefix.size());
  auto p1 = text.find('+');
  auto p2 = p1 == std::string_view::npos ? p1 : text.find('+', p1 + 1);
  if (p2 == std::string_view::npos)
    return fail(Errc::parse_error, "signer key must have the form PRIVATE+KEY+<name>+<hex key ID>+<base64 key>");
  auto id = parse_key_id(text.substr(p1 + 1, p2 - p1 - 1));
  if (!id) return fail(Errc::parse_error, "signer key: {}", id.error().message);
  auto raw = base64_decode(text.substr(p2 + 1));
  if (!raw || raw->size() != 33 || (*raw)[0] != kSignatureEd25519) {
    if (raw) sodium_memzero(raw->data(), raw->size());
    return fail(Errc::parse_error, "signer key: key material is not a base64 Ed25519 seed");
  }
  std::span<const std::uint8_t, 32> seed(raw->data() + 1, 32);
  auto key = from_seed(std::string(text.substr(0, p1)), role, seed);
  sodium_memzero(raw->data(), raw->size());
  if (!key) return key;
  if (compute_key_id(key->name_, kSignatureEd25519, key->public_) != *id)
    return fail(Errc::parse_error, "signer key: key ID does not match name and key");
  return key;
}

SigningKey::SigningKey(SigningKey&& other) noexcept
    : name_(std::move(other.name_)), role_(other.role_), public_(other.public_), secret_(other.secret_) {
  sodium_memzero(other.secret_.data(), other.secret_.size());
}

SigningKey& SigningKey::operator=(SigningKey&& other) noexcept {
  if (this != &other) {
    name_ = std::move(other.name_);
    role_ = other.role_;
    public_ = other.public_;
    secret_ = other.secret_;
    sodium_memzero(other.secret_.data(), other.secret_.size());
  }
  return *this;
}

SigningKey::~SigningKey() { sodium_memzero(secret_.data(), secret_.size()); }

VerifierKey SigningKey::verifier(std::uint8_t type) const { return VerifierKey::make(name_, type, public_); }

Signature SigningKey::sign(ByteView message) const noexcept {
  Signature sig;
  crypto_sign_ed25519_detached(sig.data(), nullptr, message.data(), message.size(), secret_.data());
  return sig;
}

std::string SigningKey::private_text() const {
  std::array<std::uint8_t, 33> raw;
  raw[0] = kSignatureEd25519;
  std::memcpy(raw.data() + 1, secret_.data(), 32);
  std::string out = "PRIVATE+KEY+" + name_ + "+" + fmt::format("{:08x}", compute_key_id(name_, kSignatureEd25519, public_)) +
                    "+" + base64_encode(raw);
  sodium_memzero(raw.data(), raw.size());
  return out;
}

}  // namespace mamori::crypto
