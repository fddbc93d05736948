#pragma once
// An append-only RFC 9162 Merkle tree that keeps the hash of every complete
// subtree, level by level, so that appends cost O(1) amortised (O(log n) worst)
// and the root of any earlier size and every inclusion/consistency proof cost
// O(log n) lookups plus at most one O(log n) fold for the single incomplete
// ("ephemeral") subtree a proof can need.
//
// Level l holds node (l, i) = hash of leaves [i·2^l, (i+1)·2^l). Nodes are
// grouped in chunks of 256; a store persists full chunks and the tree keeps
// only a resident suffix of each level in memory, loading older chunks on
// demand. The last node of every level (the right frontier, or "compact
// range") is always resident, so root() and append() never touch the store.
//
// Not thread-safe (const calls may fill the chunk cache).
#include <cstdint>
#include <functional>
#include <span>
#include <unordered_map>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/ledger/merkle.hpp"

namespace mamori::ledger {

struct TreeChunk {
  unsigned level = 0;
  std::uint64_t index = 0;  // chunk number: nodes [index·256, index·256 + 256)
  std::vector<Hash> hashes;
};

class MerkleTree {
 public:
  static constexpr unsigned kChunkBits = 8;
  static constexpr std::uint64_t kChunkSize = std::uint64_t{1} << kChunkBits;
  using ChunkLoader = std::function<Result<std::vector<Hash>>(unsigned level, std::uint64_t chunk)>;

  MerkleTree() = default;

  // Where the leaf hashes that resume() needs begin: the start of the chunk
  // holding the last leaf.
  static std::uint64_t resume_tail_begin(std::uint64_t size) noexcept;
  // Continues a tree of `size` leaves whose full chunks `loader` can read;
  // `leaf_tail` holds the leaf hashes [resume_tail_begin(size), size).
  static Result<MerkleTree> resume(std::uint64_t size, std::span<const Hash> leaf_tail, ChunkLoader loader);

  std::uint64_t size() const noexcept { return size_; }
  void append(const Hash& leaf_hash);

  Hash root() const;
  Result<Hash> root_at(std::uint64_t size) const;
  // The hash of the complete subtree (level, index).
  Result<Hash> node(unsigned level, std::uint64_t index) const;
  // RFC 9162 §2.1.3.1 PATH(index, D[0:size]), lowest sibling first.
  Result<std::vector<Hash>> inclusion_proof(std::uint64_t index, std::uint64_t size) const;
  // RFC 9162 §2.1.4.1 PROOF(size1, D[0:size2]).
  Result<std::vector<Hash>> consistency_proof(std::uint64_t size1, std::uint64_t size2) const;

  // Moves out the chunks that became full since the last call, for the store.
  void drain_completed(std::vector<TreeChunk>& out);
  // Drops resident nodes of persisted (drained) chunks when more than
  // `max_resident` nodes are resident; they are reloaded on demand.
  void release_persisted(std::size_t max_resident);
  std::size_t resident_nodes() const noexcept;

 private:
  struct Level {
    std::uint64_t base = 0;  // index of nodes[0]; a multiple of kChunkSize
    std::vector<Hash> nodes;
  };
  Result<Hash> subtree_hash(std::uint64_t begin, std::uint64_t end) const;
  Hash resident(unsigned level, std::uint64_t index) const noexcept {
    return levels_[level].nodes[index - levels_[level].base];
  }

  std::vector<Level> levels_;
  std::uint64_t size_ = 0;
  std::vector<std::pair<unsigned, std::uint64_t>> completed_;
  ChunkLoader loader_;
  mutable std::unordered_map<std::uint64_t, std::vector<Hash>> cache_;
};

}  // namespace mamori::ledger
