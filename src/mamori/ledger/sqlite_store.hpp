#pragma once
// The embedded ledger store: one SQLite database in WAL mode. Schema (version 1,
// PRAGMA user_version) is documented in docs/ledger.md.
#include <memory>
#include <string>

#include "mamori/ledger/store.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace mamori::ledger {

class SqliteLedgerStore final : public LedgerStore {
 public:
  struct Options {
    bool create = false;     // create the file and schema if missing
    bool read_only = false;  // verify/show/prove never write
    // FULL fsyncs the WAL at every commit (an acknowledged append survives a
    // power cut); NORMAL only guarantees consistency.
    bool full_sync = true;
  };
  static Result<std::unique_ptr<SqliteLedgerStore>> open(const std::string& path, const Options& options);
  ~SqliteLedgerStore() override;
  SqliteLedgerStore(const SqliteLedgerStore&) = delete;
  SqliteLedgerStore& operator=(const SqliteLedgerStore&) = delete;

  const std::string& path() const noexcept { return path_; }

 protected:
  Status do_append(std::span<const StoredEntry> entries, std::span<const TreeChunk> chunks) override;
  Result<std::uint64_t> do_next_index() override;
  Status do_scan_entries(std::uint64_t from, std::uint64_t limit, const EntryVisitor& visit) override;
  Result<std::vector<Hash>> do_leaf_hashes(std::uint64_t from, std::uint64_t count) override;
  Result<std::vector<Hash>> do_tree_chunk(unsigned level, std::uint64_t index) override;
  Status do_scan_tree_chunks(const ChunkVisitor& visit) override;
  Result<std::int64_t> do_add_checkpoint(const StoredCheckpoint& checkpoint) override;
  Result<std::vector<StoredCheckpoint>> do_checkpoints() override;
  Result<std::optional<StoredCheckpoint>> do_latest_checkpoint() override;
  Status do_add_cosignature(std::int64_t checkpoint_id, const Cosignature& cosignature) override;
  Result<std::vector<StoredCosignature>> do_cosignatures() override;
  Result<std::optional<std::string>> do_get_meta(std::string_view key) override;
  Status do_set_meta(std::string_view key, std::string_view value) override;

 private:
  struct Statements;
  SqliteLedgerStore(sqlite3* db, std::string path);
  Status exec(const char* sql);
  Result<sqlite3_stmt*> prepare(const char* sql);
  tl::unexpected<Error> sqlite_error(std::string_view what) const;

  sqlite3* db_ = nullptr;
  std::string path_;
  std::unique_ptr<Statements> statements_;
};

}  // namespace mamori::ledger
