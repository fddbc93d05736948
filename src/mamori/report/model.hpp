#pragma once
// The incident-report model: plain values the hub stores and fans out.
//
// One incident is a chain of documents. The quick report (速報) opens it with
// at most eight fields, of which only organisation, time of awareness,
// incident type and contact are required, so it can be filed in under a
// minute (報告様式の統一・速報の簡素化). Follow-ups (続報) and one final report
// (確報) link to it by its id and a sequence number, may correct its fields,
// and carry the details of the common ransomware and DDoS forms.
//
// JSON schema: docs/reporting.md; parsing and serialising: report_json.hpp;
// validation: validate.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mamori/core/time.hpp"
#include "mamori/report/tlp.hpp"
#include "mamori/report/vocabulary.hpp"

namespace mamori::report {

// How the reporter wants the report handled; chosen by the reporter.
struct Handling {
  // AMBER unless the reporter says otherwise: recipients and those who need to
  // know to protect themselves, which is what an incident report usually needs.
  Tlp tlp = Tlp::amber;
  // R-RPT 4: the reporter is anonymous to recipients unless it opts out.
  bool anonymous_to_recipients = true;
  // Purposes (access.hpp) the reporter permits; empty means every purpose the
  // platform allows. A reporter can narrow, never widen, the allowed list.
  std::vector<std::string> permitted_purposes;
  // Whether indicators from this report may be matched against other
  // organisations' registrations and sent to them as early warnings (R-RPT 4),
  // still within the TLP.
  bool share_indicators = true;

  friend bool operator==(const Handling&, const Handling&) = default;
};

// The quick report's fields other than the organisation (which every document carries).
struct QuickReport {
  std::string affected_asset;  // optional: an asset id or a short description
  TimeNs aware_at = 0;         // required: when the organisation became aware
  IncidentType incident_type = IncidentType::other;  // required
  ServiceImpact service_impact = ServiceImpact::unknown;
  Answer suspected_malicious = Answer::unknown;
  Answer cross_border = Answer::unknown;
  std::string contact;  // required: a desk, phone or mail address to call back

  friend bool operator==(const QuickReport&, const QuickReport&) = default;
};

// Corrections a follow-up makes to the quick report's fields. The time of
// awareness is not among them: deadlines run from it, so it cannot move.
struct Amendments {
  std::optional<std::string> affected_asset;
  std::optional<IncidentType> incident_type;
  std::optional<ServiceImpact> service_impact;
  std::optional<Answer> suspected_malicious;
  std::optional<Answer> cross_border;
  std::optional<std::string> contact;

  bool empty() const noexcept {
    return !affected_asset && !incident_type && !service_impact && !suspected_malicious && !cross_border && !contact;
  }
  friend bool operator==(const Amendments&, const Amendments&) = default;
};

struct Timeline {
  std::optional<TimeNs> started_at;    // estimated start of the attack
  std::optional<TimeNs> detected_at;   // first detection (may precede awareness)
  std::optional<TimeNs> contained_at;  // spread stopped
  std::optional<TimeNs> recovered_at;  // service restored

  friend bool operator==(const Timeline&, const Timeline&) = default;
};

// The common ransomware form.
struct RansomwareDetails {
  std::string family;               // e.g. "LockBit 3.0", as the reporter knows it
  std::string ransom_note;          // the note's text, verbatim
  std::string encrypted_extension;  // normalised: lowercase with a leading dot, e.g. ".lockbit"
  std::string ransom_amount;        // decimal text, e.g. "50" or "1.25"; empty if none demanded
  std::string ransom_currency;      // ISO 4217 or a crypto ticker, uppercase: "BTC", "XMR", "USD"
  std::vector<std::string> wallet_addresses;  // normalised (wallet.hpp); each must validate
  Answer ransom_paid = Answer::unknown;
  std::optional<TimeNs> ransom_paid_at;  // CIRCIA's 24-hour clock runs from the payment
  IntrusionVector intrusion_vector = IntrusionVector::unknown;
  std::vector<std::string> affected_systems;
  BackupStatus backups = BackupStatus::unknown;
  Answer data_exfiltrated = Answer::unknown;  // double extortion
  std::vector<std::string> iocs;              // free text; indicators are extracted from it

  friend bool operator==(const RansomwareDetails&, const RansomwareDetails&) = default;
};

// The common DDoS form.
struct DdosDetails {
  std::optional<double> peak_gbps;
  std::optional<std::uint64_t> peak_pps;
  std::optional<std::uint64_t> duration_seconds;
  std::optional<TimeNs> started_at;
  std::optional<TimeNs> ended_at;
  std::vector<DdosVector> vectors;
  // ATT&CK T1498/T1499 (sub-)techniques: those the reporter named plus those
  // implied by the vectors (filled in by validation, sorted, unique).
  std::vector<std::string> techniques;
  std::vector<std::string> targets;  // addresses, prefixes, host names or URLs attacked
  std::vector<DdosMitigation> mitigation;
  std::string mitigation_notes;
  std::vector<std::string> iocs;  // e.g. reflector or bot addresses

  friend bool operator==(const DdosDetails&, const DdosDetails&) = default;
};

// A follow-up (stage follow_up) or the final report (stage final).
struct FollowUpReport {
  std::string incident;        // id of the quick report that opened the incident
  std::uint32_t sequence = 0;  // 1, 2, ... in order of submission; the final report is the last
  Amendments amendments;
  std::string changes;  // the reporter's summary of what changed since the last report
  // Which quick-report fields this document actually changed; computed when the
  // follow-up is applied to its incident (incident.hpp), never taken from a submission.
  std::vector<std::string> changed_fields;
  std::string description;
  Timeline timeline;
  Answer personal_data_involved = Answer::unknown;
  std::optional<std::uint64_t> records_affected;
  std::vector<std::string> attack_techniques;  // ATT&CK IDs, e.g. "T1486"
  std::vector<std::string> iocs;
  std::optional<RansomwareDetails> ransomware;
  std::optional<DdosDetails> ddos;
  // Required in the final report.
  std::string root_cause;
  std::string remediation;

  friend bool operator==(const FollowUpReport&, const FollowUpReport&) = default;
};

// One report document as stored. `quick` is meaningful when stage == quick,
// `follow_up` otherwise.
struct Report {
  std::string id;            // assigned by the hub (generate_report_id)
  Stage stage = Stage::quick;
  std::string organisation;  // the reporting organisation's id, from its credentials
  TimeNs received_at = 0;    // when the hub accepted it
  Handling handling;
  QuickReport quick;
  FollowUpReport follow_up;

  // The incident this document belongs to: its own id for a quick report.
  const std::string& incident_id() const noexcept { return stage == Stage::quick ? id : follow_up.incident; }
  friend bool operator==(const Report&, const Report&) = default;
};

// Identifiers (report ids, organisation and recipient ids):
// [A-Za-z0-9][A-Za-z0-9._:-]{0,127}, so they fit receipts, ledger bodies and URLs unescaped.
bool is_valid_identifier(std::string_view id) noexcept;

// A new report id: "rpt-" then the UTC time (yyyymmddThhmmssZ) and 64 random
// bits in hex, so ids sort by time and cannot be guessed.
std::string generate_report_id(TimeNs now);

}  // namespace mamori::report
