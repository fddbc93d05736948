#pragma once
// Ed25519 keys in the C2SP signed-note conventions: verifier keys ("vkeys")
// `<name>+<hex key ID>+<base64(type ‖ public key)>` and signer keys
// `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 ‖ seed)>` (the golang.org/x/mod
// note format, so keys interoperate with Go tooling).
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "mamori/core/result.hpp"
#include "mamori/crypto/sha256.hpp"

namespace mamori::crypto {

// Signature type bytes from c2sp.org/signed-note.
inline constexpr std::uint8_t kSignatureEd25519 = 0x01;
inline constexpr std::uint8_t kSignatureCosignatureV1 = 0x04;

using PublicKey = std::array<std::uint8_t, 32>;
using Signature = std::array<std::uint8_t, 64>;

// Key names are non-empty and contain no Unicode spaces and no '+'.
Status validate_key_name(std::string_view name);
// SHA-256(name ‖ "\n" ‖ type ‖ key)[:4], big-endian.
std::uint32_t compute_key_id(std::string_view name, std::uint8_t type, const PublicKey& key) noexcept;

struct VerifierKey {
  std::string name;
  std::uint8_t type = kSignatureEd25519;
  PublicKey key{};
  std::uint32_t id = 0;

  static VerifierKey make(std::string name, std::uint8_t type, const PublicKey& key);
  // Parses and checks a vkey (the key ID must match the name and key).
  static Result<VerifierKey> parse(std::string_view vkey);
  std::string to_string() const;
  // The same Ed25519 key under another signature type (e.g. as a witness).
  VerifierKey with_type(std::uint8_t new_type) const;
  bool verify(ByteView message, const Signature& signature) const noexcept;
};

enum class KeyRole { overseer, carrier, hub, analyst };
std::string_view key_role_name(KeyRole role) noexcept;
Result<KeyRole> parse_key_role(std::string_view text);

// An Ed25519 signing key. Move-only; the secret is wiped on destruction and is
// never part of any error message.
class SigningKey {
 public:
  static Result<SigningKey> generate(std::string name, KeyRole role);
  static Result<SigningKey> from_seed(std::string name, KeyRole role, std::span<const std::uint8_t, 32> seed);
  // Parses a `PRIVATE+KEY+...` line.
  static Result<SigningKey> parse(std::string_view text, KeyRole role);

  SigningKey(SigningKey&& other) noexcept;
  SigningKey& operator=(SigningKey&& other) noexcept;
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;
  ~SigningKey();

  const std::string& name() const noexcept { return name_; }
  KeyRole role() const noexcept { return role_; }
  const PublicKey& public_key() const noexcept { return public_; }
  VerifierKey verifier(std::uint8_t type = kSignatureEd25519) const;
  Signature sign(ByteView message) const noexcept;
  // The secret in `PRIVATE+KEY+...` form, for writing to a key file only.
  // Callers wipe the returned string (sodium_memzero) when done.
  std::string private_text() const;

 private:
  SigningKey() = default;
  std::string name_;
  KeyRole role_ = KeyRole::hub;
  PublicKey public_{};
  std::array<std::uint8_t, 64> secret_{};  // libsodium layout: seed ‖ public key
};

}  // namespace mamori::crypto
