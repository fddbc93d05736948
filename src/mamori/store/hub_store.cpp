#include "mamori/store/hub_store.hpp"

#include <array>

#include "mamori/store/sector.hpp"
#include "mamori/store/validate.hpp"

namespace mamori::store {

namespace {
constexpr std::array<std::string_view, static_cast<std::size_t>(HubStore::Op::count_)> kOpNames = {
    "create_organisation",  "get_organisation",  "list_organisations",
    "update_organisation",  "create_api_key",    "bootstrap_api_key",
    "get_api_key",          "list_api_keys",     "revoke_api_key",
    "upsert_findings",      "get_finding",       "list_findings",
    "triage_finding",       "append_access",     "list_access",
    "submit_report",        "get_report",        "list_reports",
    "incident_chain",       "get_incident",      "list_overdue_incidents",
    "append_report_access", "list_report_access"};
}  // namespace

std::string_view op_name(HubStore::Op op) noexcept { return kOpNames[static_cast<std::size_t>(op)]; }

template <class T>
T HubStore::counted(Op op, T result) {
  auto& c = counters_[static_cast<std::size_t>(op)];
  c.calls.fetch_add(1, std::memory_order_relaxed);
  if (!result) c.errors.fetch_add(1, std::memory_order_relaxed);
  return result;
}

HubStore::OpCounters HubStore::counters(Op op) const noexcept {
  const auto& c = counters_[static_cast<std::size_t>(op)];
  return {c.calls.load(std::memory_order_relaxed), c.errors.load(std::memory_order_relaxed)};
}

std::uint64_t HubStore::total_errors() const noexcept {
  std::uint64_t n = 0;
  for (const auto& c : counters_) n += c.errors.load(std::memory_order_relaxed);
  return n;
}

Result<WriteResult> HubStore::create_organisation(Organisation org, const IdempotencyKey* idem) {
  if (auto ok = validate_organisation(org); !ok) return tl::unexpected(ok.error());
  if (idem)
    if (auto ok = validate_idempotency(*idem); !ok) return tl::unexpected(ok.error());
  if (org.created == 0) return fail(Errc::invalid_argument, "created time is required");
  org.updated = org.created;
  org.version = 1;
  return counted(Op::create_organisation, do_create_organisation(org, idem));
}

Result<std::optional<Organisation>> HubStore::get_organisation(std::string_view id) {
  if (auto ok = validate_org_id(id); !ok) return std::optional<Organisation>{};
  return counted(Op::get_organisation, do_get_organisation(id));
}

Result<std::vector<Organisation>> HubStore::list_organisations(std::string_view after_id, int limit,
                                                               std::optional<std::string> sector) {
  if (sector) {
    auto s = parse_sector(*sector);
    if (!s) return tl::unexpected(s.error());
    sector = std::string(*s);
  }
  return counted(Op::list_organisations, do_list_organisations(after_id, clamp_limit(limit), sector));
}

Result<WriteResult> HubStore::update_organisation(Organisation org, std::optional<std::int64_t> expected_version) {
  if (auto ok = validate_organisation(org); !ok) return tl::unexpected(ok.error());
  if (org.updated == 0) return fail(Errc::invalid_argument, "updated time is required");
  return counted(Op::update_organisation, do_update_organisation(org, expected_version));
}

Result<WriteResult> HubStore::create_api_key(ApiKey key) {
  if (auto ok = validate_api_key(key); !ok) return tl::unexpected(ok.error());
  key.revoked = 0;
  return counted(Op::create_api_key, do_create_api_key(key, false));
}

Result<WriteResult> HubStore::bootstrap_api_key(ApiKey key) {
  if (auto ok = validate_api_key(key); !ok) return tl::unexpected(ok.error());
  if (key.role != Role::admin) return fail(Errc::invalid_argument, "the bootstrap key must be an admin key");
  key.revoked = 0;
  return counted(Op::bootstrap_api_key, do_create_api_key(key, true));
}

Result<std::optional<ApiKey>> HubStore::get_api_key(std::string_view id) {
  if (id.size() != 16) return std::optional<ApiKey>{};
  return counted(Op::get_api_key, do_get_api_key(id));
}

Result<std::vector<ApiKey>> HubStore::list_api_keys(std::optional<std::string> org_id) {
  return counted(Op::list_api_keys, do_list_api_keys(org_id));
}

Result<WriteResult> HubStore::revoke_api_key(std::string_view id, TimeNs when) {
  if (when == 0) return fail(Errc::invalid_argument, "revocation time is required");
  if (id.size() != 16) return WriteResult{WriteOutcome::not_found, {}, 0};
  return counted(Op::revoke_api_key, do_revoke_api_key(id, when));
}

Result<WriteResult> HubStore::upsert_findings(std::string_view carrier_org, std::vector<FindingRecord> findings,
                                              const IdempotencyKey* idem) {
  if (auto ok = validate_org_id(carrier_org); !ok) return tl::unexpected(ok.error());
  if (findings.empty()) return fail(Errc::invalid_argument, "no findings");
  if (findings.size() > kMaxFindingsPerBatch)
    return fail(Errc::invalid_argument, "at most {} findings per batch", kMaxFindingsPerBatch);
  if (idem)
    if (auto ok = validate_idempotency(*idem); !ok) return tl::unexpected(ok.error());
  for (std::size_t i = 0; i < findings.size(); ++i) {
    auto& f = findings[i];
    f.carrier_org = std::string(carrier_org);
    if (auto ok = validate_finding(f); !ok)
      return fail(Errc::invalid_argument, "findings[{}]: {}", i, ok.error().message);
    if (f.received == 0) return fail(Errc::invalid_argument, "findings[{}]: received time is required", i);
    f.updated = f.received;
  }
  return counted(Op::upsert_findings, do_upsert_findings(carrier_org, findings, idem));
}

Result<std::optional<FindingRecord>> HubStore::get_finding(std::int64_t id) {
  if (id <= 0) return std::optional<FindingRecord>{};
  return counted(Op::get_finding, do_get_finding(id));
}

Result<std::vector<FindingRecord>> HubStore::list_findings(const FindingQuery& query) {
  FindingQuery q = query;
  q.limit = clamp_limit(q.limit);
  if (q.after_id < 0) q.after_id = 0;
  return counted(Op::list_findings, do_list_findings(q));
}

Result<WriteResult> HubStore::triage_finding(std::int64_t id, FindingStatus status, std::optional<std::string> notes,
                                             TimeNs when) {
  if (when == 0) return fail(Errc::invalid_argument, "triage time is required");
  if (notes) {
    if (notes->size() > kMaxTextSize) return fail(Errc::invalid_argument, "notes is longer than {} bytes", kMaxTextSize);
    for (unsigned char c : *notes)
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
        return fail(Errc::invalid_argument, "notes contains a control character");
  }
  if (id <= 0) return WriteResult{WriteOutcome::not_found, {}, 0};
  return counted(Op::triage_finding, do_triage_finding(id, status, notes, when));
}

Result<std::int64_t> HubStore::append_access(AccessRecord record) {
  if (auto ok = validate_access(record); !ok) return tl::unexpected(ok.error());
  if (record.time == 0) return fail(Errc::invalid_argument, "access time is required");
  return counted(Op::append_access, do_append_access(record));
}

Result<std::vector<AccessRecord>> HubStore::list_access(std::string_view subject_org, std::int64_t after_id, int limit) {
  return counted(Op::list_access, do_list_access(subject_org, after_id < 0 ? 0 : after_id, clamp_limit(limit)));
}

namespace {

// Report ids, incident ids and recipient ids: report::is_valid_identifier's
// alphabet, so they fit receipts, ledger bodies and URLs unescaped.
bool is_identifier(std::string_view id) noexcept {
  if (id.empty() || id.size() > 128) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(id[i]);
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != ':' && c != '-'))) return false;
  }
  return true;
}

bool is_hex_sha256(std::string_view h) noexcept {
  if (h.size() != 64) return false;
  for (char c : h)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

bool is_stage(std::string_view s) noexcept {
  return s == "quick" || s == "follow_up" || s == "final";
}

// Text that PostgreSQL can hold and a log line cannot be forged with.
Status plain_text(std::string_view field, std::string_view v, std::size_t max, bool multiline = false) {
  if (v.size() > max) return fail(Errc::invalid_argument, "{} is longer than {} bytes", field, max);
  for (unsigned char c : v)
    if (c == 0 || (!multiline && c < 0x20))
      return fail(Errc::invalid_argument, "{} contains a control character", field);
  return {};
}

}  // namespace

Result<WriteResult> HubStore::submit_report(ReportRecord report, IncidentRecord incident,
                                            const IdempotencyKey* idem) {
  if (!is_identifier(report.id)) return fail(Errc::invalid_argument, "report id is not an identifier");
  if (!is_identifier(report.incident_id))
    return fail(Errc::invalid_argument, "incident id is not an identifier");
  if (auto ok = validate_org_id(report.org_id); !ok) return tl::unexpected(ok.error());
  if (!is_stage(report.stage)) return fail(Errc::invalid_argument, "stage must be quick, follow_up or final");
  if ((report.stage == "quick") != (report.sequence == 0) || report.sequence < 0)
    return fail(Errc::invalid_argument, "a quick report has sequence 0 and only a quick report has");
  if (report.stage == "quick" && report.incident_id != report.id)
    return fail(Errc::invalid_argument, "a quick report is its own incident");
  if (report.document.empty() || report.document.size() > kMaxReportDocumentBytes)
    return fail(Errc::invalid_argument, "report document must be 1 to {} bytes", kMaxReportDocumentBytes);
  if (auto ok = plain_text("document", report.document, kMaxReportDocumentBytes, true); !ok)
    return tl::unexpected(ok.error());
  if (!is_hex_sha256(report.document_sha256))
    return fail(Errc::invalid_argument, "document_sha256 must be 64 lowercase hex digits");
  for (auto [field, v] : {std::pair{"reporter_sector", &report.reporter_sector},
                          std::pair{"tlp", &report.tlp}, std::pair{"incident_type", &report.incident_type}})
    if (auto ok = plain_text(field, *v, 64); !ok) return tl::unexpected(ok.error());
  if (report.tlp.empty() || report.incident_type.empty())
    return fail(Errc::invalid_argument, "tlp and incident_type are required");
  if (report.received == 0 || report.aware_at == 0)
    return fail(Errc::invalid_argument, "received and aware_at times are required");
  if (report.receipts.empty() || report.receipts.size() > kMaxReportReceipts)
    return fail(Errc::invalid_argument, "a report has 1 to {} receipts", kMaxReportReceipts);
  for (const auto& r : report.receipts) {
    if (!is_identifier(r.recipient))
      return fail(Errc::invalid_argument, "receipt recipient is not an identifier");
    if (!is_hex_sha256(r.view_sha256))
      return fail(Errc::invalid_argument, "receipt view_sha256 must be 64 lowercase hex digits");
    if (r.signed_receipt.empty())
      return fail(Errc::invalid_argument, "receipt for {} is not signed", r.recipient);
    if (auto ok = plain_text("signed_receipt", r.signed_receipt, 4096, true); !ok)
      return tl::unexpected(ok.error());
    if (auto ok = plain_text("reasons", r.reasons_json, kMaxTextSize); !ok) return tl::unexpected(ok.error());
    if (r.time == 0) return fail(Errc::invalid_argument, "receipt time is required");
  }
  if (report.indicators.size() > kMaxReportIndicators)
    return fail(Errc::invalid_argument, "at most {} indicators per report", kMaxReportIndicators);
  for (const auto& i : report.indicators) {
    if (auto ok = plain_text("indicator type", i.type, 32); !ok || i.type.empty())
      return fail(Errc::invalid_argument, "indicator type must be 1 to 32 bytes");
    if (auto ok = plain_text("indicator value", i.value, 4096); !ok || i.value.empty())
      return fail(Errc::invalid_argument, "indicator value must be 1 to 4096 bytes of text");
  }
  if (incident.id != report.incident_id || incident.org_id != report.org_id)
    return fail(Errc::invalid_argument, "the incident row does not belong to this report");
  if (incident.last_sequence != report.sequence || incident.latest_stage != report.stage)
    return fail(Errc::invalid_argument, "the incident row must record this report as its latest");
  if (incident.closed != (report.stage == "final"))
    return fail(Errc::invalid_argument, "only a final report closes an incident");
  if (auto ok = plain_text("incident_type", incident.incident_type, 64); !ok)
    return tl::unexpected(ok.error());
  if (incident.aware_at == 0 || incident.updated == 0)
    return fail(Errc::invalid_argument, "incident times are required");
  if (report.stage == "quick") incident.opened = incident.updated;
  if (idem)
    if (auto ok = validate_idempotency(*idem); !ok) return tl::unexpected(ok.error());
  return counted(Op::submit_report, do_submit_report(report, incident, idem));
}

Result<std::optional<ReportRecord>> HubStore::get_report(std::string_view id) {
  if (!is_identifier(id)) return std::optional<ReportRecord>{};
  return counted(Op::get_report, do_get_report(id));
}

Result<std::vector<ReportRecord>> HubStore::list_reports(const ReportQuery& query) {
  ReportQuery q = query;
  q.limit = clamp_limit(q.limit);
  if (q.after_id.size() > 128) return fail(Errc::invalid_argument, "after is not a report id");
  return counted(Op::list_reports, do_list_reports(q));
}

Result<std::vector<ReportRecord>> HubStore::incident_chain(std::string_view incident_id) {
  if (!is_identifier(incident_id)) return std::vector<ReportRecord>{};
  return counted(Op::incident_chain, do_incident_chain(incident_id));
}

Result<std::optional<IncidentRecord>> HubStore::get_incident(std::string_view id) {
  if (!is_identifier(id)) return std::optional<IncidentRecord>{};
  return counted(Op::get_incident, do_get_incident(id));
}

Result<std::vector<IncidentRecord>> HubStore::list_overdue_incidents(TimeNs now,
                                                                     std::optional<std::string> org_id,
                                                                     int limit) {
  if (now == 0) return fail(Errc::invalid_argument, "time is required");
  return counted(Op::list_overdue_incidents, do_list_overdue_incidents(now, org_id, clamp_limit(limit)));
}

Result<std::int64_t> HubStore::append_report_access(ReportAccessEntry entry) {
  if (!is_identifier(entry.report_id) || !is_identifier(entry.incident_id))
    return fail(Errc::invalid_argument, "report and incident ids are required");
  if (entry.time == 0) return fail(Errc::invalid_argument, "access time is required");
  for (auto [field, v] :
       {std::pair{"reporter_org", &entry.reporter_org}, std::pair{"reader_key_id", &entry.reader_key_id},
        std::pair{"reader_org", &entry.reader_org}, std::pair{"reader_role", &entry.reader_role},
        std::pair{"purpose", &entry.purpose}})
    if (auto ok = plain_text(field, *v, 128); !ok) return tl::unexpected(ok.error());
  if (auto ok = plain_text("reason", entry.reason, kMaxTextSize); !ok) return tl::unexpected(ok.error());
  return counted(Op::append_report_access, do_append_report_access(entry));
}

Result<std::vector<ReportAccessEntry>> HubStore::list_report_access(std::string_view report_id,
                                                                    std::int64_t after_id, int limit) {
  if (!is_identifier(report_id)) return std::vector<ReportAccessEntry>{};
  return counted(Op::list_report_access,
                 do_list_report_access(report_id, after_id < 0 ? 0 : after_id, clamp_limit(limit)));
}

Result<std::optional<WriteResult>> HubStore::lookup_idempotency(const IdempotencyKey& idem) {
  if (auto ok = validate_idempotency(idem); !ok) return tl::unexpected(ok.error());
  return counted(Op::lookup_idempotency, do_lookup_idempotency(idem));
}

}  // namespace mamori::store
