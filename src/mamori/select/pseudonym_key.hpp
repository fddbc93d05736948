#pragma once
// The carrier's Crypto-PAn key. It never leaves the carrier: the file is
// created 0600, refused when group/world-readable, and its bytes are never
// printed or logged. Format (text): "mamori-cryptopan-key v1", "id <key id>",
// "key <base64 of 32 bytes>".
#include <array>
#include <cstdint>
#include <string>

#include "mamori/core/result.hpp"

namespace mamori::select {

struct PseudonymKey {
  std::string id;
  std::array<std::uint8_t, 32> bytes{};
};

Result<PseudonymKey> generate_pseudonym_key(std::string id);
// Creates `path` (mode 0600); refuses to overwrite an existing file.
Status save_pseudonym_key(const PseudonymKey& key, const std::string& path);
Result<PseudonymKey> load_pseudonym_key(const std::string& path);

}  // namespace mamori::select
