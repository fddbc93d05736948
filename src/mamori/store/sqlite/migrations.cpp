// SQLite schema, version by version (see store/migration.hpp and docs/hub.md).
#include <array>

#include "mamori/store/migration.hpp"

namespace mamori::store {

namespace {

// Version 1: organisations and what they registered, API keys, findings, the
// access log, idempotency records.
//
// Organisations keep their lists as JSON in their row (one read returns the
// whole organisation) and, for the lists that early warning matches on, also
// as indexed rows: org_ip_ranges holds each range's first and last address as
// 32 hex digits of the 128-bit (IPv4-mapped) form, so "which organisation
// owns this address" is a range scan on text that sorts like the addresses.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE organisations (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  sector     TEXT NOT NULL,
  tier       INTEGER NOT NULL,
  ministry   TEXT NOT NULL,
  clearance  INTEGER NOT NULL,
  contacts   TEXT NOT NULL,  -- JSON array of {name,email,phone,role}
  ip_ranges  TEXT NOT NULL,  -- JSON array of CIDR strings
  asns       TEXT NOT NULL,  -- JSON array of integers
  domains    TEXT NOT NULL,  -- JSON array of strings
  created_ns INTEGER NOT NULL,
  updated_ns INTEGER NOT NULL,
  version    INTEGER NOT NULL
);
CREATE INDEX organisations_sector ON organisations (sector, id);
CREATE TABLE org_ip_ranges (
  org_id     TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  cidr       TEXT NOT NULL,
  first_addr TEXT NOT NULL,
  last_addr  TEXT NOT NULL,
  PRIMARY KEY (org_id, cidr)
);
CREATE INDEX org_ip_ranges_first ON org_ip_ranges (first_addr, last_addr);
CREATE TABLE org_asns (
  org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  asn    INTEGER NOT NULL,
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
  secret_hash TEXT NOT NULL,   -- hex SHA-256 of the secret; the secret is never stored
  role        TEXT NOT NULL,
  org_id      TEXT REFERENCES organisations (id),
  name        TEXT NOT NULL,
  created_by  TEXT NOT NULL,
  created_ns  INTEGER NOT NULL,
  revoked_ns  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_keys_org ON api_keys (org_id, id);
CREATE TABLE findings (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  carrier_org   TEXT NOT NULL REFERENCES organisations (id),
  detector      TEXT NOT NULL,
  endpoint      TEXT NOT NULL,
  kind          TEXT NOT NULL,
  role          TEXT NOT NULL,
  ports         TEXT NOT NULL,  -- JSON array
  proto         INTEGER NOT NULL,
  score         REAL NOT NULL,
  first_seen_ns INTEGER NOT NULL,
  last_seen_ns  INTEGER NOT NULL,
  flows         INTEGER NOT NULL,
  packets       INTEGER NOT NULL,
  bytes         INTEGER NOT NULL,
  peers         INTEGER NOT NULL,
  sample_peers  TEXT NOT NULL,  -- JSON array (pseudonymised as received)
  metrics       TEXT NOT NULL,  -- JSON object
  summary       TEXT NOT NULL,
  status        TEXT NOT NULL,
  notes         TEXT NOT NULL,
  reports       INTEGER NOT NULL,
  received_ns   INTEGER NOT NULL,
  updated_ns    INTEGER NOT NULL,
  UNIQUE (carrier_org, detector, endpoint, kind)
);
CREATE INDEX findings_status ON findings (status, id);
CREATE INDEX findings_endpoint ON findings (endpoint);
CREATE INDEX findings_last_seen ON findings (last_seen_ns);
CREATE TABLE access_log (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ns     INTEGER NOT NULL,
  key_id      TEXT NOT NULL,
  actor_org   TEXT NOT NULL,
  subject_org TEXT NOT NULL,
  action      TEXT NOT NULL,
  resource    TEXT NOT NULL,
  purpose     TEXT NOT NULL
);
CREATE INDEX access_log_subject ON access_log (subject_org, id);
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
  BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
  BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
CREATE TABLE idempotency_keys (
  key_id       TEXT NOT NULL,
  idem_key     TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  result_ids   TEXT NOT NULL,  -- comma-separated ids the first request wrote
  created_ns   INTEGER NOT NULL,
  PRIMARY KEY (key_id, idem_key)
);
)sql";

// Version 2: incident reports, as documents. The report domain library
// (src/mamori/report/) owns the document's shape; the hub indexes what it
// queries by (organisation, kind, chain of follow-ups, time of awareness, TLP).
constexpr std::string_view kV2 = R"sql(
CREATE TABLE reports (
  id         TEXT PRIMARY KEY,
  org_id     TEXT NOT NULL REFERENCES organisations (id),
  kind       TEXT NOT NULL,  -- quick, follow_up, final
  parent_id  TEXT REFERENCES reports (id),
  status     TEXT NOT NULL,
  tlp        TEXT NOT NULL,
  aware_ns   INTEGER NOT NULL,
  created_ns INTEGER NOT NULL,
  updated_ns INTEGER NOT NULL,
  document   TEXT NOT NULL   -- JSON document of the report domain
);
CREATE INDEX reports_org ON reports (org_id, created_ns);
CREATE INDEX reports_parent ON reports (parent_id);
)sql";

constexpr std::array<Migration, 2> kMigrations = {{
    {1, "organisations, api keys, findings, access log, idempotency", kV1},
    {2, "incident reports as documents", kV2},
}};

}  // namespace

std::span<const Migration> sqlite_migrations() noexcept { return kMigrations; }

}  // namespace mamori::store
