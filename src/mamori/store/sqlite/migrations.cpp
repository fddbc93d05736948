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

// Version 2: incident reports (src/mamori/report/). A report's document is
// stored byte for byte as serialize_report wrote it, because its receipts
// hash those bytes; the columns beside it index what the hub queries by. The
// incident row carries the chain's latest sequence (follow-ups continue it
// only from there) and its earliest unmet deadline (the overdue list).
// report_access is the append-only log of who read which report and why.
constexpr std::string_view kV2 = R"sql(
CREATE TABLE incidents (
  id              TEXT PRIMARY KEY,
  org_id          TEXT NOT NULL REFERENCES organisations (id),
  reporter_sector TEXT NOT NULL,
  incident_type   TEXT NOT NULL,
  latest_stage    TEXT NOT NULL,
  last_sequence   INTEGER NOT NULL,
  closed          INTEGER NOT NULL,
  aware_ns        INTEGER NOT NULL,
  opened_ns       INTEGER NOT NULL,
  updated_ns      INTEGER NOT NULL,
  next_due_ns     INTEGER
);
CREATE INDEX incidents_org ON incidents (org_id, id);
CREATE INDEX incidents_next_due ON incidents (next_due_ns);
CREATE TABLE reports (
  id              TEXT PRIMARY KEY,
  incident_id     TEXT NOT NULL REFERENCES incidents (id),
  org_id          TEXT NOT NULL REFERENCES organisations (id),
  reporter_sector TEXT NOT NULL,
  stage           TEXT NOT NULL,
  sequence        INTEGER NOT NULL,
  tlp             TEXT NOT NULL,
  incident_type   TEXT NOT NULL,
  aware_ns        INTEGER NOT NULL,
  received_ns     INTEGER NOT NULL,
  document        TEXT NOT NULL,
  document_sha256 TEXT NOT NULL,
  UNIQUE (incident_id, sequence)
);
CREATE INDEX reports_org ON reports (org_id, id);
CREATE TABLE report_receipts (
  report_id        TEXT NOT NULL REFERENCES reports (id),
  recipient        TEXT NOT NULL,
  reasons          TEXT NOT NULL,  -- JSON array
  sees_identity    INTEGER NOT NULL,
  identity_visible INTEGER NOT NULL,
  view_sha256      TEXT NOT NULL,
  signed_receipt   TEXT NOT NULL,
  time_ns          INTEGER NOT NULL,
  PRIMARY KEY (report_id, recipient)
);
CREATE INDEX report_receipts_recipient ON report_receipts (recipient, report_id);
CREATE TABLE report_indicators (
  report_id TEXT NOT NULL REFERENCES reports (id),
  type      TEXT NOT NULL,
  value     TEXT NOT NULL,
  PRIMARY KEY (report_id, type, value)
);
CREATE INDEX report_indicators_value ON report_indicators (value);
CREATE TABLE report_access (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ns       INTEGER NOT NULL,
  report_id     TEXT NOT NULL,
  incident_id   TEXT NOT NULL,
  reporter_org  TEXT NOT NULL,
  reader_key_id TEXT NOT NULL,
  reader_org    TEXT NOT NULL,
  reader_role   TEXT NOT NULL,
  purpose       TEXT NOT NULL,
  allowed       INTEGER NOT NULL,
  reason        TEXT NOT NULL,
  ledger_index  INTEGER NOT NULL
);
CREATE INDEX report_access_report ON report_access (report_id, id);
CREATE TRIGGER report_access_no_update BEFORE UPDATE ON report_access
  BEGIN SELECT RAISE(ABORT, 'the report access log is append-only'); END;
CREATE TRIGGER report_access_no_delete BEFORE DELETE ON report_access
  BEGIN SELECT RAISE(ABORT, 'the report access log is append-only'); END;
)sql";

constexpr std::array<Migration, 2> kMigrations = {{
    {1, "organisations, api keys, findings, access log, idempotency", kV1},
    {2, "incident reports, incidents, receipts, indicators, report access log", kV2},
}};

}  // namespace

std::span<const Migration> sqlite_migrations() noexcept { return kMigrations; }

}  // namespace mamori::store
