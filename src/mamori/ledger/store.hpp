#pragma once
// Where a ledger lives. LedgerStore is the backend-neutral contract: public
// non-virtual methods check their arguments (so every backend enforces the
// same rules) and call one protected virtual per operation, which a backend
// (SQLite here; PostgreSQL later) implements.
//
// Contract for backends:
//  * append() is atomic: all entries and tree chunks of a batch, or none. The
//    backend must refuse a batch whose first index is not the next index of
//    the stored log (a second writer, or a stale in-memory state).
//  * Entries are immutable once appended; nothing in this interface updates
//    or deletes them (tamper detection is verify's job, not the store's).
//  * Reads return entries in index order.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/core/time.hpp"
#include "mamori/ledger/cosignature.hpp"
#include "mamori/ledger/entry.hpp"
#include "mamori/ledger/merkle_tree.hpp"

namespace mamori::ledger {

struct StoredEntry {
  Entry entry;
  Hash leaf_hash{};
};

struct StoredCheckpoint {
  std::int64_t id = 0;  // assigned by the store, increasing
  std::uint64_t size = 0;
  Hash root{};
  TimeNs time = 0;
  std::string note;  // the signed note, as issued
};

struct StoredCosignature {
  std::int64_t id = 0;
  std::int64_t checkpoint_id = 0;
  Cosignature cosignature;
};

// Well-known meta keys.
namespace meta {
inline constexpr std::string_view origin = "origin";
inline constexpr std::string_view log_vkey = "log_vkey";
}  // namespace meta

class LedgerStore {
 public:
  using EntryVisitor = std::function<Status(const StoredEntry&)>;
  using ChunkVisitor = std::function<Status(const TreeChunk&)>;

  virtual ~LedgerStore() = default;

  // One transaction: `entries` (contiguous indexes, continuing the log) and
  // the tree chunks they completed.
  Status append(std::span<const StoredEntry> entries, std::span<const TreeChunk> chunks);
  // The next index: one past the highest stored index (0 when empty).
  Result<std::uint64_t> next_index();
  // Entries with index >= from, in index order, at most `limit` of them.
  Status scan_entries(std::uint64_t from, std::uint64_t limit, const EntryVisitor& visit);
  // Stored leaf hashes of entries [from, from + count); an error if any is absent.
  Result<std::vector<Hash>> leaf_hashes(std::uint64_t from, std::uint64_t count);
  Result<std::vector<Hash>> tree_chunk(unsigned level, std::uint64_t index);
  Status scan_tree_chunks(const ChunkVisitor& visit);

  Result<std::int64_t> add_checkpoint(const StoredCheckpoint& checkpoint);
  Result<std::vector<StoredCheckpoint>> checkpoints();
  Result<std::optional<StoredCheckpoint>> latest_checkpoint();
  Status add_cosignature(std::int64_t checkpoint_id, const Cosignature& cosignature);
  Result<std::vector<StoredCosignature>> cosignatures();

  Result<std::optional<std::string>> get_meta(std::string_view key);
  Status set_meta(std::string_view key, std::string_view value);

 protected:
  virtual Status do_append(std::span<const StoredEntry> entries, std::span<const TreeChunk> chunks) = 0;
  virtual Result<std::uint64_t> do_next_index() = 0;
  virtual Status do_scan_entries(std::uint64_t from, std::uint64_t limit, const EntryVisitor& visit) = 0;
  virtual Result<std::vector<Hash>> do_leaf_hashes(std::uint64_t from, std::uint64_t count) = 0;
  virtual Result<std::vector<Hash>> do_tree_chunk(unsigned level, std::uint64_t index) = 0;
  virtual Status do_scan_tree_chunks(const ChunkVisitor& visit) = 0;
  virtual Result<std::int64_t> do_add_checkpoint(const StoredCheckpoint& checkpoint) = 0;
  virtual Result<std::vector<StoredCheckpoint>> do_checkpoints() = 0;
  virtual Result<std::optional<StoredCheckpoint>> do_latest_checkpoint() = 0;
  virtual Status do_add_cosignature(std::int64_t checkpoint_id, const Cosignature& cosignature) = 0;
  virtual Result<std::vector<StoredCosignature>> do_cosignatures() = 0;
  virtual Result<std::optional<std::string>> do_get_meta(std::string_view key) = 0;
  virtual Status do_set_meta(std::string_view key, std::string_view value) = 0;
};

}  // namespace mamori::ledger
