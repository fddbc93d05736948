#include "mamori/store/sqlite/sqlite_hub_store.hpp"

#include <sqlite3.h>

#include <unordered_map>

#include "mamori/store/migration.hpp"
#include "mamori/store/row_codec.hpp"

namespace mamori::store {

// One SQLite connection with its prepared statements, cached by the address
// of their SQL text (each statement is a constant below).
class SqliteConnection {
 public:
  SqliteConnection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteConnection() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  sqlite3* db() const noexcept { return db_; }

  tl::unexpected<Error> error(std::string_view what) const {
    return fail(Errc::io_error, "sqlite {}: {}: {}", path_, what, sqlite3_errmsg(db_));
  }

  Status exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string message = err ? err : sqlite3_errmsg(db_);
      sqlite3_free(err);
      return fail(Errc::io_error, "sqlite {}: {}", path_, message);
    }
    return {};
  }

  Result<sqlite3_stmt*> statement(const char* sql) {
    if (auto it = cache_.find(sql); it != cache_.end()) return it->second;
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
      return error("cannot prepare statement");
    cache_.emplace(sql, s);
    return s;
  }

 private:
  sqlite3* db_;
  std::string path_;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;
};

namespace {

using Conn = SqliteConnection;

// A bound execution of a cached statement; resets it when done, on any path.
class Query {
 public:
  Query(Conn& conn, sqlite3_stmt* s) noexcept : conn_(conn), s_(s) {}
  ~Query() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  Query& text(std::string_view v) {
    ok_ &= sqlite3_bind_text(s_, ++n_, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) == SQLITE_OK;
    return *this;
  }
  Query& i64(std::int64_t v) {
    ok_ &= sqlite3_bind_int64(s_, ++n_, v) == SQLITE_OK;
    return *this;
  }
  Query& f64(double v) {
    ok_ &= sqlite3_bind_double(s_, ++n_, v) == SQLITE_OK;
    return *this;
  }
  Query& null() {
    ok_ &= sqlite3_bind_null(s_, ++n_) == SQLITE_OK;
    return *this;
  }
  Query& opt_text(const std::optional<std::string>& v) { return v ? text(*v) : null(); }

  // true: a row is ready; false: done.
  Result<bool> step() {
    if (!ok_) return conn_.error("cannot bind parameter");
    const int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return conn_.error("statement failed");
  }
  Status run() {
    auto r = step();
    if (!r) return tl::unexpected(r.error());
    return {};
  }

  std::int64_t col_i64(int c) const noexcept { return sqlite3_column_int64(s_, c); }
  double col_f64(int c) const noexcept { return sqlite3_column_double(s_, c); }
  std::string col_text(int c) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, c));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s_, c))) : std::string();
  }
  int changes() const noexcept { return sqlite3_changes(conn_.db()); }

 private:
  Conn& conn_;
  sqlite3_stmt* s_;
  int n_ = 0;
  bool ok_ = true;
};

Result<std::unique_ptr<Query>> query(Conn& conn, const char* sql) {
  auto s = conn.statement(sql);
  if (!s) return tl::unexpected(s.error());
  return std::make_unique<Query>(conn, *s);
}

// BEGIN IMMEDIATE ... COMMIT, rolled back unless committed.
class Transaction {
 public:
  explicit Transaction(Conn& conn) : conn_(conn) {}
  ~Transaction() {
    if (open_) (void)conn_.exec("ROLLBACK");
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Status begin() {
    auto ok = conn_.exec("BEGIN IMMEDIATE");
    open_ = ok.has_value();
    return ok;
  }
  Status commit() {
    auto ok = conn_.exec("COMMIT");
    if (ok) open_ = false;
    return ok;
  }

 private:
  Conn& conn_;
  bool open_ = false;
};

#define MAMORI_TRY(expr)                                   \
  if (auto _ok = (expr); !_ok) return tl::unexpected(_ok.error())

constexpr const char kSelectOrg[] =
    "SELECT id, name, sector, tier, ministry, clearance, contacts, ip_ranges, asns, domains, created_ns, updated_ns, "
    "version FROM organisations WHERE id = ?1";
constexpr const char kListOrgs[] =
    "SELECT id, name, sector, tier, ministry, clearance, contacts, ip_ranges, asns, domains, created_ns, updated_ns, "
    "version FROM organisations WHERE id > ?1 AND (?2 IS NULL OR sector = ?2) ORDER BY id LIMIT ?3";
constexpr const char kInsertOrg[] =
    "INSERT INTO organisations (id, name, sector, tier, ministry, clearance, contacts, ip_ranges, asns, domains, "
    "created_ns, updated_ns, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
    "ON CONFLICT (id) DO NOTHING";
constexpr const char kUpdateOrg[] =
    "UPDATE organisations SET name = ?2, sector = ?3, tier = ?4, ministry = ?5, clearance = ?6, contacts = ?7, "
    "ip_ranges = ?8, asns = ?9, domains = ?10, updated_ns = ?11, version = version + 1 "
    "WHERE id = ?1 AND (?12 IS NULL OR version = ?12)";
constexpr const char kOrgExists[] = "SELECT 1 FROM organisations WHERE id = ?1";
constexpr const char kDeleteRanges[] = "DELETE FROM org_ip_ranges WHERE org_id = ?1";
constexpr const char kDeleteAsns[] = "DELETE FROM org_asns WHERE org_id = ?1";
constexpr const char kDeleteDomains[] = "DELETE FROM org_domains WHERE org_id = ?1";
constexpr const char kInsertRange[] =
    "INSERT INTO org_ip_ranges (org_id, cidr, first_addr, last_addr) VALUES (?1, ?2, ?3, ?4)";
constexpr const char kInsertAsn[] = "INSERT INTO org_asns (org_id, asn) VALUES (?1, ?2)";
constexpr const char kInsertDomain[] = "INSERT INTO org_domains (org_id, domain) VALUES (?1, ?2)";

constexpr const char kSelectKey[] =
    "SELECT id, secret_hash, role, org_id, name, created_by, created_ns, revoked_ns FROM api_keys WHERE id = ?1";
constexpr const char kListKeys[] =
    "SELECT id, secret_hash, role, org_id, name, created_by, created_ns, revoked_ns FROM api_keys "
    "WHERE (?1 IS NULL OR org_id = ?1) ORDER BY id";
constexpr const char kCountKeys[] = "SELECT count(*) FROM api_keys";
constexpr const char kInsertKey[] =
    "INSERT INTO api_keys (id, secret_hash, role, org_id, name, created_by, created_ns, revoked_ns) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0) ON CONFLICT (id) DO NOTHING";
constexpr const char kRevokeKey[] =
    "UPDATE api_keys SET revoked_ns = CASE WHEN revoked_ns = 0 THEN ?2 ELSE revoked_ns END WHERE id = ?1";

constexpr const char kSelectFinding[] =
    "SELECT id, carrier_org, detector, endpoint, kind, role, ports, proto, score, first_seen_ns, last_seen_ns, flows, "
    "packets, bytes, peers, sample_peers, metrics, summary, status, notes, reports, received_ns, updated_ns "
    "FROM findings WHERE id = ?1";
constexpr const char kListFindings[] =
    "SELECT id, carrier_org, detector, endpoint, kind, role, ports, proto, score, first_seen_ns, last_seen_ns, flows, "
    "packets, bytes, peers, sample_peers, metrics, summary, status, notes, reports, received_ns, updated_ns "
    "FROM findings WHERE id > ?1 AND (?2 IS NULL OR carrier_org = ?2) AND (?3 IS NULL OR kind = ?3) "
    "AND (?4 IS NULL OR endpoint = ?4) AND (?5 IS NULL OR status = ?5) AND (?6 IS NULL OR score >= ?6) "
    "AND (?7 IS NULL OR last_seen_ns >= ?7) ORDER BY id LIMIT ?8";
// A repeat of the same (carrier, detector, endpoint, kind) widens the time
// span and takes the evidence of whichever report saw the endpoint last.
constexpr const char kUpsertFinding[] =
    "INSERT INTO findings (carrier_org, detector, endpoint, kind, role, ports, proto, score, first_seen_ns, "
    "last_seen_ns, flows, packets, bytes, peers, sample_peers, metrics, summary, status, notes, reports, "
    "received_ns, updated_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
    "'new', '', 1, ?18, ?18) "
    "ON CONFLICT (carrier_org, detector, endpoint, kind) DO UPDATE SET "
    "role = CASE WHEN excluded.last_seen_ns >= findings.last_seen_ns THEN excluded.role ELSE findings.role END, "
    "ports = CASE WHEN excluded.last_seen_ns >= findings.last_seen_ns THEN excluded.ports ELSE findings.ports END, "
    "proto = CASE WHEN excluded.last_seen_ns >= findings.last_seen_ns THEN excluded.proto ELSE findings.proto END, "
    "score = CASE WHEN excluded.last_seen_ns >= findings.last_seen_ns THEN excluded.score ELSE findings.score END, "
    "flows = CASE WHEN excluded.last_seen_ns >= findings.last_seen_ns THEN excluded.flows ELSE findings.flows END, "
    "packets = CASE WHEN excluded.last_seen_ns >= findings.last_seen_ns THEN excluded.packets ELSE findings.packets END, "
    "bytes = CASE WHEN excluded.last_seen_ns >= findings.last_seen_ns THEN excluded.bytes ELSE findings.bytes END, "
    "peers = CASE WHEN excluded.last_seen_ns >= findings.last_seen_ns THEN excluded.peers ELSE findings.peers END, "
    "sample_peers = CASE WHEN excluded.last_seen_ns >= findings.last_seen_ns THEN excluded.sample_peers "
    "ELSE findings.sample_peers END, "
    "metrics = CASE WHEN excluded.last_seen_ns >= findings.last_seen_ns THEN excluded.metrics ELSE findings.metrics END, "
    "summary = CASE WHEN excluded.last_seen_ns >= findings.last_seen_ns THEN excluded.summary ELSE findings.summary END, "
    "first_seen_ns = min(findings.first_seen_ns, excluded.first_seen_ns), "
    "last_seen_ns = max(findings.last_seen_ns, excluded.last_seen_ns), "
    "reports = findings.reports + 1, updated_ns = excluded.updated_ns "
    "RETURNING id, reports";
constexpr const char kTriageFinding[] =
    "UPDATE findings SET status = ?2, notes = coalesce(?3, notes), updated_ns = ?4 WHERE id = ?1";

constexpr const char kInsertAccess[] =
    "INSERT INTO access_log (time_ns, key_id, actor_org, subject_org, action, resource, purpose) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr const char kListAccess[] =
    "SELECT id, time_ns, key_id, actor_org, subject_org, action, resource, purpose FROM access_log "
    "WHERE subject_org = ?1 AND id > ?2 ORDER BY id LIMIT ?3";

constexpr const char kClaimIdem[] =
    "INSERT INTO idempotency_keys (key_id, idem_key, request_hash, result_ids, created_ns) "
    "VALUES (?1, ?2, ?3, '', ?4) ON CONFLICT (key_id, idem_key) DO NOTHING";
constexpr const char kSelectIdem[] =
    "SELECT request_hash, result_ids FROM idempotency_keys WHERE key_id = ?1 AND idem_key = ?2";
constexpr const char kFinishIdem[] =
    "UPDATE idempotency_keys SET result_ids = ?3 WHERE key_id = ?1 AND idem_key = ?2";

Result<Organisation> read_org(const Query& q) {
  Organisation o;
  o.id = q.col_text(0);
  o.name = q.col_text(1);
  o.sector = q.col_text(2);
  o.tier = static_cast<int>(q.col_i64(3));
  o.ministry = q.col_text(4);
  o.clearance = static_cast<int>(q.col_i64(5));
  auto contacts = contacts_from_json(q.col_text(6));
  auto ranges = strings_from_json(q.col_text(7));
  auto asns = asns_from_json(q.col_text(8));
  auto domains = strings_from_json(q.col_text(9));
  if (!contacts || !ranges || !asns || !domains) return fail(Errc::corrupt, "organisation {}: corrupt lists", o.id);
  o.contacts = std::move(*contacts);
  o.ip_ranges = std::move(*ranges);
  o.asns = std::move(*asns);
  o.domains = std::move(*domains);
  o.created = static_cast<TimeNs>(q.col_i64(10));
  o.updated = static_cast<TimeNs>(q.col_i64(11));
  o.version = q.col_i64(12);
  return o;
}

ApiKey read_key(const Query& q) {
  ApiKey k;
  k.id = q.col_text(0);
  k.secret_hash = q.col_text(1);
  k.role = parse_role(q.col_text(2)).value_or(Role::operator_);
  k.org_id = q.col_text(3);
  k.name = q.col_text(4);
  k.created_by = q.col_text(5);
  k.created = static_cast<TimeNs>(q.col_i64(6));
  k.revoked = static_cast<TimeNs>(q.col_i64(7));
  return k;
}

FindingRecord read_finding(const Query& q) {
  FindingRecord f;
  f.id = q.col_i64(0);
  f.carrier_org = q.col_text(1);
  f.detector = q.col_text(2);
  f.endpoint = q.col_text(3);
  f.kind = q.col_text(4);
  f.role = q.col_text(5);
  f.ports_json = q.col_text(6);
  f.proto = static_cast<int>(q.col_i64(7));
  f.score = q.col_f64(8);
  f.first_seen = static_cast<TimeNs>(q.col_i64(9));
  f.last_seen = static_cast<TimeNs>(q.col_i64(10));
  f.flows = static_cast<std::uint64_t>(q.col_i64(11));
  f.packets = static_cast<std::uint64_t>(q.col_i64(12));
  f.bytes = static_cast<std::uint64_t>(q.col_i64(13));
  f.peers = static_cast<std::uint64_t>(q.col_i64(14));
  f.sample_peers_json = q.col_text(15);
  f.metrics_json = q.col_text(16);
  f.summary = q.col_text(17);
  f.status = parse_finding_status(q.col_text(18)).value_or(FindingStatus::new_);
  f.notes = q.col_text(19);
  f.reports = q.col_i64(20);
  f.received = static_cast<TimeNs>(q.col_i64(21));
  f.updated = static_cast<TimeNs>(q.col_i64(22));
  return f;
}

// Binds the organisation's fields in kInsertOrg/kUpdateOrg order (?1..?10).
void bind_org_fields(Query& q, const Organisation& o) {
  q.text(o.id).text(o.name).text(o.sector).i64(o.tier).text(o.ministry).i64(o.clearance)
      .text(contacts_to_json(o.contacts)).text(strings_to_json(o.ip_ranges)).text(asns_to_json(o.asns))
      .text(strings_to_json(o.domains));
}

Status replace_org_lists(Conn& c, const Organisation& o) {
  for (const char* sql : {kDeleteRanges, kDeleteAsns, kDeleteDomains}) {
    auto q = query(c, sql);
    if (!q) return tl::unexpected(q.error());
    MAMORI_TRY((*q)->text(o.id).run());
  }
  for (const auto& cidr : o.ip_ranges) {
    auto bounds = cidr_bounds_hex(cidr);
    if (!bounds) return tl::unexpected(bounds.error());
    auto q = query(c, kInsertRange);
    if (!q) return tl::unexpected(q.error());
    MAMORI_TRY((*q)->text(o.id).text(cidr).text(bounds->first).text(bounds->second).run());
  }
  for (auto asn : o.asns) {
    auto q = query(c, kInsertAsn);
    if (!q) return tl::unexpected(q.error());
    MAMORI_TRY((*q)->text(o.id).i64(asn).run());
  }
  for (const auto& d : o.domains) {
    auto q = query(c, kInsertDomain);
    if (!q) return tl::unexpected(q.error());
    MAMORI_TRY((*q)->text(o.id).text(d).run());
  }
  return {};
}

// Inside a write transaction: records the key, or returns what to answer
// when it was used before.
Result<std::optional<WriteResult>> claim_idempotency(Conn& c, const IdempotencyKey& idem) {
  {
    auto q = query(c, kClaimIdem);
    if (!q) return tl::unexpected(q.error());
    MAMORI_TRY((*q)->text(idem.key_id).text(idem.key).text(idem.request_hash).i64(static_cast<std::int64_t>(now_ns())).run());
    if ((*q)->changes() == 1) return std::optional<WriteResult>{};
  }
  auto q = query(c, kSelectIdem);
  if (!q) return tl::unexpected(q.error());
  (*q)->text(idem.key_id).text(idem.key);
  auto row = (*q)->step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return fail(Errc::io_error, "idempotency record vanished");
  if ((*q)->col_text(0) != idem.request_hash) return std::optional<WriteResult>{WriteResult{WriteOutcome::key_mismatch, {}, 0}};
  return std::optional<WriteResult>{WriteResult{WriteOutcome::replayed, split_ids((*q)->col_text(1)), 0}};
}

Status finish_idempotency(Conn& c, const IdempotencyKey& idem, const std::vector<std::string>& ids) {
  auto q = query(c, kFinishIdem);
  if (!q) return tl::unexpected(q.error());
  return (*q)->text(idem.key_id).text(idem.key).text(join_ids(ids)).run();
}

Result<std::unique_ptr<Conn>> open_connection(const SqliteHubStore::Options& o) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(o.path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  auto conn = std::make_unique<Conn>(raw, o.path);
  if (rc != SQLITE_OK) return conn->error("cannot open");
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 10000);
  MAMORI_TRY(conn->exec("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;"));
  MAMORI_TRY(conn->exec(o.full_sync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL"));
  return conn;
}

Status apply_migrations(Conn& c) {
  MAMORI_TRY(c.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                    "applied_ns INTEGER NOT NULL)"));
  Transaction tx(c);
  MAMORI_TRY(tx.begin());
  int current = 0;
  {
    auto q = query(c, "SELECT coalesce(max(version), 0) FROM schema_migrations");
    if (!q) return tl::unexpected(q.error());
    auto row = (*q)->step();
    if (!row) return tl::unexpected(row.error());
    current = static_cast<int>((*q)->col_i64(0));
  }
  const auto migrations = sqlite_migrations();
  if (current > migrations.back().version)
    return fail(Errc::unsupported, "database schema version {} is newer than this build knows ({})", current,
                migrations.back().version);
  for (const auto& m : migrations) {
    if (m.version <= current) continue;
    MAMORI_TRY(c.exec(std::string(m.sql).c_str()));
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(c.db(), "INSERT INTO schema_migrations (version, name, applied_ns) VALUES (?1, ?2, ?3)", -1,
                           &s, nullptr) != SQLITE_OK)
      return c.error("cannot record migration");
    sqlite3_bind_int(s, 1, m.version);
    sqlite3_bind_text(s, 2, m.name.data(), static_cast<int>(m.name.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 3, static_cast<sqlite3_int64>(now_ns()));
    const int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return c.error("cannot record migration");
  }
  return tx.commit();
}

}  // namespace

SqliteHubStore::SqliteHubStore(Options options)
    : options_(std::move(options)), pool_([this] { return open_connection(options_); }, options_.pool_size) {}

SqliteHubStore::~SqliteHubStore() = default;

Result<std::unique_ptr<SqliteHubStore>> SqliteHubStore::open(const Options& options) {
  if (options.path.empty()) return fail(Errc::invalid_argument, "sqlite store: no database path");
  std::unique_ptr<SqliteHubStore> store(new SqliteHubStore(options));
  auto lease = store->pool_.acquire();
  if (!lease) return tl::unexpected(lease.error());
  MAMORI_TRY(apply_migrations(**lease));
  return store;
}

Result<int> SqliteHubStore::schema_version() {
  auto c = pool_.acquire();
  if (!c) return tl::unexpected(c.error());
  auto q = query(**c, "SELECT coalesce(max(version), 0) FROM schema_migrations");
  if (!q) return tl::unexpected(q.error());
  auto row = (*q)->step();
  if (!row) return tl::unexpected(row.error());
  return static_cast<int>((*q)->col_i64(0));
}

Result<WriteResult> SqliteHubStore::do_create_organisation(const Organisation& org, const IdempotencyKey* idem) {
  auto c = pool_.acquire();
  if (!c) return tl::unexpected(c.error());
  std::lock_guard write(write_mutex_);
  Transaction tx(**c);
  MAMORI_TRY(tx.begin());
  if (idem) {
    auto claimed = claim_idempotency(**c, *idem);
    if (!claimed) return tl::unexpected(claimed.error());
    if (*claimed) return **claimed;
  }
  {
    auto q = query(**c, kInsertOrg);
    if (!q) return tl::unexpected(q.error());
    bind_org_fields(**q, org);
    MAMORI_TRY((*q)->i64(static_cast<std::int64_t>(org.created)).i64(static_cast<std::int64_t>(org.updated)).i64(org.version).run());
    if ((*q)->changes() == 0) return WriteResult{WriteOutcome::exists, {org.id}, 0};
  }
  MAMORI_TRY(replace_org_lists(**c, org));
  if (idem) MAMORI_TRY(finish_idempotency(**c, *idem, {org.id}));
  MAMORI_TRY(tx.commit());
  return WriteResult{WriteOutcome::done, {org.id}, 1};
}

Result<std::optional<Organisation>> SqliteHubStore::do_get_organisation(std::string_view id) {
  auto c = pool_.acquire();
  if (!c) return tl::unexpected(c.error());
  auto q = query(**c, kSelectOrg);
  if (!q) return tl::unexpected(q.error());
  (*q)->text(id);
  auto row = (*q)->step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return std::optional<Organisation>{};
  auto org = read_org(**q);
  if (!org) return tl::unexpected(org.error());
  return std::optional<Organisation>(std::move(*org));
}

Result<std::vector<Organisation>> SqliteHubStore::do_list_organisations(std::string_view after_id, int limit,
                                                                        const std::optional<std::string>& sector) {
  auto c = pool_.acquire();
  if (!c) return tl::unexpected(c.error());
  auto q = query(**c, kListOrgs);
  if (!q) return tl::unexpected(q.error());
  (*q)->text(after_id).opt_text(sector).i64(limit);
  std::vector<Organisation> out;
  for (;;) {
    auto row = (*q)->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    auto org = read_org(**q);
    if (!org) return tl::unexpected(org.error());
    out.push_back(std::move(*org));
  }
  return out;
}

Result<WriteResult> SqliteHubStore::do_update_organisation(const Organisation& org,
                                                           std::optional<std::int64_t> expected_version) {
  auto c = pool_.acquire();
  if (!c) return tl::unexpected(c.error());
  std::lock_guard write(write_mutex_);
  Transaction tx(**c);
  MAMORI_TRY(tx.begin());
  {
    auto q = query(**c, kUpdateOrg);
    if (!q) return tl::unexpected(q.error());
    bind_org_fields(**q, org);
    (*q)->i64(static_cast<std::int64_t>(org.updated));
    if (expected_version) (*q)->i64(*expected_version);
    else (*q)->null();
    MAMORI_TRY((*q)->run());
    if ((*q)->changes() == 0) {
      auto e = query(**c, kOrgExists);
      if (!e) return tl::unexpected(e.error());
      (*e)->text(org.id);
      auto row = (*e)->step();
      if (!row) return tl::unexpected(row.error());
      return WriteResult{*row ? WriteOutcome::stale : WriteOutcome::not_found, {org.id}, 0};
    }
  }
  MAMORI_TRY(replace_org_lists(**c, org));
  MAMORI_TRY(tx.commit());
  return WriteResult{WriteOutcome::done, {org.id}, 0};
}

Result<WriteResult> SqliteHubStore::do_create_api_key(const ApiKey& key, bool bootstrap) {
  auto c = pool_.acquire();
  if (!c) return tl::unexpected(c.error());
  std::lock_guard write(write_mutex_);
  Transaction tx(**c);
  MAMORI_TRY(tx.begin());
  if (bootstrap) {
    auto q = query(**c, kCountKeys);
    if (!q) return tl::unexpected(q.error());
    auto row = (*q)->step();
    if (!row) return tl::unexpected(row.error());
    if ((*q)->col_i64(0) != 0) return WriteResult{WriteOutcome::refused, {}, 0};
  }
  if (!key.org_id.empty()) {
    auto q = query(**c, kOrgExists);
    if (!q) return tl::unexpected(q.error());
    (*q)->text(key.org_id);
    auto row = (*q)->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return WriteResult{WriteOutcome::not_found, {key.org_id}, 0};
  }
  auto q = query(**c, kInsertKey);
  if (!q) return tl::unexpected(q.error());
  (*q)->text(key.id).text(key.secret_hash).text(role_name(key.role));
  if (key.org_id.empty()) (*q)->null();
  else (*q)->text(key.org_id);
  MAMORI_TRY((*q)->text(key.name).text(key.created_by).i64(static_cast<std::int64_t>(key.created)).run());
  if ((*q)->changes() == 0) return WriteResult{WriteOutcome::exists, {key.id}, 0};
  MAMORI_TRY(tx.commit());
  return WriteResult{WriteOutcome::done, {key.id}, 1};
}

Result<std::optional<ApiKey>> SqliteHubStore::do_get_api_key(std::string_view id) {
  auto c = pool_.acquire();
  if (!c) return tl::unexpected(c.error());
  auto q = query(**c, kSelectKey);
  if (!q) return tl::unexpected(q.error());
  (*q)->text(id);
  auto row = (*q)->step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return std::optional<ApiKey>{};
  return std::optional<ApiKey>(read_key(**q));
}

Result<std::vector<ApiKey>> SqliteHubStore::do_list_api_keys(const std::optional<std::string>& org_id) {
  auto c = pool_.acquire();
  if (!c) return tl::unexpected(c.error());
  auto q = query(**c, kListKeys);
  if (!q) return tl::unexpected(q.error());
  (*q)->opt_text(org_id);
  std::vector<ApiKey> out;
  for (;;) {
    auto row = (*q)->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    out.push_back(read_key(**q));
  }
  return out;
}

Result<WriteResult> SqliteHubStore::do_revoke_api_key(std::string_view id, TimeNs when) {
  auto c = pool_.acquire();
  if (!c) return tl::unexpected(c.error());
  std::lock_guard write(write_mutex_);
  auto q = query(**c, kRevokeKey);
  if (!q) return tl::unexpected(q.error());
  MAMORI_TRY((*q)->text(id).i64(static_cast<std::int64_t>(when)).run());
  return WriteResult{(*q)->changes() == 0 ? WriteOutcome::not_found : WriteOutcome::done, {std::string(id)}, 0};
}

Result<WriteResult> SqliteHubStore::do_upsert_findings(std::string_view carrier_org,
                                                       const std::vector<FindingRecord>& findings,
                                                       const IdempotencyKey* idem) {
  auto c = pool_.acquire();
  if (!c) return tl::unexpected(c.error());
  std::lock_guard write(write_mutex_);
  Transaction tx(**c);
  MAMORI_TRY(tx.begin());
  if (idem) {
    auto claimed = claim_idempotency(**c, *idem);
    if (!claimed) return tl::unexpected(claimed.error());
    if (*claimed) return **claimed;
  }
  {
    auto q = query(**c, kOrgExists);
    if (!q) return tl::unexpected(q.error());
    (*q)->text(carrier_org);
    auto row = (*q)->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return WriteResult{WriteOutcome::not_found, {std::string(carrier_org)}, 0};
  }
  WriteResult result;
  for (const auto& f : findings) {
    auto q = query(**c, kUpsertFinding);
    if (!q) return tl::unexpected(q.error());
    (*q)->text(carrier_org).text(f.detector).text(f.endpoint).text(f.kind).text(f.role).text(f.ports_json)
        .i64(f.proto).f64(f.score).i64(static_cast<std::int64_t>(f.first_seen))
        .i64(static_cast<std::int64_t>(f.last_seen)).i64(static_cast<std::int64_t>(f.flows))
        .i64(static_cast<std::int64_t>(f.packets)).i64(static_cast<std::int64_t>(f.bytes))
        .i64(static_cast<std::int64_t>(f.peers)).text(f.sample_peers_json).text(f.metrics_json).text(f.summary)
        .i64(static_cast<std::int64_t>(f.received));
    auto row = (*q)->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return fail(Errc::io_error, "upsert returned no row");
    result.ids.push_back(std::to_string((*q)->col_i64(0)));
    if ((*q)->col_i64(1) == 1) ++result.created;
    // Step to completion so the statement's write is finished before reuse.
    auto done = (*q)->step();
    if (!done) return tl::unexpected(done.error());
  }
  if (idem) MAMORI_TRY(finish_idempotency(**c, *idem, result.ids));
  MAMORI_TRY(tx.commit());
  return result;
}

Result<std::optional<FindingRecord>> SqliteHubStore::do_get_finding(std::int64_t id) {
  auto c = pool_.acquire();
  if (!c) return tl::unexpected(c.error());
  auto q = query(**c, kSelectFinding);
  if (!q) return tl::unexpected(q.error());
  (*q)->i64(id);
  auto row = (*q)->step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return std::optional<FindingRecord>{};
  return std::optional<FindingRecord>(read_finding(**q));
}

Result<std::vector<FindingRecord>> SqliteHubStore::do_list_findings(const FindingQuery& f) {
  auto c = pool_.acquire();
  if (!c) return tl::unexpected(c.error());
  auto q = query(**c, kListFindings);
  if (!q) return tl::unexpected(q.error());
  (*q)->i64(f.after_id).opt_text(f.carrier_org).opt_text(f.kind).opt_text(f.endpoint);
  if (f.status) (*q)->text(finding_status_name(*f.status));
  else (*q)->null();
  if (f.min_score) (*q)->f64(*f.min_score);
  else (*q)->null();
  if (f.seen_after) (*q)->i64(static_cast<std::int64_t>(*f.seen_after));
  else (*q)->null();
  (*q)->i64(f.limit);
  std::vector<FindingRecord> out;
  for (;;) {
    auto row = (*q)->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    out.push_back(read_finding(**q));
  }
  return out;
}

Result<WriteResult> SqliteHubStore::do_triage_finding(std::int64_t id, FindingStatus status,
                                                      const std::optional<std::string>& notes, TimeNs when) {
  auto c = pool_.acquire();
  if (!c) return tl::unexpected(c.error());
  std::lock_guard write(write_mutex_);
  auto q = query(**c, kTriageFinding);
  if (!q) return tl::unexpected(q.error());
  MAMORI_TRY((*q)->i64(id).text(finding_status_name(status)).opt_text(notes).i64(static_cast<std::int64_t>(when)).run());
  return WriteResult{(*q)->changes() == 0 ? WriteOutcome::not_found : WriteOutcome::done, {std::to_string(id)}, 0};
}

Result<std::int64_t> SqliteHubStore::do_append_access(const AccessRecord& r) {
  auto c = pool_.acquire();
  if (!c) return tl::unexpected(c.error());
  std::lock_guard write(write_mutex_);
  auto q = query(**c, kInsertAccess);
  if (!q) return tl::unexpected(q.error());
  MAMORI_TRY((*q)->i64(static_cast<std::int64_t>(r.time)).text(r.key_id).text(r.actor_org).text(r.subject_org)
                 .text(r.action).text(r.resource).text(r.purpose).run());
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid((*c)->db()));
}

Result<std::vector<AccessRecord>> SqliteHubStore::do_list_access(std::string_view subject_org, std::int64_t after_id,
                                                                 int limit) {
  auto c = pool_.acquire();
  if (!c) return tl::unexpected(c.error());
  auto q = query(**c, kListAccess);
  if (!q) return tl::unexpected(q.error());
  (*q)->text(subject_org).i64(after_id).i64(limit);
  std::vector<AccessRecord> out;
  for (;;) {
    auto row = (*q)->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    AccessRecord r;
    r.id = (*q)->col_i64(0);
    r.time = static_cast<TimeNs>((*q)->col_i64(1));
    r.key_id = (*q)->col_text(2);
    r.actor_org = (*q)->col_text(3);
    r.subject_org = (*q)->col_text(4);
    r.action = (*q)->col_text(5);
    r.resource = (*q)->col_text(6);
    r.purpose = (*q)->col_text(7);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace mamori::store

// ---- incident reports ------------------------------------------------------

namespace mamori::store {

namespace {

constexpr const char kInsertIncident[] =
    "INSERT INTO incidents (id, org_id, reporter_sector, incident_type, latest_stage, last_sequence, closed, "
    "aware_ns, "
    "opened_ns, updated_ns, next_due_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
    "ON CONFLICT (id) DO NOTHING";
// Continues the chain only from the sequence before this one, and never after the final report.
constexpr const char kAdvanceIncident[] =
    "UPDATE incidents SET incident_type = ?2, latest_stage = ?3, last_sequence = ?4, closed = ?5, updated_ns "
    "= ?6, "
    "next_due_ns = ?7 WHERE id = ?1 AND org_id = ?8 AND last_sequence = ?4 - 1 AND closed = 0";
constexpr const char kIncidentExists[] = "SELECT 1 FROM incidents WHERE id = ?1";
constexpr const char kInsertReport[] =
    "INSERT INTO reports (id, incident_id, org_id, reporter_sector, stage, sequence, tlp, incident_type, "
    "aware_ns, "
    "received_ns, document, document_sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
    "ON CONFLICT DO NOTHING";
constexpr const char kInsertReceipt[] =
    "INSERT INTO report_receipts (report_id, recipient, reasons, sees_identity, identity_visible, "
    "view_sha256, "
    "signed_receipt, time_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
constexpr const char kInsertIndicator[] =
    "INSERT INTO report_indicators (report_id, type, value) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING";
constexpr const char kReportColumns[] =
    "SELECT id, incident_id, org_id, reporter_sector, stage, sequence, tlp, incident_type, aware_ns, "
    "received_ns, "
    "document, document_sha256 FROM reports WHERE id = ?1";
constexpr const char kReceiptsOf[] =
    "SELECT recipient, reasons, sees_identity, identity_visible, view_sha256, signed_receipt, time_ns "
    "FROM report_receipts WHERE report_id = ?1 ORDER BY rowid";
constexpr const char kIndicatorsOf[] =
    "SELECT type, value FROM report_indicators WHERE report_id = ?1 ORDER BY type, value";
constexpr const char kListReports[] =
    "SELECT id, incident_id, org_id, reporter_sector, stage, sequence, tlp, incident_type, aware_ns, "
    "received_ns, "
    "'', document_sha256 FROM reports r WHERE id > ?1 AND (?2 IS NULL OR org_id = ?2) "
    "AND (?3 IS NULL OR incident_id = ?3) AND (?4 IS NULL OR org_id = ?4 OR tlp IN ('CLEAR', 'GREEN') "
    "OR EXISTS (SELECT 1 FROM report_receipts x WHERE x.report_id = r.id AND x.recipient = ?4)) "
    "ORDER BY id LIMIT ?5";
constexpr const char kIncidentChain[] =
    "SELECT id, incident_id, org_id, reporter_sector, stage, sequence, tlp, incident_type, aware_ns, "
    "received_ns, "
    "document, document_sha256 FROM reports WHERE incident_id = ?1 ORDER BY sequence";
constexpr const char kSelectIncident[] =
    "SELECT id, org_id, reporter_sector, incident_type, latest_stage, last_sequence, closed, aware_ns, "
    "opened_ns, "
    "updated_ns, next_due_ns FROM incidents WHERE id = ?1";
constexpr const char kOverdueIncidents[] =
    "SELECT id, org_id, reporter_sector, incident_type, latest_stage, last_sequence, closed, aware_ns, "
    "opened_ns, "
    "updated_ns, next_due_ns FROM incidents WHERE next_due_ns IS NOT NULL AND next_due_ns < ?1 "
    "AND (?2 IS NULL OR org_id = ?2) ORDER BY next_due_ns, id LIMIT ?3";
constexpr const char kInsertReportAccess[] =
    "INSERT INTO report_access (time_ns, report_id, incident_id, reporter_org, reader_key_id, reader_org, "
    "reader_role, "
    "purpose, allowed, reason, ledger_index) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
constexpr const char kListReportAccess[] =
    "SELECT id, time_ns, report_id, incident_id, reporter_org, reader_key_id, reader_org, reader_role, "
    "purpose, "
    "allowed, reason, ledger_index FROM report_access WHERE report_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3";

ReportRecord read_report(const Query& q) {
  ReportRecord r;
  r.id = q.col_text(0);
  r.incident_id = q.col_text(1);
  r.org_id = q.col_text(2);
  r.reporter_sector = q.col_text(3);
  r.stage = q.col_text(4);
  r.sequence = q.col_i64(5);
  r.tlp = q.col_text(6);
  r.incident_type = q.col_text(7);
  r.aware_at = static_cast<TimeNs>(q.col_i64(8));
  r.received = static_cast<TimeNs>(q.col_i64(9));
  r.document = q.col_text(10);
  r.document_sha256 = q.col_text(11);
  return r;
}

IncidentRecord read_incident(const Query& q, sqlite3_stmt* s) {
  IncidentRecord i;
  i.id = q.col_text(0);
  i.org_id = q.col_text(1);
  i.reporter_sector = q.col_text(2);
  i.incident_type = q.col_text(3);
  i.latest_stage = q.col_text(4);
  i.last_sequence = q.col_i64(5);
  i.closed = q.col_i64(6) != 0;
  i.aware_at = static_cast<TimeNs>(q.col_i64(7));
  i.opened = static_cast<TimeNs>(q.col_i64(8));
  i.updated = static_cast<TimeNs>(q.col_i64(9));
  if (sqlite3_column_type(s, 10) != SQLITE_NULL) i.next_due = static_cast<TimeNs>(q.col_i64(10));
  return i;
}

Query& bind_next_due(Query& q, const std::optional<TimeNs>& due) {
  return due ? q.i64(static_cast<std::int64_t>(*due)) : q.null();
}

}  // namespace

Result<WriteResult> SqliteHubStore::do_submit_report(const ReportRecord& r, const IncidentRecord& inc,
                                                     const IdempotencyKey* idem) {
  auto c = pool_.acquire();
  if (!c) return tl::unexpected(c.error());
  std::lock_guard write(write_mutex_);
  Transaction tx(**c);
  MAMORI_TRY(tx.begin());
  if (idem) {
    auto claimed = claim_idempotency(**c, *idem);
    if (!claimed) return tl::unexpected(claimed.error());
    if (*claimed) return **claimed;
  }
  {
    auto q = query(**c, kOrgExists);
    if (!q) return tl::unexpected(q.error());
    (*q)->text(r.org_id);
    auto row = (*q)->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return WriteResult{WriteOutcome::not_found, {r.org_id}, 0};
  }
  if (r.stage == "quick") {
    auto q = query(**c, kInsertIncident);
    if (!q) return tl::unexpected(q.error());
    (*q)->text(inc.id)
        .text(inc.org_id)
        .text(inc.reporter_sector)
        .text(inc.incident_type)
        .text(inc.latest_stage)
        .i64(inc.last_sequence)
        .i64(inc.closed ? 1 : 0)
        .i64(static_cast<std::int64_t>(inc.aware_at))
        .i64(static_cast<std::int64_t>(inc.opened))
        .i64(static_cast<std::int64_t>(inc.updated));
    bind_next_due(**q, inc.next_due);
    MAMORI_TRY((*q)->run());
    if ((*q)->changes() == 0) return WriteResult{WriteOutcome::exists, {inc.id}, 0};
  } else {
    auto q = query(**c, kAdvanceIncident);
    if (!q) return tl::unexpected(q.error());
    (*q)->text(inc.id)
        .text(inc.incident_type)
        .text(inc.latest_stage)
        .i64(inc.last_sequence)
        .i64(inc.closed ? 1 : 0)
        .i64(static_cast<std::int64_t>(inc.updated));
    bind_next_due(**q, inc.next_due);
    MAMORI_TRY((*q)->text(inc.org_id).run());
    if ((*q)->changes() == 0) {
      auto e = query(**c, kIncidentExists);
      if (!e) return tl::unexpected(e.error());
      (*e)->text(inc.id);
      auto row = (*e)->step();
      if (!row) return tl::unexpected(row.error());
      return WriteResult{*row ? WriteOutcome::stale : WriteOutcome::not_found, {inc.id}, 0};
    }
  }
  {
    auto q = query(**c, kInsertReport);
    if (!q) return tl::unexpected(q.error());
    MAMORI_TRY((*q)->text(r.id)
                   .text(r.incident_id)
                   .text(r.org_id)
                   .text(r.reporter_sector)
                   .text(r.stage)
                   .i64(r.sequence)
                   .text(r.tlp)
                   .text(r.incident_type)
                   .i64(static_cast<std::int64_t>(r.aware_at))
                   .i64(static_cast<std::int64_t>(r.received))
                   .text(r.document)
                   .text(r.document_sha256)
                   .run());
    if ((*q)->changes() == 0) return WriteResult{WriteOutcome::exists, {r.id}, 0};
  }
  for (const auto& rc : r.receipts) {
    auto q = query(**c, kInsertReceipt);
    if (!q) return tl::unexpected(q.error());
    MAMORI_TRY((*q)->text(r.id)
                   .text(rc.recipient)
                   .text(rc.reasons_json)
                   .i64(rc.sees_identity ? 1 : 0)
                   .i64(rc.identity_visible ? 1 : 0)
                   .text(rc.view_sha256)
                   .text(rc.signed_receipt)
                   .i64(static_cast<std::int64_t>(rc.time))
                   .run());
  }
  for (const auto& ind : r.indicators) {
    auto q = query(**c, kInsertIndicator);
    if (!q) return tl::unexpected(q.error());
    MAMORI_TRY((*q)->text(r.id).text(ind.type).text(ind.value).run());
  }
  if (idem) MAMORI_TRY(finish_idempotency(**c, *idem, {r.id}));
  MAMORI_TRY(tx.commit());
  return WriteResult{WriteOutcome::done, {r.id}, 1};
}

Result<std::optional<ReportRecord>> SqliteHubStore::do_get_report(std::string_view id) {
  auto c = pool_.acquire();
  if (!c) return tl::unexpected(c.error());
  // One read transaction: the report and its receipts come from one snapshot.
  MAMORI_TRY((*c)->exec("BEGIN"));
  struct End {
    Conn& c;
    ~End() { (void)c.exec("COMMIT"); }
  } end{**c};
  ReportRecord r;
  {
    auto q = query(**c, kReportColumns);
    if (!q) return tl::unexpected(q.error());
    (*q)->text(id);
    auto row = (*q)->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return std::optional<ReportRecord>{};
    r = read_report(**q);
  }
  {
    auto q = query(**c, kReceiptsOf);
    if (!q) return tl::unexpected(q.error());
    (*q)->text(id);
    for (;;) {
      auto row = (*q)->step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      ReportReceiptRecord rc;
      rc.recipient = (*q)->col_text(0);
      rc.reasons_json = (*q)->col_text(1);
      rc.sees_identity = (*q)->col_i64(2) != 0;
      rc.identity_visible = (*q)->col_i64(3) != 0;
      rc.view_sha256 = (*q)->col_text(4);
      rc.signed_receipt = (*q)->col_text(5);
      rc.time = static_cast<TimeNs>((*q)->col_i64(6));
      r.receipts.push_back(std::move(rc));
    }
  }
  {
    auto q = query(**c, kIndicatorsOf);
    if (!q) return tl::unexpected(q.error());
    (*q)->text(id);
    for (;;) {
      auto row = (*q)->step();
      if (!row) return tl::unexpected(row.error());
      if (!*row) break;
      r.indicators.push_back({(*q)->col_text(0), (*q)->col_text(1)});
    }
  }
  return std::optional<ReportRecord>(std::move(r));
}

Result<std::vector<ReportRecord>> SqliteHubStore::do_list_reports(const ReportQuery& f) {
  auto c = pool_.acquire();
  if (!c) return tl::unexpected(c.error());
  auto q = query(**c, kListReports);
  if (!q) return tl::unexpected(q.error());
  (*q)->text(f.after_id).opt_text(f.org_id).opt_text(f.incident_id).opt_text(f.visible_to_org).i64(f.limit);
  std::vector<ReportRecord> out;
  for (;;) {
    auto row = (*q)->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    out.push_back(read_report(**q));
  }
  return out;
}

Result<std::vector<ReportRecord>> SqliteHubStore::do_incident_chain(std::string_view incident_id) {
  auto c = pool_.acquire();
  if (!c) return tl::unexpected(c.error());
  auto q = query(**c, kIncidentChain);
  if (!q) return tl::unexpected(q.error());
  (*q)->text(incident_id);
  std::vector<ReportRecord> out;
  for (;;) {
    auto row = (*q)->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    out.push_back(read_report(**q));
  }
  return out;
}

Result<std::optional<IncidentRecord>> SqliteHubStore::do_get_incident(std::string_view id) {
  auto c = pool_.acquire();
  if (!c) return tl::unexpected(c.error());
  auto s = (*c)->statement(kSelectIncident);
  if (!s) return tl::unexpected(s.error());
  Query q(**c, *s);
  q.text(id);
  auto row = q.step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return std::optional<IncidentRecord>{};
  return std::optional<IncidentRecord>(read_incident(q, *s));
}

Result<std::vector<IncidentRecord>> SqliteHubStore::do_list_overdue_incidents(
    TimeNs now, const std::optional<std::string>& org_id, int limit) {
  auto c = pool_.acquire();
  if (!c) return tl::unexpected(c.error());
  auto s = (*c)->statement(kOverdueIncidents);
  if (!s) return tl::unexpected(s.error());
  Query q(**c, *s);
  q.i64(static_cast<std::int64_t>(now)).opt_text(org_id).i64(limit);
  std::vector<IncidentRecord> out;
  for (;;) {
    auto row = q.step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    out.push_back(read_incident(q, *s));
  }
  return out;
}

Result<std::int64_t> SqliteHubStore::do_append_report_access(const ReportAccessEntry& e) {
  auto c = pool_.acquire();
  if (!c) return tl::unexpected(c.error());
  std::lock_guard write(write_mutex_);
  auto q = query(**c, kInsertReportAccess);
  if (!q) return tl::unexpected(q.error());
  MAMORI_TRY((*q)->i64(static_cast<std::int64_t>(e.time))
                 .text(e.report_id)
                 .text(e.incident_id)
                 .text(e.reporter_org)
                 .text(e.reader_key_id)
                 .text(e.reader_org)
                 .text(e.reader_role)
                 .text(e.purpose)
                 .i64(e.allowed ? 1 : 0)
                 .text(e.reason)
                 .i64(e.ledger_index)
                 .run());
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid((*c)->db()));
}

Result<std::vector<ReportAccessEntry>> SqliteHubStore::do_list_report_access(std::string_view report_id,
                                                                             std::int64_t after_id,
                                                                             int limit) {
  auto c = pool_.acquire();
  if (!c) return tl::unexpected(c.error());
  auto q = query(**c, kListReportAccess);
  if (!q) return tl::unexpected(q.error());
  (*q)->text(report_id).i64(after_id).i64(limit);
  std::vector<ReportAccessEntry> out;
  for (;;) {
    auto row = (*q)->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    ReportAccessEntry e;
    e.id = (*q)->col_i64(0);
    e.time = static_cast<TimeNs>((*q)->col_i64(1));
    e.report_id = (*q)->col_text(2);
    e.incident_id = (*q)->col_text(3);
    e.reporter_org = (*q)->col_text(4);
    e.reader_key_id = (*q)->col_text(5);
    e.reader_org = (*q)->col_text(6);
    e.reader_role = (*q)->col_text(7);
    e.purpose = (*q)->col_text(8);
    e.allowed = (*q)->col_i64(9) != 0;
    e.reason = (*q)->col_text(10);
    e.ledger_index = (*q)->col_i64(11);
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::optional<WriteResult>> SqliteHubStore::do_lookup_idempotency(const IdempotencyKey& idem) {
  auto c = pool_.acquire();
  if (!c) return tl::unexpected(c.error());
  auto q = query(**c, kSelectIdem);
  if (!q) return tl::unexpected(q.error());
  (*q)->text(idem.key_id).text(idem.key);
  auto row = (*q)->step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return std::optional<WriteResult>{};
  if ((*q)->col_text(0) != idem.request_hash)
    return std::optional<WriteResult>{WriteResult{WriteOutcome::key_mismatch, {}, 0}};
  return std::optional<WriteResult>{WriteResult{WriteOutcome::replayed, split_ids((*q)->col_text(1)), 0}};
}

}  // namespace mamori::store
