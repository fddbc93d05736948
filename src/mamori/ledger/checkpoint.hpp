#pragma once
// C2SP checkpoints (c2sp.org/tlog-checkpoint) signed as C2SP notes:
//   <origin>\n<decimal tree size>\n<base64 root hash>\n[<extension line>\n]...
// followed by a blank line and the log's Ed25519 signature line.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/crypto/keys.hpp"
#include "mamori/crypto/note.hpp"
#include "mamori/ledger/merkle.hpp"

namespace mamori::ledger {

struct Checkpoint {
  std::string origin;
  std::uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;

  // The note text (body) of the checkpoint.
  std::string body() const;
  // Strict: non-empty origin, size without leading zeros, a 32-byte root,
  // non-empty extension lines, final newline.
  static Result<Checkpoint> parse(std::string_view body);
};

// The signed note for `checkpoint` (origin conventionally equals the key name).
Result<std::string> sign_checkpoint(const Checkpoint& checkpoint, const crypto::SigningKey& log_key);

struct OpenedCheckpoint {
  Checkpoint checkpoint;
  crypto::Note note;
};
// Parses a signed checkpoint note, verifies the log key's signature, then parses the body.
Result<OpenedCheckpoint> open_checkpoint(std::string_view note_text, const crypto::VerifierKey& log_key);

}  // namespace mamori::ledger
