#include "mamori/ledger/store.hpp"

#include <algorithm>

namespace mamori::ledger {

namespace {
constexpr std::uint64_t kMaxScan = std::uint64_t{1} << 62;
}

Status LedgerStore::append(std::span<const StoredEntry> entries, std::span<const TreeChunk> chunks) {
  if (entries.empty()) {
    if (!chunks.empty()) return fail(Errc::invalid_argument, "ledger store: tree chunks without entries");
    return {};
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i].entry;
    if (e.index != entries[0].entry.index + i)
      return fail(Errc::invalid_argument, "ledger store: batch indexes are not contiguous at {}", e.index);
    if (e.kind.empty() || e.kind.size() > kMaxKindSize || e.actor.empty() || e.actor.size() > kMaxActorSize ||
        e.body.size() > kMaxBodySize)
      return fail(Errc::invalid_argument, "ledger store: entry {} has an invalid kind, actor or body size", e.index);
  }
  for (const auto& c : chunks)
    if (c.hashes.size() != MerkleTree::kChunkSize || c.level >= 64)
      return fail(Errc::invalid_argument, "ledger store: tree chunk (level {}, chunk {}) is malformed", c.level, c.index);
  return do_append(entries, chunks);
}

Result<std::uint64_t> LedgerStore::next_index() { return do_next_index(); }

Status LedgerStore::scan_entries(std::uint64_t from, std::uint64_t limit, const EntryVisitor& visit) {
  if (!visit) return fail(Errc::invalid_argument, "ledger store: no visitor");
  if (from >= kMaxScan) return {};
  return do_scan_entries(from, std::min(limit, kMaxScan), visit);
}

Result<std::vector<Hash>> LedgerStore::leaf_hashes(std::uint64_t from, std::uint64_t count) {
  if (count > kMaxScan || from > kMaxScan) return fail(Errc::invalid_argument, "ledger store: leaf range out of bounds");
  auto hashes = do_leaf_hashes(from, count);
  if (hashes && hashes->size() != count)
    return fail(Errc::corrupt, "ledger store: entries {}..{} should hold {} leaf hashes, found {}", from, from + count - 1,
                count, hashes->size());
  return hashes;
}

Result<std::vector<Hash>> LedgerStore::tree_chunk(unsigned level, std::uint64_t index) {
  if (level >= 64) return fail(Errc::invalid_argument, "ledger store: tree level {} out of range", level);
  auto hashes = do_tree_chunk(level, index);
  if (hashes && hashes->size() != MerkleTree::kChunkSize)
    return fail(Errc::corrupt, "ledger store: tree chunk (level {}, chunk {}) holds {} hashes, want {}", level, index,
                hashes->size(), MerkleTree::kChunkSize);
  return hashes;
}

Status LedgerStore::scan_tree_chunks(const ChunkVisitor& visit) {
  if (!visit) return fail(Errc::invalid_argument, "ledger store: no visitor");
  return do_scan_tree_chunks(visit);
}

Result<std::int64_t> LedgerStore::add_checkpoint(const StoredCheckpoint& checkpoint) {
  if (checkpoint.note.empty()) return fail(Errc::invalid_argument, "ledger store: empty checkpoint note");
  return do_add_checkpoint(checkpoint);
}

Result<std::vector<StoredCheckpoint>> LedgerStore::checkpoints() { return do_checkpoints(); }
Result<std::optional<StoredCheckpoint>> LedgerStore::latest_checkpoint() { return do_latest_checkpoint(); }

Status LedgerStore::add_cosignature(std::int64_t checkpoint_id, const Cosignature& cosignature) {
  if (cosignature.witness.empty()) return fail(Errc::invalid_argument, "ledger store: cosignature without a witness name");
  return do_add_cosignature(checkpoint_id, cosignature);
}

Result<std::vector<StoredCosignature>> LedgerStore::cosignatures() { return do_cosignatures(); }

Result<std::optional<std::string>> LedgerStore::get_meta(std::string_view key) { return do_get_meta(key); }

Status LedgerStore::set_meta(std::string_view key, std::string_view value) {
  if (key.empty()) return fail(Errc::invalid_argument, "ledger store: empty meta key");
  return do_set_meta(key, value);
}

}  // namespace mamori::ledger
