#pragma once
// The values the hub stores. Plain data: validation lives in HubStore's public
// methods, so every backend enforces the same rules.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mamori/core/time.hpp"

namespace mamori::store {

// Roles of §1 of the spec.
enum class Role : std::uint8_t { operator_, analyst, carrier, overseer, admin };
std::string_view role_name(Role role) noexcept;
std::optional<Role> parse_role(std::string_view name) noexcept;

struct Contact {
  std::string name;
  std::string email;
  std::string phone;
  std::string role;  // e.g. "CSIRT", "CISO", "24x7 SOC"
};

// A registered organisation (事業者, carrier, agency). `version` increases on
// every update; updates may require the version they read (optimistic locking).
struct Organisation {
  std::string id;  // [a-z0-9][a-z0-9-]{1,62}
  std::string name;
  std::string sector;  // store::sectors() identifier
  int tier = 3;        // criticality tier, 1 (most critical) .. 3
  std::string ministry;
  int clearance = 0;  // highest clearance level its users hold, 0 (none) .. 3
  std::vector<Contact> contacts;
  std::vector<std::string> ip_ranges;  // canonical CIDR text
  std::vector<std::uint32_t> asns;
  std::vector<std::string> domains;  // lowercase, no trailing dot
  TimeNs created = 0;
  TimeNs updated = 0;
  std::int64_t version = 0;
};

// An API key as stored: the SHA-256 of its secret, never the secret.
struct ApiKey {
  std::string id;           // 16 lowercase hex digits, public (shown in logs)
  std::string secret_hash;  // hex SHA-256 of the 32-byte secret
  Role role = Role::operator_;
  std::string org_id;  // empty for platform-wide keys (bootstrap admin)
  std::string name;
  std::string created_by;  // key id of the creator, "bootstrap" for the first admin key
  TimeNs created = 0;
  TimeNs revoked = 0;  // 0 while valid
};

enum class FindingStatus : std::uint8_t { new_, investigating, confirmed, false_positive, closed };
std::string_view finding_status_name(FindingStatus s) noexcept;
std::optional<FindingStatus> parse_finding_status(std::string_view name) noexcept;

// A detector finding reported by a carrier (detect::Finding as stored). Lists
// and evidence are kept as JSON text so the schema does not follow every
// detector's metrics.
struct FindingRecord {
  std::int64_t id = 0;
  std::string carrier_org;
  std::string kind;
  std::string detector;
  std::string endpoint;  // canonical address text
  std::string role;
  std::string ports_json = "[]";
  int proto = 0;
  double score = 0;
  TimeNs first_seen = 0;
  TimeNs last_seen = 0;
  std::uint64_t flows = 0;
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::uint64_t peers = 0;
  std::string sample_peers_json = "[]";
  std::string metrics_json = "{}";
  std::string summary;
  FindingStatus status = FindingStatus::new_;
  std::string notes;
  std::int64_t reports = 1;  // how many times the carrier sent it (de-duplicated)
  TimeNs received = 0;       // first receipt
  TimeNs updated = 0;
};

struct FindingQuery {
  std::optional<std::string> carrier_org;
  std::optional<std::string> kind;
  std::optional<std::string> endpoint;
  std::optional<FindingStatus> status;
  std::optional<double> min_score;
  std::optional<TimeNs> seen_after;  // last_seen >= this
  std::int64_t after_id = 0;         // keyset paging: ids greater than this
  int limit = 100;                   // 1..1000
};

// One record of the append-only access log: who read or changed what, and why.
struct AccessRecord {
  std::int64_t id = 0;
  TimeNs time = 0;
  std::string key_id;
  std::string actor_org;  // organisation of the key (may be empty)
  std::string subject_org;  // organisation whose data was touched
  std::string action;     // e.g. "organisation.read", "finding.triage"
  std::string resource;   // e.g. "organisations/acme-power"
  std::string purpose;    // declared purpose, from an allowed list
};

// Incident reports (report/ library documents) as the hub stores them. The
// document is kept byte for byte as serialize_report wrote it (receipts hash
// those bytes), so both backends store it as TEXT, never as a re-serialised
// JSON type. The other columns index what the hub queries by.
struct ReportReceiptRecord {
  std::string recipient;            // a recipient organisation id
  std::string reasons_json = "[]";  // why it got the report (JSON array of strings)
  bool sees_identity = false;       // Recipient::sees_reporter_identity
  bool identity_visible = false;    // its view names the reporter
  std::string view_sha256;          // hex SHA-256 of the view it received
  std::string signed_receipt;       // C2SP signed note (report/receipt.hpp)
  TimeNs time = 0;
};

struct ReportIndicatorRecord {
  std::string type;   // report::indicator_type_name
  std::string value;  // normalised
};

struct ReportRecord {
  std::string id;  // rpt-...
  std::string incident_id;
  std::string org_id;           // the reporting organisation
  std::string reporter_sector;  // its sector when it reported
  std::string stage;            // quick, follow_up, final
  std::int64_t sequence = 0;    // 0 for the quick report
  std::string tlp;              // TLP 2.0 label
  std::string incident_type;
  TimeNs aware_at = 0;
  TimeNs received = 0;
  std::string document;                           // canonical JSON (serialize_report)
  std::string document_sha256;                    // hex
  std::vector<ReportReceiptRecord> receipts;      // one per recipient (get_report only)
  std::vector<ReportIndicatorRecord> indicators;  // extracted and normalised (get_report only)
};

// The incident a chain of reports builds; updated by every document.
struct IncidentRecord {
  std::string id;  // the quick report's id
  std::string org_id;
  std::string reporter_sector;
  std::string incident_type;  // as last corrected
  std::string latest_stage;   // quick, follow_up, final
  std::int64_t last_sequence = 0;
  bool closed = false;  // a final report was filed
  TimeNs aware_at = 0;
  TimeNs opened = 0;
  TimeNs updated = 0;
  std::optional<TimeNs> next_due;  // earliest deadline not yet met (none: nothing pending)
};

struct ReportQuery {
  std::optional<std::string> org_id;       // only this reporter's documents
  std::optional<std::string> incident_id;  // only this incident
  // Non-reporters: only what this organisation may be shown at all (it is a
  // recipient, or the TLP is CLEAR or GREEN).
  std::optional<std::string> visible_to_org;
  std::string after_id;  // keyset paging: ids greater than this (ids sort by time)
  int limit = 100;
};

// One read (or refused attempt) of a report, as the reporter can list it.
struct ReportAccessEntry {
  std::int64_t id = 0;
  TimeNs time = 0;
  std::string report_id;
  std::string incident_id;
  std::string reporter_org;
  std::string reader_key_id;
  std::string reader_org;
  std::string reader_role;
  std::string purpose;
  bool allowed = false;
  std::string reason;
  std::int64_t ledger_index = -1;  // the ledger entry written before the read was served
};

// An Idempotency-Key sent with a POST, scoped to the API key that sent it.
struct IdempotencyKey {
  std::string key_id;
  std::string key;           // client-chosen, 1..128 printable ASCII
  std::string request_hash;  // hex SHA-256 of method, path and body
};

// The outcome of a write that may legitimately not happen.
enum class WriteOutcome : std::uint8_t {
  done,            // created / updated
  replayed,        // an earlier request with the same Idempotency-Key did it; `ids` are its results
  exists,          // create: the id is taken
  not_found,       // update: nothing to update
  stale,           // update: the expected version is not the stored one
  key_mismatch,    // the Idempotency-Key was used before with a different request
  refused,         // bootstrap: the store already has keys
};
std::string_view write_outcome_name(WriteOutcome o) noexcept;

struct WriteResult {
  WriteOutcome outcome = WriteOutcome::done;
  std::vector<std::string> ids;  // ids written (or replayed)
  std::int64_t created = 0;      // findings: how many were new rather than merged
};

}  // namespace mamori::store
