#include "mamori/ledger/cosignature.hpp"

#include <cstring>

namespace mamori::ledger {

namespace {
constexpr std::uint64_t kMaxTimestamp = (std::uint64_t{1} << 63) - 1;
}

crypto::NoteSignature Cosignature::to_note_signature() const {
  crypto::NoteSignature sig;
  sig.name = witness;
  sig.key_id = key_id;
  sig.signature.resize(8 + 64);
  for (int i = 0; i < 8; ++i) sig.signature[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(timestamp >> (56 - 8 * i));
  std::memcpy(sig.signature.data() + 8, signature.data(), 64);
  return sig;
}

Result<Cosignature> Cosignature::from_note_signature(const crypto::NoteSignature& sig) {
  if (sig.signature.size() != 8 + 64)
    return fail(Errc::parse_error, "cosignature by {} has {} bytes, want 72 (timestamp and Ed25519 signature)", sig.name,
                sig.signature.size());
  Cosignature c;
  c.witness = sig.name;
  c.key_id = sig.key_id;
  for (int i = 0; i < 8; ++i) c.timestamp = c.timestamp << 8 | sig.signature[static_cast<std::size_t>(i)];
  if (c.timestamp > kMaxTimestamp) return fail(Errc::parse_error, "cosignature by {}: timestamp exceeds 2^63-1", sig.name);
  std::memcpy(c.signature.data(), sig.signature.data() + 8, 64);
  return c;
}

std::string cosignature_message(std::string_view checkpoint_body, std::uint64_t timestamp) {
  std::string msg = "cosignature/v1\ntime ";
  msg += std::to_string(timestamp);
  msg += '\n';
  msg += checkpoint_body;
  return msg;
}

Result<Cosignature> cosign(std::string_view checkpoint_body, std::uint64_t timestamp, const crypto::SigningKey& witness) {
  if (timestamp > kMaxTimestamp) return fail(Errc::invalid_argument, "cosignature timestamp exceeds 2^63-1");
  if (auto ok = crypto::validate_note_text(checkpoint_body); !ok) return tl::unexpected(ok.error());
  const std::string msg = cosignature_message(checkpoint_body, timestamp);
  Cosignature c;
  c.witness = witness.name();
  c.key_id = crypto::compute_key_id(witness.name(), crypto::kSignatureCosignatureV1, witness.public_key());
  c.timestamp = timestamp;
  c.signature = witness.sign(crypto::as_bytes(msg));
  return c;
}

Status verify_cosignature(std::string_view checkpoint_body, const Cosignature& cosignature,
                          const crypto::VerifierKey& witness_key) {
  if (witness_key.type != crypto::kSignatureCosignatureV1)
    return fail(Errc::invalid_argument, "key {} is not a cosignature (type 0x04) key", witness_key.name);
  if (cosignature.witness != witness_key.name || cosignature.key_id != witness_key.id)
    return fail(Errc::not_found, "cosignature by {} ({:08x}) is not by witness {} ({:08x})", cosignature.witness,
                cosignature.key_id, witness_key.name, witness_key.id);
  if (cosignature.timestamp > kMaxTimestamp) return fail(Errc::corrupt, "cosignature timestamp exceeds 2^63-1");
  const std::string msg = cosignature_message(checkpoint_body, cosignature.timestamp);
  if (!witness_key.verify(crypto::as_bytes(msg), cosignature.signature))
    return fail(Errc::corrupt, "cosignature by {} at time {} does not verify", cosignature.witness, cosignature.timestamp);
  return {};
}

}  // namespace mamori::ledger
