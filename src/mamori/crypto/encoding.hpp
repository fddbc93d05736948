#pragma once
// Text encodings of bytes used by notes, vkeys and proofs: standard base64
// (RFC 4648 §4, padded) and lowercase hex.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/crypto/sha256.hpp"

namespace mamori::crypto {

std::string base64_encode(ByteView data);
// Strict: padding required, no whitespace, and the unused bits of the last
// symbol must be zero, so every byte string has exactly one accepted encoding
// (a signed note cannot be re-encoded into a different but valid text).
Result<std::vector<std::uint8_t>> base64_decode(std::string_view text);
// Decodes into a fixed-size hash; fails unless the text holds exactly 32 bytes.
Result<Hash> base64_decode_hash(std::string_view text);

std::string hex_encode(ByteView data);
Result<std::vector<std::uint8_t>> hex_decode(std::string_view text);

}  // namespace mamori::crypto
