#include "mamori/ledger/sqlite_store.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <cstring>

namespace mamori::ledger {

namespace {

constexpr int kSchemaVersion = 1;

// Entries and tree chunks are append-only; the triggers stop accidental
// edits through SQL. They are no security boundary (anyone who can write the
// file can drop them): `mamori ledger verify` is what detects tampering.
constexpr const char* kSchema = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE entries (
  seq       INTEGER PRIMARY KEY,   -- leaf index, from 0
  time_ns   INTEGER NOT NULL,      -- Unix epoch, nanoseconds, UTC
  kind      TEXT NOT NULL,
  actor     TEXT NOT NULL,
  body      TEXT NOT NULL,         -- canonical JSON: hashes and counts
  leaf_hash BLOB NOT NULL          -- SHA-256(0x00 || leaf data), 32 bytes
);
CREATE TABLE tree_chunks (
  level  INTEGER NOT NULL,         -- 0 = leaf hashes
  chunk  INTEGER NOT NULL,         -- nodes [chunk*256, chunk*256+256) of the level
  hashes BLOB NOT NULL,            -- 256 x 32 bytes
  PRIMARY KEY (level, chunk)
);
CREATE TABLE checkpoints (
  id      INTEGER PRIMARY KEY,
  size    INTEGER NOT NULL,
  root    BLOB NOT NULL,
  time_ns INTEGER NOT NULL,
  note    TEXT NOT NULL            -- the signed note as issued
);
CREATE TABLE cosignatures (
  id            INTEGER PRIMARY KEY,
  checkpoint_id INTEGER NOT NULL REFERENCES checkpoints(id),
  witness       TEXT NOT NULL,     -- witness key name
  key_id        INTEGER NOT NULL,  -- 32-bit key ID (type 0x04)
  timestamp     INTEGER NOT NULL,  -- POSIX seconds, signed
  signature     BLOB NOT NULL,     -- 64-byte Ed25519 signature
  UNIQUE (checkpoint_id, witness, key_id)
);
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
  BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
  BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TRIGGER tree_chunks_no_update BEFORE UPDATE ON tree_chunks
  BEGIN SELECT RAISE(ABORT, 'ledger tree chunks are append-only'); END;
CREATE TRIGGER tree_chunks_no_delete BEFORE DELETE ON tree_chunks
  BEGIN SELECT RAISE(ABORT, 'ledger tree chunks are append-only'); END;
PRAGMA user_version = 1;
)sql";

struct StmtDeleter {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

// Resets a cached statement when leaving scope, whatever the path.
class Reset {
 public:
  explicit Reset(sqlite3_stmt* s) noexcept : s_(s) {}
  ~Reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  Reset(const Reset&) = delete;
  Reset& operator=(const Reset&) = delete;

 private:
  sqlite3_stmt* s_;
};

std::string_view column_text(sqlite3_stmt* s, int col) noexcept {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, col));
  return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(s, col))) : std::string_view{};
}

// A stored hash of the wrong length reads as all zeros, which can never match
// a real hash: verify then reports the record instead of the read failing.
Hash column_hash(sqlite3_stmt* s, int col) noexcept {
  Hash h{};
  const void* p = sqlite3_column_blob(s, col);
  if (p != nullptr && sqlite3_column_bytes(s, col) == 32) std::memcpy(h.data(), p, 32);
  return h;
}

std::uint64_t column_u64(sqlite3_stmt* s, int col) noexcept {
  return static_cast<std::uint64_t>(sqlite3_column_int64(s, col));
}

}  // namespace

struct SqliteLedgerStore::Statements {
  Stmt insert_entry;
  Stmt insert_chunk;
  Stmt select_chunk;
  Stmt max_seq;
};

SqliteLedgerStore::SqliteLedgerStore(sqlite3* db, std::string path)
    : db_(db), path_(std::move(path)), statements_(std::make_unique<Statements>()) {}

SqliteLedgerStore::~SqliteLedgerStore() {
  statements_.reset();
  sqlite3_close_v2(db_);
}

tl::unexpected<Error> SqliteLedgerStore::sqlite_error(std::string_view what) const {
  return fail(Errc::io_error, "{}: {}: {}", path_, what, sqlite3_errmsg(db_));
}

Status SqliteLedgerStore::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string message = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    return fail(Errc::io_error, "{}: {}", path_, message);
  }
  return {};
}

Result<sqlite3_stmt*> SqliteLedgerStore::prepare(const char* sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
    return sqlite_error("cannot prepare statement");
  return s;
}

Result<std::unique_ptr<SqliteLedgerStore>> SqliteLedgerStore::open(const std::string& path, const Options& options) {
  struct stat st {};
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (!exists && !options.create) return fail(Errc::not_found, "{}: no such ledger database", path);
  if (!exists && options.read_only) return fail(Errc::not_found, "{}: no such ledger database", path);
  int flags = SQLITE_OPEN_NOMUTEX | (options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
  if (options.create && !options.read_only) flags |= SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  std::unique_ptr<SqliteLedgerStore> store(new SqliteLedgerStore(raw, path));
  if (rc != SQLITE_OK) return store->sqlite_error("cannot open");
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 10000);

  // Reads during verify stream the whole file: map it and keep a large cache.
  if (auto ok = store->exec("PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;"); !ok)
    return tl::unexpected(ok.error());

  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(raw, "PRAGMA user_version", -1, &s, nullptr) != SQLITE_OK) return store->sqlite_error("cannot read");
  Stmt version_stmt(s);
  if (sqlite3_step(s) != SQLITE_ROW) return store->sqlite_error("not a database");
  const int version = sqlite3_column_int(s, 0);
  version_stmt.reset();

  if (version == 0) {
    if (sqlite3_prepare_v2(raw, "SELECT count(*) FROM sqlite_master", -1, &s, nullptr) != SQLITE_OK)
      return store->sqlite_error("not a database");
    Stmt count_stmt(s);
    if (sqlite3_step(s) != SQLITE_ROW) return store->sqlite_error("not a database");
    const bool empty = sqlite3_column_int(s, 0) == 0;
    count_stmt.reset();
    if (!empty) return fail(Errc::unsupported, "{}: not a mamori ledger database", path);
    if (options.read_only || !options.create) return fail(Errc::not_found, "{}: empty database, not a ledger", path);
    if (auto ok = store->exec("PRAGMA journal_mode = WAL"); !ok) return tl::unexpected(ok.error());
    if (auto ok = store->exec("BEGIN IMMEDIATE"); !ok) return tl::unexpected(ok.error());
    if (auto ok = store->exec(kSchema); !ok) {
      (void)store->exec("ROLLBACK");
      return tl::unexpected(ok.error());
    }
    if (auto ok = store->exec("COMMIT"); !ok) return tl::unexpected(ok.error());
  } else if (version != kSchemaVersion) {
    return fail(Errc::unsupported, "{}: ledger schema version {} is not supported (this build reads version {})", path,
                version, kSchemaVersion);
  }

  if (!options.read_only) {
    if (auto ok = store->exec(options.full_sync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL"); !ok)
      return tl::unexpected(ok.error());
    if (auto ok = store->exec("PRAGMA foreign_keys = ON"); !ok) return tl::unexpected(ok.error());
  }

  auto& st_ = *store->statements_;
  auto prep = [&](Stmt& slot, const char* sql) -> Status {
    auto p = store->prepare(sql);
    if (!p) return tl::unexpected(p.error());
    slot.reset(*p);
    return {};
  };
  if (!options.read_only) {
    if (auto ok = prep(st_.insert_entry,
                       "INSERT INTO entries (seq, time_ns, kind, actor, body, leaf_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        !ok)
      return tl::unexpected(ok.error());
    if (auto ok = prep(st_.insert_chunk, "INSERT INTO tree_chunks (level, chunk, hashes) VALUES (?1, ?2, ?3)"); !ok)
      return tl::unexpected(ok.error());
  }
  if (auto ok = prep(st_.select_chunk, "SELECT hashes FROM tree_chunks WHERE level = ?1 AND chunk = ?2"); !ok)
    return tl::unexpected(ok.error());
  if (auto ok = prep(st_.max_seq, "SELECT max(seq) FROM entries"); !ok) return tl::unexpected(ok.error());
  return store;
}

Result<std::uint64_t> SqliteLedgerStore::do_next_index() {
  sqlite3_stmt* s = statements_->max_seq.get();
  Reset reset(s);
  if (sqlite3_step(s) != SQLITE_ROW) return sqlite_error("cannot read the log size");
  if (sqlite3_column_type(s, 0) == SQLITE_NULL) return std::uint64_t{0};
  return column_u64(s, 0) + 1;
}

Status SqliteLedgerStore::do_append(std::span<const StoredEntry> entries, std::span<const TreeChunk> chunks) {
  if (!statements_->insert_entry) return fail(Errc::invalid_argument, "{}: opened read-only", path_);
  if (auto ok = exec("BEGIN IMMEDIATE"); !ok) return ok;
  auto body = [&]() -> Status {
    auto next = do_next_index();
    if (!next) return tl::unexpected(next.error());
    if (*next != entries.front().entry.index)
      return fail(Errc::invalid_argument,
                  "{}: the stored log continues at index {}, not {} (another writer appended meanwhile?)", path_, *next,
                  entries.front().entry.index);
    sqlite3_stmt* s = statements_->insert_entry.get();
    for (const auto& se : entries) {
      const Entry& e = se.entry;
      Reset reset(s);
      sqlite3_bind_int64(s, 1, static_cast<sqlite3_int64>(e.index));
      sqlite3_bind_int64(s, 2, static_cast<sqlite3_int64>(e.time));
      sqlite3_bind_text(s, 3, e.kind.data(), static_cast<int>(e.kind.size()), SQLITE_STATIC);
      sqlite3_bind_text(s, 4, e.actor.data(), static_cast<int>(e.actor.size()), SQLITE_STATIC);
      sqlite3_bind_text(s, 5, e.body.data(), static_cast<int>(e.body.size()), SQLITE_STATIC);
      sqlite3_bind_blob(s, 6, se.leaf_hash.data(), 32, SQLITE_STATIC);
      if (sqlite3_step(s) != SQLITE_DONE) return sqlite_error(fmt::format("cannot append entry {}", e.index));
    }
    s = statements_->insert_chunk.get();
    for (const auto& c : chunks) {
      Reset reset(s);
      sqlite3_bind_int(s, 1, static_cast<int>(c.level));
      sqlite3_bind_int64(s, 2, static_cast<sqlite3_int64>(c.index));
      sqlite3_bind_blob(s, 3, c.hashes.data(), static_cast<int>(c.hashes.size() * sizeof(Hash)), SQLITE_STATIC);
      if (sqlite3_step(s) != SQLITE_DONE)
        return sqlite_error(fmt::format("cannot store tree chunk (level {}, chunk {})", c.level, c.index));
    }
    return exec("COMMIT");
  };
  Status st = body();
  if (!st) (void)exec("ROLLBACK");
  return st;
}

Status SqliteLedgerStore::do_scan_entries(std::uint64_t from, std::uint64_t limit, const EntryVisitor& visit) {
  auto p = prepare("SELECT seq, time_ns, kind, actor, body, leaf_hash FROM entries WHERE seq >= ?1 ORDER BY seq LIMIT ?2");
  if (!p) return tl::unexpected(p.error());
  Stmt stmt(*p);
  sqlite3_stmt* s = stmt.get();
  sqlite3_bind_int64(s, 1, static_cast<sqlite3_int64>(from));
  sqlite3_bind_int64(s, 2, static_cast<sqlite3_int64>(limit));
  StoredEntry row;
  for (;;) {
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) return {};
    if (rc != SQLITE_ROW) return sqlite_error("cannot read entries");
    row.entry.index = column_u64(s, 0);
    row.entry.time = column_u64(s, 1);
    row.entry.kind.assign(column_text(s, 2));
    row.entry.actor.assign(column_text(s, 3));
    row.entry.body.assign(column_text(s, 4));
    row.leaf_hash = column_hash(s, 5);
    if (auto ok = visit(row); !ok) return ok;
  }
}

Result<std::vector<Hash>> SqliteLedgerStore::do_leaf_hashes(std::uint64_t from, std::uint64_t count) {
  auto p = prepare("SELECT leaf_hash FROM entries WHERE seq >= ?1 AND seq < ?2 ORDER BY seq");
  if (!p) return tl::unexpected(p.error());
  Stmt stmt(*p);
  sqlite3_stmt* s = stmt.get();
  sqlite3_bind_int64(s, 1, static_cast<sqlite3_int64>(from));
  sqlite3_bind_int64(s, 2, static_cast<sqlite3_int64>(from + count));
  std::vector<Hash> out;
  out.reserve(count);
  for (;;) {
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return sqlite_error("cannot read leaf hashes");
    if (sqlite3_column_bytes(s, 0) != 32) return fail(Errc::corrupt, "{}: a stored leaf hash is not 32 bytes", path_);
    out.push_back(column_hash(s, 0));
  }
}

Result<std::vector<Hash>> SqliteLedgerStore::do_tree_chunk(unsigned level, std::uint64_t index) {
  sqlite3_stmt* s = statements_->select_chunk.get();
  Reset reset(s);
  sqlite3_bind_int(s, 1, static_cast<int>(level));
  sqlite3_bind_int64(s, 2, static_cast<sqlite3_int64>(index));
  int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE)
    return fail(Errc::not_found, "{}: tree chunk (level {}, chunk {}) is missing; run `mamori ledger verify`", path_, level,
                index);
  if (rc != SQLITE_ROW) return sqlite_error("cannot read a tree chunk");
  const auto bytes = static_cast<std::size_t>(sqlite3_column_bytes(s, 0));
  std::vector<Hash> out(bytes / sizeof(Hash));
  if (!out.empty()) std::memcpy(out.data(), sqlite3_column_blob(s, 0), out.size() * sizeof(Hash));
  return out;
}

Status SqliteLedgerStore::do_scan_tree_chunks(const ChunkVisitor& visit) {
  auto p = prepare("SELECT level, chunk, hashes FROM tree_chunks ORDER BY level, chunk");
  if (!p) return tl::unexpected(p.error());
  Stmt stmt(*p);
  sqlite3_stmt* s = stmt.get();
  TreeChunk chunk;
  for (;;) {
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) return {};
    if (rc != SQLITE_ROW) return sqlite_error("cannot read tree chunks");
    chunk.level = static_cast<unsigned>(sqlite3_column_int(s, 0));
    chunk.index = column_u64(s, 1);
    const auto bytes = static_cast<std::size_t>(sqlite3_column_bytes(s, 2));
    chunk.hashes.resize(bytes / sizeof(Hash));
    if (!chunk.hashes.empty()) std::memcpy(chunk.hashes.data(), sqlite3_column_blob(s, 2), chunk.hashes.size() * sizeof(Hash));
    if (auto ok = visit(chunk); !ok) return ok;
  }
}

Result<std::int64_t> SqliteLedgerStore::do_add_checkpoint(const StoredCheckpoint& cp) {
  auto p = prepare("INSERT INTO checkpoints (size, root, time_ns, note) VALUES (?1, ?2, ?3, ?4)");
  if (!p) return tl::unexpected(p.error());
  Stmt stmt(*p);
  sqlite3_stmt* s = stmt.get();
  sqlite3_bind_int64(s, 1, static_cast<sqlite3_int64>(cp.size));
  sqlite3_bind_blob(s, 2, cp.root.data(), 32, SQLITE_STATIC);
  sqlite3_bind_int64(s, 3, static_cast<sqlite3_int64>(cp.time));
  sqlite3_bind_text(s, 4, cp.note.data(), static_cast<int>(cp.note.size()), SQLITE_STATIC);
  if (sqlite3_step(s) != SQLITE_DONE) return sqlite_error("cannot store the checkpoint");
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_));
}

namespace {
StoredCheckpoint read_checkpoint(sqlite3_stmt* s) {
  StoredCheckpoint cp;
  cp.id = sqlite3_column_int64(s, 0);
  cp.size = column_u64(s, 1);
  cp.root = column_hash(s, 2);
  cp.time = column_u64(s, 3);
  cp.note.assign(column_text(s, 4));
  return cp;
}
}  // namespace

Result<std::vector<StoredCheckpoint>> SqliteLedgerStore::do_checkpoints() {
  auto p = prepare("SELECT id, size, root, time_ns, note FROM checkpoints ORDER BY id");
  if (!p) return tl::unexpected(p.error());
  Stmt stmt(*p);
  std::vector<StoredCheckpoint> out;
  for (;;) {
    int rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return sqlite_error("cannot read checkpoints");
    out.push_back(read_checkpoint(stmt.get()));
  }
}

Result<std::optional<StoredCheckpoint>> SqliteLedgerStore::do_latest_checkpoint() {
  auto p = prepare("SELECT id, size, root, time_ns, note FROM checkpoints ORDER BY id DESC LIMIT 1");
  if (!p) return tl::unexpected(p.error());
  Stmt stmt(*p);
  int rc = sqlite3_step(stmt.get());
  if (rc == SQLITE_DONE) return std::optional<StoredCheckpoint>{};
  if (rc != SQLITE_ROW) return sqlite_error("cannot read checkpoints");
  return std::optional<StoredCheckpoint>{read_checkpoint(stmt.get())};
}

Status SqliteLedgerStore::do_add_cosignature(std::int64_t checkpoint_id, const Cosignature& c) {
  auto p = prepare(
      "INSERT INTO cosignatures (checkpoint_id, witness, key_id, timestamp, signature) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!p) return tl::unexpected(p.error());
  Stmt stmt(*p);
  sqlite3_stmt* s = stmt.get();
  sqlite3_bind_int64(s, 1, checkpoint_id);
  sqlite3_bind_text(s, 2, c.witness.data(), static_cast<int>(c.witness.size()), SQLITE_STATIC);
  sqlite3_bind_int64(s, 3, static_cast<sqlite3_int64>(c.key_id));
  sqlite3_bind_int64(s, 4, static_cast<sqlite3_int64>(c.timestamp));
  sqlite3_bind_blob(s, 5, c.signature.data(), static_cast<int>(c.signature.size()), SQLITE_STATIC);
  if (sqlite3_step(s) != SQLITE_DONE) return sqlite_error("cannot store the cosignature");
  return {};
}

Result<std::vector<StoredCosignature>> SqliteLedgerStore::do_cosignatures() {
  auto p = prepare("SELECT id, checkpoint_id, witness, key_id, timestamp, signature FROM cosignatures ORDER BY id");
  if (!p) return tl::unexpected(p.error());
  Stmt stmt(*p);
  sqlite3_stmt* s = stmt.get();
  std::vector<StoredCosignature> out;
  for (;;) {
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return sqlite_error("cannot read cosignatures");
    StoredCosignature c;
    c.id = sqlite3_column_int64(s, 0);
    c.checkpoint_id = sqlite3_column_int64(s, 1);
    c.cosignature.witness.assign(column_text(s, 2));
    c.cosignature.key_id = static_cast<std::uint32_t>(sqlite3_column_int64(s, 3));
    c.cosignature.timestamp = column_u64(s, 4);
    // A signature of the wrong length reads as zeros and fails verification.
    if (sqlite3_column_bytes(s, 5) == 64) std::memcpy(c.cosignature.signature.data(), sqlite3_column_blob(s, 5), 64);
    out.push_back(std::move(c));
  }
}

Result<std::optional<std::string>> SqliteLedgerStore::do_get_meta(std::string_view key) {
  auto p = prepare("SELECT value FROM meta WHERE key = ?1");
  if (!p) return tl::unexpected(p.error());
  Stmt stmt(*p);
  sqlite3_bind_text(stmt.get(), 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  int rc = sqlite3_step(stmt.get());
  if (rc == SQLITE_DONE) return std::optional<std::string>{};
  if (rc != SQLITE_ROW) return sqlite_error("cannot read meta");
  return std::optional<std::string>{std::string(column_text(stmt.get(), 0))};
}

Status SqliteLedgerStore::do_set_meta(std::string_view key, std::string_view value) {
  auto p = prepare("INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  if (!p) return tl::unexpected(p.error());
  Stmt stmt(*p);
  sqlite3_bind_text(stmt.get(), 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  sqlite3_bind_text(stmt.get(), 2, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
  if (sqlite3_step(stmt.get()) != SQLITE_DONE) return sqlite_error("cannot write meta");
  return {};
}

}  // namespace mamori::ledger
