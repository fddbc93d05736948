#pragma once
// C2SP signed notes (c2sp.org/signed-note): a text ending in a newline, a blank
// line, then signature lines `— <key name> <base64(key ID ‖ signature)>`.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/crypto/keys.hpp"

namespace mamori::crypto {

inline constexpr std::size_t kMaxNoteSize = 64 * 1024;
inline constexpr std::size_t kMaxNoteSignatures = 64;

struct NoteSignature {
  std::string name;
  std::uint32_t key_id = 0;
  std::vector<std::uint8_t> signature;  // the bytes after the key ID
};

struct Note {
  std::string text;  // including its final newline
  std::vector<NoteSignature> signatures;
};

// Syntax only (verifying is separate): valid UTF-8, no control characters but
// newline, text ending in a newline, at least one well-formed signature line.
Result<Note> parse_note(std::string_view note);
std::string format_note(const Note& note);
std::string format_signature_line(const NoteSignature& signature);

// Checks text the way parse_note checks a note's text, for notes being created.
Status validate_note_text(std::string_view text);

// An Ed25519 (type 0x01) signature over `text`.
Result<NoteSignature> sign_note_text(std::string_view text, const SigningKey& key);

// Whether `sig` was made by `key` (name and key ID select it; the signature
// must then verify). The key must be of type 0x01.
bool signature_matches_key(const NoteSignature& sig, const VerifierKey& key) noexcept;
Status verify_note_signature(std::string_view text, const NoteSignature& sig, const VerifierKey& key);

// Per the spec: signatures by unknown keys are ignored, a known key's failing
// signature rejects the note, and at least one known key must have signed.
Status verify_note(const Note& note, const VerifierKey& key);

}  // namespace mamori::crypto
