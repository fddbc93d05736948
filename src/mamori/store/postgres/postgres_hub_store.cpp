#include "mamori/store/postgres/postgres_hub_store.hpp"

#include <libpq-fe.h>

#include <cstdlib>
#include <unordered_map>

#include <fmt/format.h>

#include "mamori/store/migration.hpp"
#include "mamori/store/row_codec.hpp"

namespace mamori::store {

namespace {

struct ResultDeleter {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};

// Text-format parameters, NULL where absent.
class Params {
 public:
  Params& text(std::string_view v) {
    values_.emplace_back(std::string(v));
    return *this;
  }
  Params& i64(std::int64_t v) {
    values_.emplace_back(std::to_string(v));
    return *this;
  }
  Params& f64(double v) {
    values_.emplace_back(fmt::format("{:.17g}", v));
    return *this;
  }
  Params& null() {
    values_.emplace_back(std::nullopt);
    return *this;
  }
  Params& opt_text(const std::optional<std::string>& v) { return v ? text(*v) : null(); }

  int size() const noexcept { return static_cast<int>(values_.size()); }
  std::vector<const char*> pointers() const {
    std::vector<const char*> out;
    out.reserve(values_.size());
    for (const auto& v : values_) out.push_back(v ? v->c_str() : nullptr);
    return out;
  }

 private:
  std::vector<std::optional<std::string>> values_;
};

}  // namespace

// One libpq connection and the statements prepared on it, keyed by the
// address of their SQL text (each statement is a constant below).
class PostgresConnection {
 public:
  explicit PostgresConnection(PGconn* conn) : conn_(conn) {}
  ~PostgresConnection() { PQfinish(conn_); }
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  PGconn* raw() const noexcept { return conn_; }
  bool broken() const noexcept { return PQstatus(conn_) != CONNECTION_OK; }

  tl::unexpected<Error> error(std::string_view what, const PGresult* r = nullptr) const {
    const char* message = r ? PQresultErrorMessage(r) : PQerrorMessage(conn_);
    std::string m = message ? message : "";
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    return fail(Errc::io_error, "postgres: {}: {}", what, m);
  }

  Status exec(const char* sql) {
    std::unique_ptr<PGresult, ResultDeleter> r(PQexec(conn_, sql));
    const auto st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return error("statement failed", r.get());
    return {};
  }

  using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

  Result<ResultPtr> run(const char* sql, const Params& params) {
    auto it = names_.find(sql);
    if (it == names_.end()) {
      std::string name = fmt::format("m{}", names_.size());
      ResultPtr prep(PQprepare(conn_, name.c_str(), sql, 0, nullptr));
      if (PQresultStatus(prep.get()) != PGRES_COMMAND_OK) return error("cannot prepare statement", prep.get());
      it = names_.emplace(sql, std::move(name)).first;
    }
    const auto values = params.pointers();
    ResultPtr r(PQexecPrepared(conn_, it->second.c_str(), params.size(), values.data(), nullptr, nullptr, 0));
    const auto st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return error("statement failed", r.get());
    return r;
  }

 private:
  PGconn* conn_;
  std::unordered_map<const char*, std::string> names_;
};

namespace {

using Conn = PostgresConnection;
using Rows = Conn::ResultPtr;

#define MAMORI_TRY(expr)                                   \
  if (auto _ok = (expr); !_ok) return tl::unexpected(_ok.error())

std::string col_text(const PGresult* r, int row, int c) {
  return PQgetisnull(r, row, c) ? std::string() : std::string(PQgetvalue(r, row, c), static_cast<std::size_t>(PQgetlength(r, row, c)));
}
std::int64_t col_i64(const PGresult* r, int row, int c) { return std::strtoll(PQgetvalue(r, row, c), nullptr, 10); }
double col_f64(const PGresult* r, int row, int c) { return std::strtod(PQgetvalue(r, row, c), nullptr); }
std::int64_t affected(const PGresult* r) { return std::strtoll(PQcmdTuples(const_cast<PGresult*>(r)), nullptr, 10); }

// BEGIN ... COMMIT, rolled back unless committed.
class Transaction {
 public:
  explicit Transaction(Conn& conn) : conn_(conn) {}
  ~Transaction() {
    if (open_) (void)conn_.exec("ROLLBACK");
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Status begin() {
    auto ok = conn_.exec("BEGIN");
    open_ = ok.has_value();
    return ok;
  }
  Status commit() {
    auto ok = conn_.exec("COMMIT");
    open_ = false;
    return ok;
  }

 private:
  Conn& conn_;
  bool open_ = false;
};

constexpr const char kSelectOrg[] =
    "SELECT id, name, sector, tier, ministry, clearance, contacts, ip_ranges, asns, domains, created_ns, updated_ns, "
    "version FROM organisations WHERE id = $1";
constexpr const char kListOrgs[] =
    "SELECT id, name, sector, tier, ministry, clearance, contacts, ip_ranges, asns, domains, created_ns, updated_ns, "
    "version FROM organisations WHERE id > $1 AND ($2::text IS NULL OR sector = $2::text) ORDER BY id LIMIT $3";
constexpr const char kInsertOrg[] =
    "INSERT INTO organisations (id, name, sector, tier, ministry, clearance, contacts, ip_ranges, asns, domains, "
    "created_ns, updated_ns, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
    "ON CONFLICT (id) DO NOTHING";
constexpr const char kUpdateOrg[] =
    "UPDATE organisations SET name = $2, sector = $3, tier = $4, ministry = $5, clearance = $6, contacts = $7, "
    "ip_ranges = $8, asns = $9, domains = $10, updated_ns = $11, version = version + 1 "
    "WHERE id = $1 AND ($12::bigint IS NULL OR version = $12::bigint)";
constexpr const char kOrgExists[] = "SELECT 1 FROM organisations WHERE id = $1";
constexpr const char kDeleteRanges[] = "DELETE FROM org_ip_ranges WHERE org_id = $1";
constexpr const char kDeleteAsns[] = "DELETE FROM org_asns WHERE org_id = $1";
constexpr const char kDeleteDomains[] = "DELETE FROM org_domains WHERE org_id = $1";
constexpr const char kInsertRange[] =
    "INSERT INTO org_ip_ranges (org_id, cidr, first_addr, last_addr) VALUES ($1, $2, $3, $4)";
constexpr const char kInsertAsn[] = "INSERT INTO org_asns (org_id, asn) VALUES ($1, $2)";
constexpr const char kInsertDomain[] = "INSERT INTO org_domains (org_id, domain) VALUES ($1, $2)";

constexpr const char kSelectKey[] =
    "SELECT id, secret_hash, role, org_id, name, created_by, created_ns, revoked_ns FROM api_keys WHERE id = $1";
constexpr const char kListKeys[] =
    "SELECT id, secret_hash, role, org_id, name, created_by, created_ns, revoked_ns FROM api_keys "
    "WHERE ($1::text IS NULL OR org_id = $1::text) ORDER BY id";
constexpr const char kBootstrapLock[] = "SELECT pg_advisory_xact_lock(7236, 2)";
constexpr const char kCountKeys[] = "SELECT count(*) FROM api_keys";
constexpr const char kInsertKey[] =
    "INSERT INTO api_keys (id, secret_hash, role, org_id, name, created_by, created_ns, revoked_ns) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, 0) ON CONFLICT (id) DO NOTHING";
constexpr const char kRevokeKey[] =
    "UPDATE api_keys SET revoked_ns = CASE WHEN revoked_ns = 0 THEN $2::bigint ELSE revoked_ns END WHERE id = $1";

constexpr const char kSelectFinding[] =
    "SELECT id, carrier_org, detector, endpoint, kind, role, ports, proto, score, first_seen_ns, last_seen_ns, flows, "
    "packets, bytes, peers, sample_peers, metrics, summary, status, notes, reports, received_ns, updated_ns "
    "FROM findings WHERE id = $1";
constexpr const char kListFindings[] =
    "SELECT id, carrier_org, detector, endpoint, kind, role, ports, proto, score, first_seen_ns, last_seen_ns, flows, "
    "packets, bytes, peers, sample_peers, metrics, summary, status, notes, reports, received_ns, updated_ns "
    "FROM findings WHERE id > $1 AND ($2::text IS NULL OR carrier_org = $2::text) "
    "AND ($3::text IS NULL OR kind = $3::text) AND ($4::text IS NULL OR endpoint = $4::text) "
    "AND ($5::text IS NULL OR status = $5::text) AND ($6::double precision IS NULL OR score >= $6::double precision) "
    "AND ($7::bigint IS NULL OR last_seen_ns >= $7::bigint) ORDER BY id LIMIT $8";
// Same merge rule as the SQLite backend: widen the span, keep the evidence of
// whichever report saw the endpoint last, count the reports.
constexpr const char kUpsertFinding[] =
    "INSERT INTO findings (carrier_org, detector, endpoint, kind, role, ports, proto, score, first_seen_ns, "
    "last_seen_ns, flows, packets, bytes, peers, sample_peers, metrics, summary, status, notes, reports, "
    "received_ns, updated_ns) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, "
    "'new', '', 1, $18, $18) "
    "ON CONFLICT (carrier_org, detector, endpoint, kind) DO UPDATE SET "
    "role = CASE WHEN EXCLUDED.last_seen_ns >= findings.last_seen_ns THEN EXCLUDED.role ELSE findings.role END, "
    "ports = CASE WHEN EXCLUDED.last_seen_ns >= findings.last_seen_ns THEN EXCLUDED.ports ELSE findings.ports END, "
    "proto = CASE WHEN EXCLUDED.last_seen_ns >= findings.last_seen_ns THEN EXCLUDED.proto ELSE findings.proto END, "
    "score = CASE WHEN EXCLUDED.last_seen_ns >= findings.last_seen_ns THEN EXCLUDED.score ELSE findings.score END, "
    "flows = CASE WHEN EXCLUDED.last_seen_ns >= findings.last_seen_ns THEN EXCLUDED.flows ELSE findings.flows END, "
    "packets = CASE WHEN EXCLUDED.last_seen_ns >= findings.last_seen_ns THEN EXCLUDED.packets ELSE findings.packets END, "
    "bytes = CASE WHEN EXCLUDED.last_seen_ns >= findings.last_seen_ns THEN EXCLUDED.bytes ELSE findings.bytes END, "
    "peers = CASE WHEN EXCLUDED.last_seen_ns >= findings.last_seen_ns THEN EXCLUDED.peers ELSE findings.peers END, "
    "sample_peers = CASE WHEN EXCLUDED.last_seen_ns >= findings.last_seen_ns THEN EXCLUDED.sample_peers "
    "ELSE findings.sample_peers END, "
    "metrics = CASE WHEN EXCLUDED.last_seen_ns >= findings.last_seen_ns THEN EXCLUDED.metrics ELSE findings.metrics END, "
    "summary = CASE WHEN EXCLUDED.last_seen_ns >= findings.last_seen_ns THEN EXCLUDED.summary ELSE findings.summary END, "
    "first_seen_ns = LEAST(findings.first_seen_ns, EXCLUDED.first_seen_ns), "
    "last_seen_ns = GREATEST(findings.last_seen_ns, EXCLUDED.last_seen_ns), "
    "reports = findings.reports + 1, updated_ns = EXCLUDED.updated_ns "
    "RETURNING id, reports";
constexpr const char kTriageFinding[] =
    "UPDATE findings SET status = $2, notes = coalesce($3::text, notes), updated_ns = $4 WHERE id = $1";

constexpr const char kInsertAccess[] =
    "INSERT INTO access_log (time_ns, key_id, actor_org, subject_org, action, resource, purpose) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
constexpr const char kListAccess[] =
    "SELECT id, time_ns, key_id, actor_org, subject_org, action, resource, purpose FROM access_log "
    "WHERE subject_org = $1 AND id > $2 ORDER BY id LIMIT $3";

constexpr const char kClaimIdem[] =
    "INSERT INTO idempotency_keys (key_id, idem_key, request_hash, result_ids, created_ns) "
    "VALUES ($1, $2, $3, '', $4) ON CONFLICT (key_id, idem_key) DO NOTHING";
constexpr const char kSelectIdem[] =
    "SELECT request_hash, result_ids FROM idempotency_keys WHERE key_id = $1 AND idem_key = $2";
constexpr const char kFinishIdem[] =
    "UPDATE idempotency_keys SET result_ids = $3 WHERE key_id = $1 AND idem_key = $2";

constexpr const char kSchemaVersion[] = "SELECT coalesce(max(version), 0) FROM schema_migrations";

Result<Organisation> read_org(const PGresult* r, int i) {
  Organisation o;
  o.id = col_text(r, i, 0);
  o.name = col_text(r, i, 1);
  o.sector = col_text(r, i, 2);
  o.tier = static_cast<int>(col_i64(r, i, 3));
  o.ministry = col_text(r, i, 4);
  o.clearance = static_cast<int>(col_i64(r, i, 5));
  auto contacts = contacts_from_json(col_text(r, i, 6));
  auto ranges = strings_from_json(col_text(r, i, 7));
  auto asns = asns_from_json(col_text(r, i, 8));
  auto domains = strings_from_json(col_text(r, i, 9));
  if (!contacts || !ranges || !asns || !domains) return fail(Errc::corrupt, "organisation {}: corrupt lists", o.id);
  o.contacts = std::move(*contacts);
  o.ip_ranges = std::move(*ranges);
  o.asns = std::move(*asns);
  o.domains = std::move(*domains);
  o.created = static_cast<TimeNs>(col_i64(r, i, 10));
  o.updated = static_cast<TimeNs>(col_i64(r, i, 11));
  o.version = col_i64(r, i, 12);
  return o;
}

ApiKey read_key(const PGresult* r, int i) {
  ApiKey k;
  k.id = col_text(r, i, 0);
  k.secret_hash = col_text(r, i, 1);
  k.role = parse_role(col_text(r, i, 2)).value_or(Role::operator_);
  k.org_id = col_text(r, i, 3);
  k.name = col_text(r, i, 4);
  k.created_by = col_text(r, i, 5);
  k.created = static_cast<TimeNs>(col_i64(r, i, 6));
  k.revoked = static_cast<TimeNs>(col_i64(r, i, 7));
  return k;
}

FindingRecord read_finding(const PGresult* r, int i) {
  FindingRecord f;
  f.id = col_i64(r, i, 0);
  f.carrier_org = col_text(r, i, 1);
  f.detector = col_text(r, i, 2);
  f.endpoint = col_text(r, i, 3);
  f.kind = col_text(r, i, 4);
  f.role = col_text(r, i, 5);
  f.ports_json = col_text(r, i, 6);
  f.proto = static_cast<int>(col_i64(r, i, 7));
  f.score = col_f64(r, i, 8);
  f.first_seen = static_cast<TimeNs>(col_i64(r, i, 9));
  f.last_seen = static_cast<TimeNs>(col_i64(r, i, 10));
  f.flows = static_cast<std::uint64_t>(col_i64(r, i, 11));
  f.packets = static_cast<std::uint64_t>(col_i64(r, i, 12));
  f.bytes = static_cast<std::uint64_t>(col_i64(r, i, 13));
  f.peers = static_cast<std::uint64_t>(col_i64(r, i, 14));
  f.sample_peers_json = col_text(r, i, 15);
  f.metrics_json = col_text(r, i, 16);
  f.summary = col_text(r, i, 17);
  f.status = parse_finding_status(col_text(r, i, 18)).value_or(FindingStatus::new_);
  f.notes = col_text(r, i, 19);
  f.reports = col_i64(r, i, 20);
  f.received = static_cast<TimeNs>(col_i64(r, i, 21));
  f.updated = static_cast<TimeNs>(col_i64(r, i, 22));
  return f;
}

Params org_params(const Organisation& o) {
  Params p;
  p.text(o.id).text(o.name).text(o.sector).i64(o.tier).text(o.ministry).i64(o.clearance)
      .text(contacts_to_json(o.contacts)).text(strings_to_json(o.ip_ranges)).text(asns_to_json(o.asns))
      .text(strings_to_json(o.domains));
  return p;
}

Status replace_org_lists(Conn& c, const Organisation& o) {
  for (const char* sql : {kDeleteRanges, kDeleteAsns, kDeleteDomains})
    if (auto r = c.run(sql, Params().text(o.id)); !r) return tl::unexpected(r.error());
  for (const auto& cidr : o.ip_ranges) {
    auto bounds = cidr_bounds_hex(cidr);
    if (!bounds) return tl::unexpected(bounds.error());
    if (auto r = c.run(kInsertRange, Params().text(o.id).text(cidr).text(bounds->first).text(bounds->second)); !r)
      return tl::unexpected(r.error());
  }
  for (auto asn : o.asns)
    if (auto r = c.run(kInsertAsn, Params().text(o.id).i64(asn)); !r) return tl::unexpected(r.error());
  for (const auto& d : o.domains)
    if (auto r = c.run(kInsertDomain, Params().text(o.id).text(d)); !r) return tl::unexpected(r.error());
  return {};
}

// Inside a write transaction. A concurrent request with the same key blocks
// on the primary key until the first commits, then sees its record.
Result<std::optional<WriteResult>> claim_idempotency(Conn& c, const IdempotencyKey& idem) {
  auto ins = c.run(kClaimIdem, Params().text(idem.key_id).text(idem.key).text(idem.request_hash)
                                   .i64(static_cast<std::int64_t>(now_ns())));
  if (!ins) return tl::unexpected(ins.error());
  if (affected(ins->get()) == 1) return std::optional<WriteResult>{};
  auto sel = c.run(kSelectIdem, Params().text(idem.key_id).text(idem.key));
  if (!sel) return tl::unexpected(sel.error());
  if (PQntuples(sel->get()) == 0) return fail(Errc::io_error, "idempotency record vanished");
  if (col_text(sel->get(), 0, 0) != idem.request_hash)
    return std::optional<WriteResult>{WriteResult{WriteOutcome::key_mismatch, {}, 0}};
  return std::optional<WriteResult>{WriteResult{WriteOutcome::replayed, split_ids(col_text(sel->get(), 0, 1)), 0}};
}

Status finish_idempotency(Conn& c, const IdempotencyKey& idem, const std::vector<std::string>& ids) {
  auto r = c.run(kFinishIdem, Params().text(idem.key_id).text(idem.key).text(join_ids(ids)));
  if (!r) return tl::unexpected(r.error());
  return {};
}

Result<bool> org_exists(Conn& c, std::string_view id) {
  auto r = c.run(kOrgExists, Params().text(id));
  if (!r) return tl::unexpected(r.error());
  return PQntuples(r->get()) > 0;
}

Result<std::unique_ptr<Conn>> open_connection(const PostgresHubStore::Options& o) {
  auto conn = std::make_unique<Conn>(PQconnectdb(o.conninfo.c_str()));
  if (conn->raw() == nullptr) return fail(Errc::io_error, "postgres: out of memory");
  if (conn->broken()) return conn->error("cannot connect");
  // Timestamps and numbers are exchanged as text: pin the formats.
  // Text exchange formats pinned; NOTICEs ("schema exists, skipping") are not for stderr.
  MAMORI_TRY(conn->exec("SET client_encoding = 'UTF8'; SET extra_float_digits = 3; SET client_min_messages = warning"));
  if (!o.schema.empty()) {
    char* quoted = PQescapeIdentifier(conn->raw(), o.schema.data(), o.schema.size());
    if (quoted == nullptr) return conn->error("bad schema name");
    const std::string sql = fmt::format("CREATE SCHEMA IF NOT EXISTS {0}; SET search_path TO {0}", quoted);
    PQfreemem(quoted);
    MAMORI_TRY(conn->exec(sql.c_str()));
  }
  return conn;
}

Status apply_migrations(Conn& c) {
  Transaction tx(c);
  MAMORI_TRY(tx.begin());
  // Hubs sharing a database may start together: one migrates, the others wait.
  MAMORI_TRY(c.exec("SELECT pg_advisory_xact_lock(7236, 1)"));
  MAMORI_TRY(c.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                    "applied_ns BIGINT NOT NULL)"));
  auto cur = c.run(kSchemaVersion, Params());
  if (!cur) return tl::unexpected(cur.error());
  const int current = static_cast<int>(col_i64(cur->get(), 0, 0));
  const auto migrations = postgres_migrations();
  if (current > migrations.back().version)
    return fail(Errc::unsupported, "database schema version {} is newer than this build knows ({})", current,
                migrations.back().version);
  for (const auto& m : migrations) {
    if (m.version <= current) continue;
    MAMORI_TRY(c.exec(std::string(m.sql).c_str()));
    auto r = c.run("INSERT INTO schema_migrations (version, name, applied_ns) VALUES ($1, $2, $3)",
                   Params().i64(m.version).text(m.name).i64(static_cast<std::int64_t>(now_ns())));
    if (!r) return tl::unexpected(r.error());
  }
  return tx.commit();
}

}  // namespace

PostgresHubStore::PostgresHubStore(Options options)
    : options_(std::move(options)), pool_([this] { return open_connection(options_); }, options_.pool_size) {}

PostgresHubStore::~PostgresHubStore() = default;

Result<std::unique_ptr<PostgresHubStore>> PostgresHubStore::open(const Options& options) {
  if (options.conninfo.empty()) return fail(Errc::invalid_argument, "postgres store: no connection string");
  std::unique_ptr<PostgresHubStore> store(new PostgresHubStore(options));
  auto lease = store->pool_.acquire();
  if (!lease) return tl::unexpected(lease.error());
  MAMORI_TRY(apply_migrations(**lease));
  return store;
}

Status PostgresHubStore::drop_schema(const std::string& conninfo, const std::string& schema) {
  Conn conn(PQconnectdb(conninfo.c_str()));
  if (conn.raw() == nullptr || conn.broken()) return conn.error("cannot connect");
  if (auto ok = conn.exec("SET client_min_messages = warning"); !ok) return ok;
  char* quoted = PQescapeIdentifier(conn.raw(), schema.data(), schema.size());
  if (quoted == nullptr) return conn.error("bad schema name");
  const std::string sql = fmt::format("DROP SCHEMA IF EXISTS {} CASCADE", quoted);
  PQfreemem(quoted);
  return conn.exec(sql.c_str());
}

// Every operation runs on a leased connection; one that broke (server
// restart, network) is discarded so the next operation reconnects.
#define MAMORI_LEASE(name)                            \
  auto name = pool_.acquire();                        \
  if (!name) return tl::unexpected(name.error());     \
  struct DiscardIfBroken {                            \
    Pool::Lease& l;                                   \
    ~DiscardIfBroken() {                              \
      if (l->broken()) l.discard();                   \
    }                                                 \
  } name##_guard{*name}

Result<int> PostgresHubStore::schema_version() {
  MAMORI_LEASE(c);
  auto r = (*c)->run(kSchemaVersion, Params());
  if (!r) return tl::unexpected(r.error());
  return static_cast<int>(col_i64(r->get(), 0, 0));
}

Result<WriteResult> PostgresHubStore::do_create_organisation(const Organisation& org, const IdempotencyKey* idem) {
  MAMORI_LEASE(c);
  Conn& conn = **c;
  Transaction tx(conn);
  MAMORI_TRY(tx.begin());
  if (idem) {
    auto claimed = claim_idempotency(conn, *idem);
    if (!claimed) return tl::unexpected(claimed.error());
    if (*claimed) return **claimed;
  }
  auto p = org_params(org);
  p.i64(static_cast<std::int64_t>(org.created)).i64(static_cast<std::int64_t>(org.updated)).i64(org.version);
  auto r = conn.run(kInsertOrg, p);
  if (!r) return tl::unexpected(r.error());
  if (affected(r->get()) == 0) return WriteResult{WriteOutcome::exists, {org.id}, 0};
  MAMORI_TRY(replace_org_lists(conn, org));
  if (idem) MAMORI_TRY(finish_idempotency(conn, *idem, {org.id}));
  MAMORI_TRY(tx.commit());
  return WriteResult{WriteOutcome::done, {org.id}, 1};
}

Result<std::optional<Organisation>> PostgresHubStore::do_get_organisation(std::string_view id) {
  MAMORI_LEASE(c);
  auto r = (*c)->run(kSelectOrg, Params().text(id));
  if (!r) return tl::unexpected(r.error());
  if (PQntuples(r->get()) == 0) return std::optional<Organisation>{};
  auto org = read_org(r->get(), 0);
  if (!org) return tl::unexpected(org.error());
  return std::optional<Organisation>(std::move(*org));
}

Result<std::vector<Organisation>> PostgresHubStore::do_list_organisations(std::string_view after_id, int limit,
                                                                          const std::optional<std::string>& sector) {
  MAMORI_LEASE(c);
  auto r = (*c)->run(kListOrgs, Params().text(after_id).opt_text(sector).i64(limit));
  if (!r) return tl::unexpected(r.error());
  std::vector<Organisation> out;
  for (int i = 0; i < PQntuples(r->get()); ++i) {
    auto org = read_org(r->get(), i);
    if (!org) return tl::unexpected(org.error());
    out.push_back(std::move(*org));
  }
  return out;
}

Result<WriteResult> PostgresHubStore::do_update_organisation(const Organisation& org,
                                                             std::optional<std::int64_t> expected_version) {
  MAMORI_LEASE(c);
  Conn& conn = **c;
  Transaction tx(conn);
  MAMORI_TRY(tx.begin());
  auto p = org_params(org);
  p.i64(static_cast<std::int64_t>(org.updated));
  if (expected_version) p.i64(*expected_version);
  else p.null();
  auto r = conn.run(kUpdateOrg, p);
  if (!r) return tl::unexpected(r.error());
  if (affected(r->get()) == 0) {
    auto exists = org_exists(conn, org.id);
    if (!exists) return tl::unexpected(exists.error());
    return WriteResult{*exists ? WriteOutcome::stale : WriteOutcome::not_found, {org.id}, 0};
  }
  MAMORI_TRY(replace_org_lists(conn, org));
  MAMORI_TRY(tx.commit());
  return WriteResult{WriteOutcome::done, {org.id}, 0};
}

Result<WriteResult> PostgresHubStore::do_create_api_key(const ApiKey& key, bool bootstrap) {
  MAMORI_LEASE(c);
  Conn& conn = **c;
  Transaction tx(conn);
  MAMORI_TRY(tx.begin());
  if (bootstrap) {
    // Two concurrent bootstraps must not both see an empty table.
    MAMORI_TRY(conn.exec(kBootstrapLock));
    auto r = conn.run(kCountKeys, Params());
    if (!r) return tl::unexpected(r.error());
    if (col_i64(r->get(), 0, 0) != 0) return WriteResult{WriteOutcome::refused, {}, 0};
  }
  if (!key.org_id.empty()) {
    auto exists = org_exists(conn, key.org_id);
    if (!exists) return tl::unexpected(exists.error());
    if (!*exists) return WriteResult{WriteOutcome::not_found, {key.org_id}, 0};
  }
  Params p;
  p.text(key.id).text(key.secret_hash).text(role_name(key.role));
  if (key.org_id.empty()) p.null();
  else p.text(key.org_id);
  p.text(key.name).text(key.created_by).i64(static_cast<std::int64_t>(key.created));
  auto r = conn.run(kInsertKey, p);
  if (!r) return tl::unexpected(r.error());
  if (affected(r->get()) == 0) return WriteResult{WriteOutcome::exists, {key.id}, 0};
  MAMORI_TRY(tx.commit());
  return WriteResult{WriteOutcome::done, {key.id}, 1};
}

Result<std::optional<ApiKey>> PostgresHubStore::do_get_api_key(std::string_view id) {
  MAMORI_LEASE(c);
  auto r = (*c)->run(kSelectKey, Params().text(id));
  if (!r) return tl::unexpected(r.error());
  if (PQntuples(r->get()) == 0) return std::optional<ApiKey>{};
  return std::optional<ApiKey>(read_key(r->get(), 0));
}

Result<std::vector<ApiKey>> PostgresHubStore::do_list_api_keys(const std::optional<std::string>& org_id) {
  MAMORI_LEASE(c);
  auto r = (*c)->run(kListKeys, Params().opt_text(org_id));
  if (!r) return tl::unexpected(r.error());
  std::vector<ApiKey> out;
  for (int i = 0; i < PQntuples(r->get()); ++i) out.push_back(read_key(r->get(), i));
  return out;
}

Result<WriteResult> PostgresHubStore::do_revoke_api_key(std::string_view id, TimeNs when) {
  MAMORI_LEASE(c);
  auto r = (*c)->run(kRevokeKey, Params().text(id).i64(static_cast<std::int64_t>(when)));
  if (!r) return tl::unexpected(r.error());
  return WriteResult{affected(r->get()) == 0 ? WriteOutcome::not_found : WriteOutcome::done, {std::string(id)}, 0};
}

Result<WriteResult> PostgresHubStore::do_upsert_findings(std::string_view carrier_org,
                                                         const std::vector<FindingRecord>& findings,
                                                         const IdempotencyKey* idem) {
  MAMORI_LEASE(c);
  Conn& conn = **c;
  Transaction tx(conn);
  MAMORI_TRY(tx.begin());
  if (idem) {
    auto claimed = claim_idempotency(conn, *idem);
    if (!claimed) return tl::unexpected(claimed.error());
    if (*claimed) return **claimed;
  }
  auto exists = org_exists(conn, carrier_org);
  if (!exists) return tl::unexpected(exists.error());
  if (!*exists) return WriteResult{WriteOutcome::not_found, {std::string(carrier_org)}, 0};
  WriteResult result;
  for (const auto& f : findings) {
    Params p;
    p.text(carrier_org).text(f.detector).text(f.endpoint).text(f.kind).text(f.role).text(f.ports_json).i64(f.proto)
        .f64(f.score).i64(static_cast<std::int64_t>(f.first_seen)).i64(static_cast<std::int64_t>(f.last_seen))
        .i64(static_cast<std::int64_t>(f.flows)).i64(static_cast<std::int64_t>(f.packets))
        .i64(static_cast<std::int64_t>(f.bytes)).i64(static_cast<std::int64_t>(f.peers)).text(f.sample_peers_json)
        .text(f.metrics_json).text(f.summary).i64(static_cast<std::int64_t>(f.received));
    auto r = conn.run(kUpsertFinding, p);
    if (!r) return tl::unexpected(r.error());
    if (PQntuples(r->get()) != 1) return fail(Errc::io_error, "postgres: upsert returned no row");
    result.ids.push_back(col_text(r->get(), 0, 0));
    if (col_i64(r->get(), 0, 1) == 1) ++result.created;
  }
  if (idem) MAMORI_TRY(finish_idempotency(conn, *idem, result.ids));
  MAMORI_TRY(tx.commit());
  return result;
}

Result<std::optional<FindingRecord>> PostgresHubStore::do_get_finding(std::int64_t id) {
  MAMORI_LEASE(c);
  auto r = (*c)->run(kSelectFinding, Params().i64(id));
  if (!r) return tl::unexpected(r.error());
  if (PQntuples(r->get()) == 0) return std::optional<FindingRecord>{};
  return std::optional<FindingRecord>(read_finding(r->get(), 0));
}

Result<std::vector<FindingRecord>> PostgresHubStore::do_list_findings(const FindingQuery& f) {
  MAMORI_LEASE(c);
  Params p;
  p.i64(f.after_id).opt_text(f.carrier_org).opt_text(f.kind).opt_text(f.endpoint);
  if (f.status) p.text(finding_status_name(*f.status));
  else p.null();
  if (f.min_score) p.f64(*f.min_score);
  else p.null();
  if (f.seen_after) p.i64(static_cast<std::int64_t>(*f.seen_after));
  else p.null();
  p.i64(f.limit);
  auto r = (*c)->run(kListFindings, p);
  if (!r) return tl::unexpected(r.error());
  std::vector<FindingRecord> out;
  for (int i = 0; i < PQntuples(r->get()); ++i) out.push_back(read_finding(r->get(), i));
  return out;
}

Result<WriteResult> PostgresHubStore::do_triage_finding(std::int64_t id, FindingStatus status,
                                                        const std::optional<std::string>& notes, TimeNs when) {
  MAMORI_LEASE(c);
  auto r = (*c)->run(kTriageFinding, Params().i64(id).text(finding_status_name(status)).opt_text(notes)
                                         .i64(static_cast<std::int64_t>(when)));
  if (!r) return tl::unexpected(r.error());
  return WriteResult{affected(r->get()) == 0 ? WriteOutcome::not_found : WriteOutcome::done, {std::to_string(id)}, 0};
}

Result<std::int64_t> PostgresHubStore::do_append_access(const AccessRecord& a) {
  MAMORI_LEASE(c);
  auto r = (*c)->run(kInsertAccess, Params().i64(static_cast<std::int64_t>(a.time)).text(a.key_id).text(a.actor_org)
                                        .text(a.subject_org).text(a.action).text(a.resource).text(a.purpose));
  if (!r) return tl::unexpected(r.error());
  return col_i64(r->get(), 0, 0);
}

Result<std::vector<AccessRecord>> PostgresHubStore::do_list_access(std::string_view subject_org, std::int64_t after_id,
                                                                   int limit) {
  MAMORI_LEASE(c);
  auto r = (*c)->run(kListAccess, Params().text(subject_org).i64(after_id).i64(limit));
  if (!r) return tl::unexpected(r.error());
  std::vector<AccessRecord> out;
  for (int i = 0; i < PQntuples(r->get()); ++i) {
    AccessRecord a;
    a.id = col_i64(r->get(), i, 0);
    a.time = static_cast<TimeNs>(col_i64(r->get(), i, 1));
    a.key_id = col_text(r->get(), i, 2);
    a.actor_org = col_text(r->get(), i, 3);
    a.subject_org = col_text(r->get(), i, 4);
    a.action = col_text(r->get(), i, 5);
    a.resource = col_text(r->get(), i, 6);
    a.purpose = col_text(r->get(), i, 7);
    out.push_back(std::move(a));
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
    "opened_ns, updated_ns, next_due_ns) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
    "ON CONFLICT (id) DO NOTHING";
// Continues the chain only from the sequence before this one, and never after
// the final report; a concurrent follow-up waits for the row lock and then
// finds the sequence moved on.
constexpr const char kAdvanceIncident[] =
    "UPDATE incidents SET incident_type = $2, latest_stage = $3, last_sequence = $4::bigint, closed = $5, "
    "updated_ns = $6, next_due_ns = $7 WHERE id = $1 AND org_id = $8 AND last_sequence = $4::bigint - 1 AND "
    "NOT closed";
constexpr const char kIncidentExists[] = "SELECT 1 FROM incidents WHERE id = $1";
constexpr const char kInsertReport[] =
    "INSERT INTO reports (id, incident_id, org_id, reporter_sector, stage, sequence, tlp, incident_type, "
    "aware_ns, "
    "received_ns, document, document_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
    "ON CONFLICT DO NOTHING";
constexpr const char kInsertReceipt[] =
    "INSERT INTO report_receipts (report_id, recipient, reasons, sees_identity, identity_visible, "
    "view_sha256, "
    "signed_receipt, time_ns) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
constexpr const char kInsertIndicator[] =
    "INSERT INTO report_indicators (report_id, type, value) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
constexpr const char kSelectReport[] =
    "SELECT id, incident_id, org_id, reporter_sector, stage, sequence, tlp, incident_type, aware_ns, "
    "received_ns, "
    "document, document_sha256 FROM reports WHERE id = $1";
constexpr const char kReceiptsOf[] =
    "SELECT recipient, reasons, sees_identity, identity_visible, view_sha256, signed_receipt, time_ns "
    "FROM report_receipts WHERE report_id = $1 ORDER BY ctid";
constexpr const char kIndicatorsOf[] =
    "SELECT type, value FROM report_indicators WHERE report_id = $1 ORDER BY type COLLATE \"C\", value "
    "COLLATE \"C\"";
constexpr const char kListReports[] =
    "SELECT id, incident_id, org_id, reporter_sector, stage, sequence, tlp, incident_type, aware_ns, "
    "received_ns, "
    "'', document_sha256 FROM reports r WHERE id > $1 AND ($2::text IS NULL OR org_id = $2::text) "
    "AND ($3::text IS NULL OR incident_id = $3::text) AND ($4::text IS NULL OR org_id = $4::text "
    "OR tlp IN ('CLEAR', 'GREEN') OR EXISTS (SELECT 1 FROM report_receipts x WHERE x.report_id = r.id "
    "AND x.recipient = $4::text)) ORDER BY id LIMIT $5";
constexpr const char kIncidentChain[] =
    "SELECT id, incident_id, org_id, reporter_sector, stage, sequence, tlp, incident_type, aware_ns, "
    "received_ns, "
    "document, document_sha256 FROM reports WHERE incident_id = $1 ORDER BY sequence";
constexpr const char kSelectIncident[] =
    "SELECT id, org_id, reporter_sector, incident_type, latest_stage, last_sequence, closed, aware_ns, "
    "opened_ns, "
    "updated_ns, next_due_ns FROM incidents WHERE id = $1";
constexpr const char kOverdueIncidents[] =
    "SELECT id, org_id, reporter_sector, incident_type, latest_stage, last_sequence, closed, aware_ns, "
    "opened_ns, "
    "updated_ns, next_due_ns FROM incidents WHERE next_due_ns IS NOT NULL AND next_due_ns < $1 "
    "AND ($2::text IS NULL OR org_id = $2::text) ORDER BY next_due_ns, id LIMIT $3";
constexpr const char kInsertReportAccess[] =
    "INSERT INTO report_access (time_ns, report_id, incident_id, reporter_org, reader_key_id, reader_org, "
    "reader_role, "
    "purpose, allowed, reason, ledger_index) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING "
    "id";
constexpr const char kListReportAccess[] =
    "SELECT id, time_ns, report_id, incident_id, reporter_org, reader_key_id, reader_org, reader_role, "
    "purpose, "
    "allowed, reason, ledger_index FROM report_access WHERE report_id = $1 AND id > $2 ORDER BY id LIMIT $3";

bool col_bool(const PGresult* r, int row, int c) {
  return PQgetvalue(r, row, c)[0] == 't';
}

ReportRecord read_report(const PGresult* r, int i) {
  ReportRecord rep;
  rep.id = col_text(r, i, 0);
  rep.incident_id = col_text(r, i, 1);
  rep.org_id = col_text(r, i, 2);
  rep.reporter_sector = col_text(r, i, 3);
  rep.stage = col_text(r, i, 4);
  rep.sequence = col_i64(r, i, 5);
  rep.tlp = col_text(r, i, 6);
  rep.incident_type = col_text(r, i, 7);
  rep.aware_at = static_cast<TimeNs>(col_i64(r, i, 8));
  rep.received = static_cast<TimeNs>(col_i64(r, i, 9));
  rep.document = col_text(r, i, 10);
  rep.document_sha256 = col_text(r, i, 11);
  return rep;
}

IncidentRecord read_incident(const PGresult* r, int i) {
  IncidentRecord inc;
  inc.id = col_text(r, i, 0);
  inc.org_id = col_text(r, i, 1);
  inc.reporter_sector = col_text(r, i, 2);
  inc.incident_type = col_text(r, i, 3);
  inc.latest_stage = col_text(r, i, 4);
  inc.last_sequence = col_i64(r, i, 5);
  inc.closed = col_bool(r, i, 6);
  inc.aware_at = static_cast<TimeNs>(col_i64(r, i, 7));
  inc.opened = static_cast<TimeNs>(col_i64(r, i, 8));
  inc.updated = static_cast<TimeNs>(col_i64(r, i, 9));
  if (!PQgetisnull(r, i, 10)) inc.next_due = static_cast<TimeNs>(col_i64(r, i, 10));
  return inc;
}

Params& due_param(Params& p, const std::optional<TimeNs>& due) {
  return due ? p.i64(static_cast<std::int64_t>(*due)) : p.null();
}

}  // namespace

Result<WriteResult> PostgresHubStore::do_submit_report(const ReportRecord& rep, const IncidentRecord& inc,
                                                       const IdempotencyKey* idem) {
  MAMORI_LEASE(c);
  Conn& conn = **c;
  Transaction tx(conn);
  MAMORI_TRY(tx.begin());
  if (idem) {
    auto claimed = claim_idempotency(conn, *idem);
    if (!claimed) return tl::unexpected(claimed.error());
    if (*claimed) return **claimed;
  }
  auto exists = org_exists(conn, rep.org_id);
  if (!exists) return tl::unexpected(exists.error());
  if (!*exists) return WriteResult{WriteOutcome::not_found, {rep.org_id}, 0};
  const char* flag_true = "true";
  const char* flag_false = "false";
  if (rep.stage == "quick") {
    Params p;
    p.text(inc.id)
        .text(inc.org_id)
        .text(inc.reporter_sector)
        .text(inc.incident_type)
        .text(inc.latest_stage)
        .i64(inc.last_sequence)
        .text(inc.closed ? flag_true : flag_false)
        .i64(static_cast<std::int64_t>(inc.aware_at))
        .i64(static_cast<std::int64_t>(inc.opened))
        .i64(static_cast<std::int64_t>(inc.updated));
    due_param(p, inc.next_due);
    auto r = conn.run(kInsertIncident, p);
    if (!r) return tl::unexpected(r.error());
    if (affected(r->get()) == 0) return WriteResult{WriteOutcome::exists, {inc.id}, 0};
  } else {
    Params p;
    p.text(inc.id)
        .text(inc.incident_type)
        .text(inc.latest_stage)
        .i64(inc.last_sequence)
        .text(inc.closed ? flag_true : flag_false)
        .i64(static_cast<std::int64_t>(inc.updated));
    due_param(p, inc.next_due);
    p.text(inc.org_id);
    auto r = conn.run(kAdvanceIncident, p);
    if (!r) return tl::unexpected(r.error());
    if (affected(r->get()) == 0) {
      auto e = conn.run(kIncidentExists, Params().text(inc.id));
      if (!e) return tl::unexpected(e.error());
      return WriteResult{
          PQntuples(e->get()) > 0 ? WriteOutcome::stale : WriteOutcome::not_found, {inc.id}, 0};
    }
  }
  {
    auto r = conn.run(kInsertReport, Params()
                                         .text(rep.id)
                                         .text(rep.incident_id)
                                         .text(rep.org_id)
                                         .text(rep.reporter_sector)
                                         .text(rep.stage)
                                         .i64(rep.sequence)
                                         .text(rep.tlp)
                                         .text(rep.incident_type)
                                         .i64(static_cast<std::int64_t>(rep.aware_at))
                                         .i64(static_cast<std::int64_t>(rep.received))
                                         .text(rep.document)
                                         .text(rep.document_sha256));
    if (!r) return tl::unexpected(r.error());
    if (affected(r->get()) == 0) return WriteResult{WriteOutcome::exists, {rep.id}, 0};
  }
  for (const auto& rc : rep.receipts) {
    auto r = conn.run(kInsertReceipt, Params()
                                          .text(rep.id)
                                          .text(rc.recipient)
                                          .text(rc.reasons_json)
                                          .text(rc.sees_identity ? flag_true : flag_false)
                                          .text(rc.identity_visible ? flag_true : flag_false)
                                          .text(rc.view_sha256)
                                          .text(rc.signed_receipt)
                                          .i64(static_cast<std::int64_t>(rc.time)));
    if (!r) return tl::unexpected(r.error());
  }
  for (const auto& ind : rep.indicators) {
    auto r = conn.run(kInsertIndicator, Params().text(rep.id).text(ind.type).text(ind.value));
    if (!r) return tl::unexpected(r.error());
  }
  if (idem) MAMORI_TRY(finish_idempotency(conn, *idem, {rep.id}));
  MAMORI_TRY(tx.commit());
  return WriteResult{WriteOutcome::done, {rep.id}, 1};
}

Result<std::optional<ReportRecord>> PostgresHubStore::do_get_report(std::string_view id) {
  MAMORI_LEASE(c);
  Conn& conn = **c;
  // REPEATABLE READ: the report and its receipts come from one snapshot.
  Transaction tx(conn);
  MAMORI_TRY(tx.begin());
  MAMORI_TRY(conn.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"));
  auto r = conn.run(kSelectReport, Params().text(id));
  if (!r) return tl::unexpected(r.error());
  if (PQntuples(r->get()) == 0) return std::optional<ReportRecord>{};
  ReportRecord rep = read_report(r->get(), 0);
  auto rc = conn.run(kReceiptsOf, Params().text(id));
  if (!rc) return tl::unexpected(rc.error());
  for (int i = 0; i < PQntuples(rc->get()); ++i) {
    ReportReceiptRecord x;
    x.recipient = col_text(rc->get(), i, 0);
    x.reasons_json = col_text(rc->get(), i, 1);
    x.sees_identity = col_bool(rc->get(), i, 2);
    x.identity_visible = col_bool(rc->get(), i, 3);
    x.view_sha256 = col_text(rc->get(), i, 4);
    x.signed_receipt = col_text(rc->get(), i, 5);
    x.time = static_cast<TimeNs>(col_i64(rc->get(), i, 6));
    rep.receipts.push_back(std::move(x));
  }
  auto ind = conn.run(kIndicatorsOf, Params().text(id));
  if (!ind) return tl::unexpected(ind.error());
  for (int i = 0; i < PQntuples(ind->get()); ++i)
    rep.indicators.push_back({col_text(ind->get(), i, 0), col_text(ind->get(), i, 1)});
  MAMORI_TRY(tx.commit());
  return std::optional<ReportRecord>(std::move(rep));
}

Result<std::vector<ReportRecord>> PostgresHubStore::do_list_reports(const ReportQuery& f) {
  MAMORI_LEASE(c);
  auto r = (*c)->run(kListReports, Params()
                                       .text(f.after_id)
                                       .opt_text(f.org_id)
                                       .opt_text(f.incident_id)
                                       .opt_text(f.visible_to_org)
                                       .i64(f.limit));
  if (!r) return tl::unexpected(r.error());
  std::vector<ReportRecord> out;
  for (int i = 0; i < PQntuples(r->get()); ++i) out.push_back(read_report(r->get(), i));
  return out;
}

Result<std::vector<ReportRecord>> PostgresHubStore::do_incident_chain(std::string_view incident_id) {
  MAMORI_LEASE(c);
  auto r = (*c)->run(kIncidentChain, Params().text(incident_id));
  if (!r) return tl::unexpected(r.error());
  std::vector<ReportRecord> out;
  for (int i = 0; i < PQntuples(r->get()); ++i) out.push_back(read_report(r->get(), i));
  return out;
}

Result<std::optional<IncidentRecord>> PostgresHubStore::do_get_incident(std::string_view id) {
  MAMORI_LEASE(c);
  auto r = (*c)->run(kSelectIncident, Params().text(id));
  if (!r) return tl::unexpected(r.error());
  if (PQntuples(r->get()) == 0) return std::optional<IncidentRecord>{};
  return std::optional<IncidentRecord>(read_incident(r->get(), 0));
}

Result<std::vector<IncidentRecord>> PostgresHubStore::do_list_overdue_incidents(
    TimeNs now, const std::optional<std::string>& org_id, int limit) {
  MAMORI_LEASE(c);
  auto r =
      (*c)->run(kOverdueIncidents, Params().i64(static_cast<std::int64_t>(now)).opt_text(org_id).i64(limit));
  if (!r) return tl::unexpected(r.error());
  std::vector<IncidentRecord> out;
  for (int i = 0; i < PQntuples(r->get()); ++i) out.push_back(read_incident(r->get(), i));
  return out;
}

Result<std::int64_t> PostgresHubStore::do_append_report_access(const ReportAccessEntry& e) {
  MAMORI_LEASE(c);
  auto r = (*c)->run(kInsertReportAccess, Params()
                                              .i64(static_cast<std::int64_t>(e.time))
                                              .text(e.report_id)
                                              .text(e.incident_id)
                                              .text(e.reporter_org)
                                              .text(e.reader_key_id)
                                              .text(e.reader_org)
                                              .text(e.reader_role)
                                              .text(e.purpose)
                                              .text(e.allowed ? "true" : "false")
                                              .text(e.reason)
                                              .i64(e.ledger_index));
  if (!r) return tl::unexpected(r.error());
  return col_i64(r->get(), 0, 0);
}

Result<std::vector<ReportAccessEntry>> PostgresHubStore::do_list_report_access(std::string_view report_id,
                                                                               std::int64_t after_id,
                                                                               int limit) {
  MAMORI_LEASE(c);
  auto r = (*c)->run(kListReportAccess, Params().text(report_id).i64(after_id).i64(limit));
  if (!r) return tl::unexpected(r.error());
  std::vector<ReportAccessEntry> out;
  for (int i = 0; i < PQntuples(r->get()); ++i) {
    ReportAccessEntry e;
    e.id = col_i64(r->get(), i, 0);
    e.time = static_cast<TimeNs>(col_i64(r->get(), i, 1));
    e.report_id = col_text(r->get(), i, 2);
    e.incident_id = col_text(r->get(), i, 3);
    e.reporter_org = col_text(r->get(), i, 4);
    e.reader_key_id = col_text(r->get(), i, 5);
    e.reader_org = col_text(r->get(), i, 6);
    e.reader_role = col_text(r->get(), i, 7);
    e.purpose = col_text(r->get(), i, 8);
    e.allowed = col_bool(r->get(), i, 9);
    e.reason = col_text(r->get(), i, 10);
    e.ledger_index = col_i64(r->get(), i, 11);
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::optional<WriteResult>> PostgresHubStore::do_lookup_idempotency(const IdempotencyKey& idem) {
  MAMORI_LEASE(c);
  auto sel = (*c)->run(kSelectIdem, Params().text(idem.key_id).text(idem.key));
  if (!sel) return tl::unexpected(sel.error());
  if (PQntuples(sel->get()) == 0) return std::optional<WriteResult>{};
  if (col_text(sel->get(), 0, 0) != idem.request_hash)
    return std::optional<WriteResult>{WriteResult{WriteOutcome::key_mismatch, {}, 0}};
  return std::optional<WriteResult>{
      WriteResult{WriteOutcome::replayed, split_ids(col_text(sel->get(), 0, 1)), 0}};
}

}  // namespace mamori::store
