#pragma once
// The overseer as a witness: it countersigns the ledger's latest checkpoint
// only after checking the log's signature on it, that the log is an
// append-only extension of the last checkpoint this witness cosigned (its own
// earlier cosignature is re-verified first, so that anchor cannot be forged),
// and that every entry appended since then still hashes to its leaf (the
// whole log the first time). Older entries are `verify`'s job.
#include <cstdint>
#include <string>

#include "mamori/core/result.hpp"
#include "mamori/crypto/keys.hpp"
#include "mamori/ledger/ledger.hpp"

namespace mamori::ledger {

struct WitnessResult {
  std::int64_t checkpoint_id = 0;
  std::uint64_t size = 0;
  std::uint64_t previous_size = 0;  // 0 when this is the first cosignature by this witness
  bool already_witnessed = false;   // the latest checkpoint was cosigned before
  std::string note;                 // the checkpoint with the log and witness signatures
};

Result<WitnessResult> witness_latest_checkpoint(Ledger& ledger, const crypto::SigningKey& witness,
                                                const crypto::VerifierKey& log_key, std::uint64_t now_seconds);

}  // namespace mamori::ledger
