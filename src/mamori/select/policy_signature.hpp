#pragma once
// The oversight body's approval of a selection policy: a C2SP signed note
// (detached, POLICY.sig) whose text binds the policy's id, version and the
// SHA-256 of the exact document bytes. Any edit to the document after
// signing changes the hash and the approval no longer verifies.
#include <string>
#include <string_view>

#include "mamori/core/result.hpp"
#include "mamori/crypto/keys.hpp"
#include "mamori/select/selection_policy.hpp"

namespace mamori::select {

// The note text that is signed, e.g.
//   mamori selection-policy approval v1
//   id carrier-a/2026
//   version 3
//   sha256 <hex>
std::string policy_approval_text(const SelectionPolicy& policy);

// Returns the signed note (to be stored next to the policy as POLICY.sig).
// Only an overseer key may approve.
Result<std::string> sign_policy(const SelectionPolicy& policy, const crypto::SigningKey& overseer_key);

// Checks that `note` approves exactly this document and is signed by `overseer`.
Status verify_policy_approval(const SelectionPolicy& policy, std::string_view note, const crypto::VerifierKey& overseer);

// Loads POLICY and POLICY.sig (or `signature_path`), verifies the approval
// and that the policy is valid at `now`. What a sensor runs before selecting.
Result<SelectionPolicy> load_approved_policy(const std::string& policy_path, const std::string& signature_path,
                                             const crypto::VerifierKey& overseer, TimeNs now);

}  // namespace mamori::select
