#pragma once
// Purpose-bound access to reported information (R-HUB 3; the panel's
// 報告された情報の利用目的の明確化 … 制裁目的での利用防止).
//
// Every read of a report by anyone but the reporter declares a purpose. The
// decision checks, in order:
//   1. the purpose is not one the platform forbids (sanctions or enforcement
//      against the reporter, commercial use, ...) and is on the allowed list;
//   2. the reader's role may use that purpose;
//   3. the reporter's handling permits the purpose (and, for purposes that
//      pass indicators on, share_indicators);
//   4. TLP: CLEAR and GREEN reach every registered organisation; AMBER and
//      AMBER+STRICT only the report's recipients (the national agency and the
//      organisations it fanned out to); RED only recipients whose readers
//      hold the clearance configured for RED; the purpose's own TLP ceiling
//      (e.g. early warning, which passes information on, stops at AMBER);
//   5. the reader's clearance meets the minimum configured for the TLP.
// Every decision, allowed or refused, yields an AccessRecord (the access log
// the reporter can read) and a ledger entry body of kind "report.access"
// with hashes and ids only.
// Configuration: the [access] table of reporting.toml.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/core/time.hpp"
#include "mamori/report/fanout.hpp"
#include "mamori/report/model.hpp"
#include "mamori/report/tlp.hpp"

namespace mamori::report {

enum class ReaderRole : std::uint8_t { operator_, analyst, carrier, overseer, admin, vendor };
std::string_view reader_role_name(ReaderRole role) noexcept;  // "operator", "analyst", ...
std::optional<ReaderRole> parse_reader_role(std::string_view text) noexcept;

struct AccessPurpose {
  std::string id;  // e.g. "cybersecurity_analysis"
  std::string description;
  std::vector<ReaderRole> roles;  // who may read for this purpose
  Tlp max_tlp = Tlp::red;         // the most restricted TLP this purpose may read
  // Oversight reads every report whatever its recipients (the oversight body
  // inspects how reports were handled); clearance still applies.
  bool any_audience = false;
  // The purpose passes the report's indicators on to other organisations
  // (early warning): refused when the reporter turned share_indicators off.
  bool passes_on = false;

  friend bool operator==(const AccessPurpose&, const AccessPurpose&) = default;
};

struct ForbiddenPurpose {
  std::string id;  // e.g. "sanctions_against_reporter"
  std::string reason;

  friend bool operator==(const ForbiddenPurpose&, const ForbiddenPurpose&) = default;
};

struct AccessPolicy {
  std::vector<AccessPurpose> purposes;
  std::vector<ForbiddenPurpose> forbidden;
  // Minimum reader clearance per TLP, indexed by Tlp.
  std::array<std::uint32_t, 5> min_clearance{0, 0, 0, 1, 2};

  const AccessPurpose* find_purpose(std::string_view id) const noexcept;
  const ForbiddenPurpose* find_forbidden(std::string_view id) const noexcept;
  Status check() const;
  friend bool operator==(const AccessPolicy&, const AccessPolicy&) = default;
};

struct Reader {
  std::string id;            // user or API key id; hashed before it reaches the ledger
  std::string organisation;  // the reader's organisation id
  ReaderRole role = ReaderRole::analyst;
  std::uint32_t clearance = 0;
};

// What access needs to know about the report being read.
struct ReportAccessInfo {
  std::string report_id;
  std::string incident_id;
  std::string reporter_organisation;
  Handling handling;
  std::vector<std::string> recipient_organisations;  // from fan-out, national agency included
  // Recipients that see the reporter's identity despite anonymity
  // (Recipient::sees_reporter_identity).
  std::vector<std::string> identity_visible_organisations;
};

// The access facts of a fanned-out report: its recipients are those of the deliveries.
ReportAccessInfo make_access_info(const Report& report, std::span<const Delivery> deliveries);

struct AccessRequest {
  Reader reader;
  std::string purpose;  // ignored when the reader belongs to the reporting organisation
  TimeNs time = 0;
};

struct AccessRecord {
  std::string report_id;
  std::string incident_id;
  std::string reporter_organisation;
  std::string reader_id;
  std::string reader_organisation;
  ReaderRole reader_role = ReaderRole::analyst;
  std::string purpose;  // "reporter" for the reporting organisation's own reads
  TimeNs time = 0;
  bool allowed = false;
  std::string reason;  // why allowed or refused, in words

  friend bool operator==(const AccessRecord&, const AccessRecord&) = default;
};

struct AccessDecision {
  bool allowed = false;
  std::string reason;
  // Whether the reader may see the reporter's identity; when false the hub
  // serves recipient_view(..., false).
  bool identity_visible = false;
  AccessRecord record;
};

AccessDecision decide_access(const AccessPolicy& policy, const ReportAccessInfo& report, const AccessRequest& request);

// The "report.access" ledger entry body (ledger::canonicalize_body form): report
// and incident ids, organisation ids, purpose, decision, time, and the SHA-256
// of the reader id (a person's identifier never enters the ledger).
Result<std::string> access_ledger_body(const AccessRecord& record);
// The ledger actor: "<role>:<reader organisation>".
std::string access_ledger_actor(const AccessRecord& record);

// For the reporting organisation: who (organisation and role) read `report`,
// when and why, refused attempts included, oldest first; its own reads are
// left out. Refused (invalid_argument) unless `requesting_organisation` filed it.
Result<std::vector<AccessRecord>> reads_of_report(std::span<const AccessRecord> log, const ReportAccessInfo& report,
                                                  std::string_view requesting_organisation);

// The access log as the reporter sees it: reader organisation and role,
// purpose, time, decision, reason; reader ids are left out.
std::string access_log_to_json(std::span<const AccessRecord> records);

}  // namespace mamori::report
