// libFuzzer entry for everything the ledger parses from outside: signed notes,
// checkpoint bodies, cosignature lines, verifier keys and entry bodies. Any
// byte string must be rejected or accepted without crashing, and what is
// accepted must re-encode to the same text (the formats are canonical).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "mamori/crypto/encoding.hpp"
#include "mamori/crypto/keys.hpp"
#include "mamori/crypto/note.hpp"
#include "mamori/ledger/checkpoint.hpp"
#include "mamori/ledger/cosignature.hpp"
#include "mamori/ledger/entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mamori;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (auto note = crypto::parse_note(text)) {
    if (crypto::format_note(*note) != text) __builtin_trap();
    if (auto cp = ledger::Checkpoint::parse(note->text)) {
      if (cp->body() != note->text) __builtin_trap();
    }
    for (const auto& sig : note->signatures) {
      if (auto c = ledger::Cosignature::from_note_signature(sig)) {
        if (c->to_note_signature().signature != sig.signature) __builtin_trap();
      }
    }
  }
  if (auto cp = ledger::Checkpoint::parse(text)) {
    if (cp->body() != text) __builtin_trap();
  }
  if (auto key = crypto::VerifierKey::parse(text)) {
    (void)key->to_string();
  }
  if (auto decoded = crypto::base64_decode(text)) {
    if (crypto::base64_encode(*decoded) != text) __builtin_trap();
  }
  if (auto body = ledger::canonicalize_body(text)) {
    // Canonical form is a fixed point.
    auto again = ledger::canonicalize_body(*body);
    if (!again || *again != *body) __builtin_trap();
  }
  return 0;
}
