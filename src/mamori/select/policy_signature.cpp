#include "mamori/select/policy_signature.hpp"

#include <fstream>
#include <sstream>

#include "mamori/crypto/note.hpp"

namespace mamori::select {

std::string policy_approval_text(const SelectionPolicy& policy) {
  return fmt::format("mamori selection-policy approval v1\nid {}\nversion {}\nsha256 {}\n", policy.id, policy.version,
                     policy.document_hash);
}

Result<std::string> sign_policy(const SelectionPolicy& policy, const crypto::SigningKey& overseer_key) {
  if (overseer_key.role() != crypto::KeyRole::overseer) {
    return fail(Errc::invalid_argument, "only the oversight body's key (role overseer) approves policies; '{}' is a {} key",
                overseer_key.name(), crypto::key_role_name(overseer_key.role()));
  }
  const std::string text = policy_approval_text(policy);
  if (auto valid = crypto::validate_note_text(text); !valid) {
    return fail(Errc::invalid_argument, "policy id cannot be used in an approval: {}", valid.error().message);
  }
  auto signature = crypto::sign_note_text(text, overseer_key);
  if (!signature) return tl::unexpected(signature.error());
  return crypto::format_note(crypto::Note{text, {*signature}});
}

Status verify_policy_approval(const SelectionPolicy& policy, std::string_view note_text,
                              const crypto::VerifierKey& overseer) {
  auto note = crypto::parse_note(note_text);
  if (!note) return fail(Errc::corrupt, "policy approval is not a signed note: {}", note.error().message);
  if (note->text != policy_approval_text(policy)) {
    return fail(Errc::corrupt,
                "policy approval does not match this document (edited after signing, or another policy's "
                "approval): approved text is\n{}", note->text);
  }
  if (auto ok = crypto::verify_note(*note, overseer); !ok) {
    return fail(Errc::corrupt, "policy approval signature: {}", ok.error().message);
  }
  return {};
}

Result<SelectionPolicy> load_approved_policy(const std::string& policy_path, const std::string& signature_path,
                                             const crypto::VerifierKey& overseer, TimeNs now) {
  auto policy = load_selection_policy(policy_path);
  if (!policy) return tl::unexpected(policy.error());
  std::ifstream in(signature_path, std::ios::binary);
  if (!in) {
    return fail(Errc::not_found, "{}: the policy is not approved (no signature at {}); the oversight body signs it with "
                "`mamori policy sign`", policy_path, signature_path);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (auto ok = verify_policy_approval(*policy, ss.str(), overseer); !ok) {
    return fail(ok.error().code, "{}: {}", policy_path, ok.error().message);
  }
  if (now < policy->valid_from) {
    return fail(Errc::invalid_argument, "{}: policy {} v{} is not valid yet (from {})", policy_path, policy->id,
                policy->version, format_rfc3339(policy->valid_from));
  }
  if (now >= policy->valid_until) {
    return fail(Errc::invalid_argument, "{}: policy {} v{} expired at {}", policy_path, policy->id, policy->version,
                format_rfc3339(policy->valid_until));
  }
  return policy;
}

}  // namespace mamori::select
