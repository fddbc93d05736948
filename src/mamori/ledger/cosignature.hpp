#pragma once
// Witness cosignatures, c2sp.org/tlog-cosignature v1 (Ed25519, type 0x04).
// The witness signs
//   "cosignature/v1\ntime <unix seconds>\n" ‖ checkpoint body
// and the note signature carries key ID ‖ u64 timestamp (big-endian) ‖ signature.
// A v1 cosignature states that, as of that time, this is the largest tree the
// witness has seen for the origin and that it is consistent with earlier ones.
#include <cstdint>
#include <string>
#include <string_view>

#include "mamori/core/result.hpp"
#include "mamori/crypto/keys.hpp"
#include "mamori/crypto/note.hpp"

namespace mamori::ledger {

struct Cosignature {
  std::string witness;  // key name
  std::uint32_t key_id = 0;
  std::uint64_t timestamp = 0;  // POSIX seconds
  crypto::Signature signature{};

  crypto::NoteSignature to_note_signature() const;
  // Reads the timestamped signature from a note signature line (syntax only).
  static Result<Cosignature> from_note_signature(const crypto::NoteSignature& sig);
};

std::string cosignature_message(std::string_view checkpoint_body, std::uint64_t timestamp);
Result<Cosignature> cosign(std::string_view checkpoint_body, std::uint64_t timestamp, const crypto::SigningKey& witness);
// `witness_key` is the witness's vkey of type 0x04 (name and key ID must match).
Status verify_cosignature(std::string_view checkpoint_body, const Cosignature& cosignature,
                          const crypto::VerifierKey& witness_key);

}  // namespace mamori::ledger
