// PostgreSQL schema, version by version: the same tables and meaning as
// store/sqlite/migrations.cpp (see store/migration.hpp and docs/hub.md).
#include <array>

#include "mamori/store/migration.hpp"

namespace mamori::store {

namespace {

constexpr std::string_view kV1 = R"sql(
CREATE TABLE organisations (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  sector     TEXT NOT NULL,
  tier       INTEGER NOT NULL,
  ministry   TEXT NOT NULL,
  clearance  INTEGER NOT NULL,
  contacts   TEXT NOT NULL,
  ip_ranges  TEXT NOT NULL,
  asns       TEXT NOT NULL,
  domains    TEXT NOT NULL,
  created_ns BIGINT NOT NULL,
  updated_ns BIGINT NOT NULL,
  version    BIGINT NOT NULL
);
CREATE INDEX organisations_sector ON organisations (sector, id);
CREATE TABLE org_ip_ranges (
  org_id     TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  cidr       TEXT NOT NULL,
  first_addr TEXT COLLATE "C" NOT NULL,
  last_addr  TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (org_id, cidr)
);
CREATE INDEX org_ip_ranges_first ON org_ip_ranges (first_addr, last_addr);
CREATE TABLE org_asns (
  org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  asn    BIGINT NOT NULL,
  PRIMARY KEY (org_id, asn)
);
CREATE INDEX org_asns_asn ON org_asns (asn);
CREATE TABLE org_domains (
  org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  domain TEXT NOT NULL,
  PRIMARY KEY (org_id, domain)
);
CREATE INDEX org_domains_domain ON org_domains (domain);
CREATE TABLE api_keys (
  id          TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL,
  role        TEXT NOT NULL,
  org_id      TEXT REFERENCES organisations (id),
  name        TEXT NOT NULL,
  created_by  TEXT NOT NULL,
  created_ns  BIGINT NOT NULL,
  revoked_ns  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX api_keys_org ON api_keys (org_id, id);
CREATE TABLE findings (
  id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  carrier_org   TEXT NOT NULL REFERENCES organisations (id),
  detector      TEXT NOT NULL,
  endpoint      TEXT NOT NULL,
  kind          TEXT NOT NULL,
  role          TEXT NOT NULL,
  ports         TEXT NOT NULL,
  proto         INTEGER NOT NULL,
  score         DOUBLE PRECISION NOT NULL,
  first_seen_ns BIGINT NOT NULL,
  last_seen_ns  BIGINT NOT NULL,
  flows         BIGINT NOT NULL,
  packets       BIGINT NOT NULL,
  bytes         BIGINT NOT NULL,
  peers         BIGINT NOT NULL,
  sample_peers  TEXT NOT NULL,
  metrics       TEXT NOT NULL,
  summary       TEXT NOT NULL,
  status        TEXT NOT NULL,
  notes         TEXT NOT NULL,
  reports       BIGINT NOT NULL,
  received_ns   BIGINT NOT NULL,
  updated_ns    BIGINT NOT NULL,
  UNIQUE (carrier_org, detector, endpoint, kind)
);
CREATE INDEX findings_status ON findings (status, id);
CREATE INDEX findings_endpoint ON findings (endpoint);
CREATE INDEX findings_last_seen ON findings (last_seen_ns);
CREATE TABLE access_log (
  id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  time_ns     BIGINT NOT NULL,
  key_id      TEXT NOT NULL,
  actor_org   TEXT NOT NULL,
  subject_org TEXT NOT NULL,
  action      TEXT NOT NULL,
  resource    TEXT NOT NULL,
  purpose     TEXT NOT NULL
);
CREATE INDEX access_log_subject ON access_log (subject_org, id);
CREATE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the access log is append-only';
END $$;
CREATE TRIGGER access_log_no_change BEFORE UPDATE OR DELETE ON access_log
  FOR EACH ROW EXECUTE FUNCTION access_log_append_only();
CREATE TABLE idempotency_keys (
  key_id       TEXT NOT NULL,
  idem_key     TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  result_ids   TEXT NOT NULL,
  created_ns   BIGINT NOT NULL,
  PRIMARY KEY (key_id, idem_key)
);
)sql";

// jsonb here (TEXT in SQLite): PostgreSQL can index into the document.
constexpr std::string_view kV2 = R"sql(
CREATE TABLE reports (
  id         TEXT PRIMARY KEY,
  org_id     TEXT NOT NULL REFERENCES organisations (id),
  kind       TEXT NOT NULL,
  parent_id  TEXT REFERENCES reports (id),
  status     TEXT NOT NULL,
  tlp        TEXT NOT NULL,
  aware_ns   BIGINT NOT NULL,
  created_ns BIGINT NOT NULL,
  updated_ns BIGINT NOT NULL,
  document   JSONB NOT NULL
);
CREATE INDEX reports_org ON reports (org_id, created_ns);
CREATE INDEX reports_parent ON reports (parent_id);
)sql";

constexpr std::array<Migration, 2> kMigrations = {{
    {1, "organisations, api keys, findings, access log, idempotency", kV1},
    {2, "incident reports as documents", kV2},
}};

}  // namespace

std::span<const Migration> postgres_migrations() noexcept { return kMigrations; }

}  // namespace mamori::store
