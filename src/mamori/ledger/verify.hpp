#pragma once
// Whole-log verification, from the stored records alone (it never trusts the
// stored tree): every leaf hash is recomputed from its entry, the tree is
// rebuilt, and every checkpoint and cosignature is checked against it. The
// report names what is wrong and where:
//   * entry_modified   an entry's content no longer matches its leaf hash
//   * entry_missing    an index is absent (a gap), or was deleted and the
//                      later entries renumbered
//   * entry_inserted   an entry sits where none was (later ones shifted up)
//   * entry_moved      an entry carries the leaf hash, or the content, of
//                      another index (reordered or swapped)
//   * tree_chunk_*     the stored tree nodes (used to serve proofs) disagree
//                      with the entries, or are missing
//   * checkpoint_*     bad signature/format, root or size not matching the log
//   * cosignature_*    a witness cosignature that fails or is by an unknown key
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/crypto/keys.hpp"
#include "mamori/ledger/store.hpp"

namespace mamori::ledger {

enum class ProblemKind {
  entry_modified,
  entry_missing,
  entry_inserted,
  entry_moved,
  tree_chunk_mismatch,
  tree_chunk_missing,
  checkpoint_invalid,
  checkpoint_signature,
  checkpoint_origin,
  checkpoint_record,
  checkpoint_beyond_log,
  checkpoint_root_mismatch,
  checkpoint_rollback,
  cosignature_invalid,
  cosignature_unknown_witness,
};
inline constexpr std::size_t kProblemKinds = 15;
std::string_view problem_kind_name(ProblemKind kind) noexcept;

struct Problem {
  ProblemKind kind;
  std::uint64_t index;  // entry index, or checkpoint id for checkpoint_* and cosignature_*
  std::string detail;
};

struct VerifyOptions {
  crypto::VerifierKey log_key;                     // type 0x01
  std::vector<crypto::VerifierKey> witness_keys;   // type 0x04; none: cosignatures are not checked
  std::size_t max_details = 200;                   // problems listed; all are counted
};

struct VerifyReport {
  std::uint64_t entries = 0;      // rows read
  std::uint64_t next_index = 0;   // one past the highest stored index
  Hash root{};                    // of the rebuilt tree
  std::uint64_t checkpoints = 0;
  std::uint64_t checkpoints_verified = 0;
  std::uint64_t cosignatures = 0;
  std::uint64_t cosignatures_verified = 0;
  std::uint64_t tree_chunks = 0;
  std::optional<std::uint64_t> first_divergence;  // lowest entry index known to differ
  std::array<std::uint64_t, kProblemKinds> counts{};
  std::vector<Problem> problems;  // at most max_details

  std::uint64_t problem_count() const noexcept;
  bool ok() const noexcept { return problem_count() == 0; }
  bool has(ProblemKind kind, std::uint64_t index) const noexcept;
  // One line: "ledger OK: ..." or "ledger verification FAILED: ...".
  std::string summary() const;
};

// Fails only when the store cannot be read; tampering is reported, not failed.
Result<VerifyReport> verify_ledger(LedgerStore& store, const VerifyOptions& options);

}  // namespace mamori::ledger
