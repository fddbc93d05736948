#include "mamori/ledger/witness.hpp"

#include <algorithm>
#include <optional>

#include "mamori/crypto/note.hpp"

namespace mamori::ledger {

Result<WitnessResult> witness_latest_checkpoint(Ledger& ledger, const crypto::SigningKey& witness,
                                                const crypto::VerifierKey& log_key, std::uint64_t now_seconds) {
  LedgerStore& store = ledger.store();
  const crypto::VerifierKey witness_key = witness.verifier(crypto::kSignatureCosignatureV1);

  auto latest = store.latest_checkpoint();
  if (!latest) return tl::unexpected(latest.error());
  if (!*latest) return fail(Errc::not_found, "witness: the ledger has no checkpoint to cosign");
  auto opened = open_checkpoint((*latest)->note, log_key);
  if (!opened) return fail(opened.error().code, "witness: refusing checkpoint {}: {}", (*latest)->id, opened.error().message);
  const Checkpoint& cp = opened->checkpoint;

  // The stored tree must produce the signed root, or the log signed something
  // its own entries do not support.
  auto root = ledger.root_at(cp.size);
  if (!root) return fail(root.error().code, "witness: refusing checkpoint {}: {}", (*latest)->id, root.error().message);
  if (*root != cp.root)
    return fail(Errc::corrupt, "witness: refusing checkpoint {}: its root does not match the ledger's entries", (*latest)->id);

  // The last checkpoint this witness cosigned, with a cosignature that verifies.
  auto all = store.cosignatures();
  if (!all) return tl::unexpected(all.error());
  auto checkpoints = store.checkpoints();
  if (!checkpoints) return tl::unexpected(checkpoints.error());
  WitnessResult out;
  out.checkpoint_id = (*latest)->id;
  out.size = cp.size;
  std::optional<Checkpoint> previous;
  std::uint64_t previous_time = 0;
  std::vector<crypto::NoteSignature> existing;
  for (auto it = all->rbegin(); it != all->rend(); ++it) {
    const Cosignature& c = it->cosignature;
    if (c.witness != witness_key.name || c.key_id != witness_key.id) continue;
    auto stored = std::find_if(checkpoints->begin(), checkpoints->end(),
                               [&](const StoredCheckpoint& s) { return s.id == it->checkpoint_id; });
    if (stored == checkpoints->end())
      return fail(Errc::corrupt, "witness: my cosignature {} refers to a missing checkpoint {}", it->id, it->checkpoint_id);
    auto note = crypto::parse_note(stored->note);
    if (!note) return fail(Errc::corrupt, "witness: checkpoint {} I cosigned is unreadable: {}", stored->id, note.error().message);
    if (auto ok = verify_cosignature(note->text, c, witness_key); !ok)
      return fail(Errc::corrupt, "witness: my cosignature on checkpoint {} does not verify ({}); the ledger was tampered with",
                  stored->id, ok.error().message);
    if (it->checkpoint_id == (*latest)->id) {
      existing.push_back(c.to_note_signature());
      out.already_witnessed = true;
    }
    if (!previous) {
      auto prev = Checkpoint::parse(note->text);
      if (!prev) return fail(Errc::corrupt, "witness: checkpoint {} I cosigned is malformed: {}", stored->id, prev.error().message);
      previous = std::move(*prev);
      previous_time = c.timestamp;
    }
  }

  if (previous) {
    out.previous_size = previous->size;
    if (previous->origin != cp.origin)
      return fail(Errc::invalid_argument, "witness: checkpoint origin '{}' differs from the witnessed origin '{}'", cp.origin,
                  previous->origin);
    if (cp.size < previous->size)
      return fail(Errc::corrupt, "witness: refusing checkpoint of size {}: I already cosigned size {} (rollback)", cp.size,
                  previous->size);
    if (cp.size == previous->size) {
      if (cp.root != previous->root)
        return fail(Errc::corrupt, "witness: refusing checkpoint: same size {} as the one I cosigned but a different root (fork)",
                    cp.size);
    } else {
      auto proof = ledger.prove_consistency(previous->size, cp.size);
      if (!proof) return fail(proof.error().code, "witness: cannot prove consistency: {}", proof.error().message);
      if (auto ok = verify_consistency(previous->size, cp.size, proof->path, view(previous->root), view(cp.root)); !ok)
        return fail(Errc::corrupt, "witness: refusing checkpoint: not consistent with the one I cosigned at size {}: {}",
                    previous->size, ok.error().message);
    }
  }

  // Audit what is new since the last cosignature (everything, the first
  // time): each entry must still hash to the leaf the tree holds for it.
  if (!out.already_witnessed) {
    const std::uint64_t from = previous ? previous->size : 0;
    std::uint64_t expected = from;
    auto st = store.scan_entries(from, cp.size - from, [&](const StoredEntry& row) -> Status {
      if (row.entry.index != expected) return fail(Errc::corrupt, "entry {} is missing", expected);
      auto leaf = ledger.leaf_hash(expected);
      if (!leaf) return tl::unexpected(leaf.error());
      if (entry_leaf_hash(row.entry) != *leaf || row.leaf_hash != *leaf)
        return fail(Errc::corrupt, "entry {} does not match its leaf hash", expected);
      ++expected;
      return {};
    });
    if (st && expected != cp.size) st = fail(Errc::corrupt, "entries {}..{} are missing", expected, cp.size - 1);
    if (!st) return fail(Errc::corrupt, "witness: refusing checkpoint {}: {}", (*latest)->id, st.error().message);
  }

  crypto::Note note = opened->note;
  if (out.already_witnessed) {
    for (auto& s : existing) note.signatures.push_back(std::move(s));
  } else {
    // A v1 cosignature asserts the largest tree seen "as of" its time, so time never goes backwards.
    const std::uint64_t timestamp = std::max(now_seconds, previous_time);
    auto cosig = cosign(opened->note.text, timestamp, witness);
    if (!cosig) return tl::unexpected(cosig.error());
    if (auto ok = store.add_cosignature((*latest)->id, *cosig); !ok) return tl::unexpected(ok.error());
    note.signatures.push_back(cosig->to_note_signature());
  }
  out.note = crypto::format_note(note);
  return out;
}

}  // namespace mamori::ledger
