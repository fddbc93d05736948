#pragma once
// The tamper-evident ledger: entries appended to an RFC 9162 Merkle tree kept
// in a LedgerStore, signed checkpoints, proofs and verification.
//
// Single writer per store. append() assigns the index at once and buffers the
// entry; a batch is committed in one transaction when it reaches
// Options::batch_size, on flush(), and before checkpoint() and the proofs, so
// nothing is ever signed or proved that is not durable. After a storage error
// the Ledger refuses further work (its tree would be ahead of the store):
// reopen it.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/core/time.hpp"
#include "mamori/crypto/keys.hpp"
#include "mamori/ledger/checkpoint.hpp"
#include "mamori/ledger/merkle_tree.hpp"
#include "mamori/ledger/store.hpp"
#include "mamori/ledger/verify.hpp"

namespace mamori::ledger {

struct AppendResult {
  std::uint64_t index = 0;
  Hash leaf_hash{};
};

struct InclusionProof {
  std::uint64_t index = 0;
  std::uint64_t size = 0;
  Hash leaf_hash{};
  Hash root{};
  std::vector<Hash> path;
};

struct ConsistencyProof {
  std::uint64_t size1 = 0;
  std::uint64_t size2 = 0;
  Hash root1{};
  Hash root2{};
  std::vector<Hash> path;
};

struct SignedCheckpoint {
  std::int64_t id = 0;
  Checkpoint checkpoint;
  std::string note;
};

class Ledger {
 public:
  struct Options {
    std::size_t batch_size = 4096;
    // Tree nodes kept in memory before persisted chunks are dropped (and
    // reloaded from the store on demand): 4M nodes = 128 MiB.
    std::size_t max_resident_nodes = std::size_t{1} << 22;
  };

  static Result<Ledger> open(std::unique_ptr<LedgerStore> store, Options options);
  static Result<Ledger> open(std::unique_ptr<LedgerStore> store) { return open(std::move(store), Options{}); }
  Ledger(Ledger&&) noexcept;
  Ledger& operator=(Ledger&&) noexcept;
  // Commits what is buffered (errors are lost here: call flush() to see them).
  ~Ledger();

  // Validates kind, actor and body (canonicalised, no personal data) and
  // appends; `time` 0 means now.
  Result<AppendResult> append(std::string_view kind, std::string_view actor, std::string_view body_json, TimeNs time = 0);
  Status flush();

  std::uint64_t size() const noexcept { return tree_.size(); }
  std::uint64_t committed_size() const noexcept { return committed_; }
  Result<Hash> root_at(std::uint64_t size);
  // The leaf hash the tree holds for entry `index`.
  Result<Hash> leaf_hash(std::uint64_t index);

  // Signs the current head. The first checkpoint fixes the origin (default:
  // the key name) and the log key in the store; later ones must match both.
  Result<SignedCheckpoint> checkpoint(const crypto::SigningKey& log_key, std::string_view origin = {});
  Result<InclusionProof> prove_inclusion(std::uint64_t index, std::uint64_t size);
  Result<ConsistencyProof> prove_consistency(std::uint64_t size1, std::uint64_t size2);
  Result<VerifyReport> verify(const VerifyOptions& options);

  LedgerStore& store() noexcept { return *store_; }

 private:
  Ledger(std::unique_ptr<LedgerStore> store, MerkleTree tree, Options options);
  Status usable() const;

  std::unique_ptr<LedgerStore> store_;
  MerkleTree tree_;
  Options options_;
  std::uint64_t committed_ = 0;
  std::vector<StoredEntry> pending_;
  std::vector<TreeChunk> chunk_scratch_;
  std::string failure_;  // set after a storage error
};

}  // namespace mamori::ledger
