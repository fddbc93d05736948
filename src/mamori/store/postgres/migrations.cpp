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

// Version 2: incident reports, as in store/sqlite/migrations.cpp. The document
// is TEXT, not jsonb: jsonb reorders keys, and receipts hash the exact bytes.
// Ids are compared in byte order (COLLATE "C") so keyset paging matches SQLite.
constexpr std::string_view kV2 = R"sql(
CREATE TABLE incidents (
  id              TEXT COLLATE "C" PRIMARY KEY,
  org_id          TEXT NOT NULL REFERENCES organisations (id),
  reporter_sector TEXT NOT NULL,
  incident_type   TEXT NOT NULL,
  latest_stage    TEXT NOT NULL,
  last_sequence   BIGINT NOT NULL,
  closed          BOOLEAN NOT NULL,
  aware_ns        BIGINT NOT NULL,
  opened_ns       BIGINT NOT NULL,
  updated_ns      BIGINT NOT NULL,
  next_due_ns     BIGINT
);
CREATE INDEX incidents_org ON incidents (org_id, id);
CREATE INDEX incidents_next_due ON incidents (next_due_ns);
CREATE TABLE reports (
  id              TEXT COLLATE "C" PRIMARY KEY,
  incident_id     TEXT NOT NULL REFERENCES incidents (id),
  org_id          TEXT NOT NULL REFERENCES organisations (id),
  reporter_sector TEXT NOT NULL,
  stage           TEXT NOT NULL,
  sequence        BIGINT NOT NULL,
  tlp             TEXT NOT NULL,
  incident_type   TEXT NOT NULL,
  aware_ns        BIGINT NOT NULL,
  received_ns     BIGINT NOT NULL,
  document        TEXT NOT NULL,
  document_sha256 TEXT NOT NULL,
  UNIQUE (incident_id, sequence)
);
CREATE INDEX reports_org ON reports (org_id, id);
CREATE TABLE report_receipts (
  report_id        TEXT NOT NULL REFERENCES reports (id),
  recipient        TEXT NOT NULL,
  reasons          TEXT NOT NULL,  -- JSON array
  sees_identity    BOOLEAN NOT NULL,
  identity_visible BOOLEAN NOT NULL,
  view_sha256      TEXT NOT NULL,
  signed_receipt   TEXT NOT NULL,
  time_ns          BIGINT NOT NULL,
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
  id            BIGSERIAL PRIMARY KEY,
  time_ns       BIGINT NOT NULL,
  report_id     TEXT NOT NULL,
  incident_id   TEXT NOT NULL,
  reporter_org  TEXT NOT NULL,
  reader_key_id TEXT NOT NULL,
  reader_org    TEXT NOT NULL,
  reader_role   TEXT NOT NULL,
  purpose       TEXT NOT NULL,
  allowed       BOOLEAN NOT NULL,
  reason        TEXT NOT NULL,
  ledger_index  BIGINT NOT NULL
);
CREATE INDEX report_access_report ON report_access (report_id, id);
CREATE FUNCTION report_access_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the report access log is append-only'; END $$;
CREATE TRIGGER report_access_no_change BEFORE UPDATE OR DELETE ON report_access
  FOR EACH ROW EXECUTE FUNCTION report_access_append_only();
)sql";

constexpr std::array<Migration, 2> kMigrations = {{
    {1, "organisations, api keys, findings, access log, idempotency", kV1},
    {2, "incident reports, incidents, receipts, indicators, report access log", kV2},
}};

}  // namespace

std::span<const Migration> postgres_migrations() noexcept { return kMigrations; }

}  // namespace mamori::store
