#pragma once
// The hub's storage: one interface, two backends (store/sqlite: the embedded
// default; store/postgres: production, shared by several hubs).
//
// Public methods are non-virtual: they validate and canonicalise their
// arguments (so every backend enforces the same rules), count calls and
// errors, and call one protected virtual per operation. Backends are
// thread-safe (a connection pool), bind every parameter, and run each write
// in one transaction.
//
// Contract for backends (checked by tests/mamori/store/contract_test.cpp):
//  * create_* returns `exists` for a taken id and never overwrites.
//  * An IdempotencyKey is recorded in the same transaction as the write it
//    guards; a second call with the same key and request returns `replayed`
//    with the first call's ids and writes nothing; with another request,
//    `key_mismatch`.
//  * upsert_findings de-duplicates on (carrier_org, detector, endpoint, kind):
//    a repeat widens first/last seen, takes the newer evidence, counts
//    `reports`, and keeps the triage status and notes.
//  * The access log is append-only; nothing here updates or deletes it.
//  * Lists are ordered by id ascending (keyset paging with after/limit).
//  * submit_report writes a report document, its receipts and indicators and
//    the incident row in one transaction: a quick report opens the incident
//    (`exists` if it is open already); a follow-up or final report continues it
//    only from `sequence - 1` and while it is not closed (`stale` otherwise,
//    `not_found` without the incident). The report access log is append-only.
#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/store/records.hpp"

namespace mamori::store {

inline constexpr int kMaxListLimit = 1000;
inline constexpr std::size_t kMaxFindingsPerBatch = 1000;
inline constexpr std::size_t kMaxReportDocumentBytes = 512 * 1024;
inline constexpr std::size_t kMaxReportReceipts = 64;
inline constexpr std::size_t kMaxReportIndicators = 10000;

class HubStore {
 public:
  enum class Op : std::uint8_t {
    create_organisation,
    get_organisation,
    list_organisations,
    update_organisation,
    create_api_key,
    bootstrap_api_key,
    get_api_key,
    list_api_keys,
    revoke_api_key,
    upsert_findings,
    get_finding,
    list_findings,
    triage_finding,
    append_access,
    list_access,
    submit_report,
    get_report,
    list_reports,
    incident_chain,
    get_incident,
    list_overdue_incidents,
    append_report_access,
    list_report_access,
    lookup_idempotency,
    count_
  };
  struct OpCounters {
    std::uint64_t calls = 0;
    std::uint64_t errors = 0;  // storage errors (not validation failures)
  };

  virtual ~HubStore() = default;
  HubStore() = default;
  HubStore(const HubStore&) = delete;
  HubStore& operator=(const HubStore&) = delete;

  virtual std::string_view backend() const noexcept = 0;
  // Highest applied migration.
  virtual Result<int> schema_version() = 0;

  Result<WriteResult> create_organisation(Organisation org, const IdempotencyKey* idem = nullptr);
  Result<std::optional<Organisation>> get_organisation(std::string_view id);
  Result<std::vector<Organisation>> list_organisations(std::string_view after_id, int limit,
                                                       std::optional<std::string> sector = std::nullopt);
  // Replaces every field but id and created; `expected_version` (if set) must
  // be the stored version.
  Result<WriteResult> update_organisation(Organisation org, std::optional<std::int64_t> expected_version);

  // The key's organisation, if set, must exist.
  Result<WriteResult> create_api_key(ApiKey key);
  // Creates the first key only: `refused` once the store has any key.
  Result<WriteResult> bootstrap_api_key(ApiKey key);
  Result<std::optional<ApiKey>> get_api_key(std::string_view id);
  Result<std::vector<ApiKey>> list_api_keys(std::optional<std::string> org_id);
  Result<WriteResult> revoke_api_key(std::string_view id, TimeNs when);

  // Validates every finding before writing any (all or nothing).
  Result<WriteResult> upsert_findings(std::string_view carrier_org, std::vector<FindingRecord> findings,
                                      const IdempotencyKey* idem = nullptr);
  Result<std::optional<FindingRecord>> get_finding(std::int64_t id);
  Result<std::vector<FindingRecord>> list_findings(const FindingQuery& query);
  Result<WriteResult> triage_finding(std::int64_t id, FindingStatus status, std::optional<std::string> notes,
                                     TimeNs when);

  Result<std::int64_t> append_access(AccessRecord record);
  Result<std::vector<AccessRecord>> list_access(std::string_view subject_org, std::int64_t after_id, int limit);

  // Incident reports (report/ library documents; hub/api/reports.cpp).
  Result<WriteResult> submit_report(ReportRecord report, IncidentRecord incident,
                                    const IdempotencyKey* idem = nullptr);
  // With receipts and indicators.
  Result<std::optional<ReportRecord>> get_report(std::string_view id);
  // Without receipts, indicators or document.
  Result<std::vector<ReportRecord>> list_reports(const ReportQuery& query);
  // Every document of an incident, quick report first (with documents; for replay_incident).
  Result<std::vector<ReportRecord>> incident_chain(std::string_view incident_id);
  Result<std::optional<IncidentRecord>> get_incident(std::string_view id);
  // Incidents with a deadline not met by `now`, earliest first; `org_id` narrows to one reporter.
  Result<std::vector<IncidentRecord>> list_overdue_incidents(TimeNs now, std::optional<std::string> org_id,
                                                             int limit);
  Result<std::int64_t> append_report_access(ReportAccessEntry entry);
  Result<std::vector<ReportAccessEntry>> list_report_access(std::string_view report_id, std::int64_t after_id,
                                                            int limit);

  // An Idempotency-Key already used: `replayed` with the first request's ids,
  // or `key_mismatch`; nullopt when unused. Lets a handler answer a retry
  // before checks that the first request's own success would now fail.
  Result<std::optional<WriteResult>> lookup_idempotency(const IdempotencyKey& idem);

  OpCounters counters(Op op) const noexcept;
  std::uint64_t total_errors() const noexcept;

 protected:
  virtual Result<WriteResult> do_create_organisation(const Organisation& org, const IdempotencyKey* idem) = 0;
  virtual Result<std::optional<Organisation>> do_get_organisation(std::string_view id) = 0;
  virtual Result<std::vector<Organisation>> do_list_organisations(std::string_view after_id, int limit,
                                                                  const std::optional<std::string>& sector) = 0;
  virtual Result<WriteResult> do_update_organisation(const Organisation& org,
                                                     std::optional<std::int64_t> expected_version) = 0;
  virtual Result<WriteResult> do_create_api_key(const ApiKey& key, bool bootstrap) = 0;
  virtual Result<std::optional<ApiKey>> do_get_api_key(std::string_view id) = 0;
  virtual Result<std::vector<ApiKey>> do_list_api_keys(const std::optional<std::string>& org_id) = 0;
  virtual Result<WriteResult> do_revoke_api_key(std::string_view id, TimeNs when) = 0;
  virtual Result<WriteResult> do_upsert_findings(std::string_view carrier_org, const std::vector<FindingRecord>& findings,
                                                 const IdempotencyKey* idem) = 0;
  virtual Result<std::optional<FindingRecord>> do_get_finding(std::int64_t id) = 0;
  virtual Result<std::vector<FindingRecord>> do_list_findings(const FindingQuery& query) = 0;
  virtual Result<WriteResult> do_triage_finding(std::int64_t id, FindingStatus status,
                                                const std::optional<std::string>& notes, TimeNs when) = 0;
  virtual Result<std::int64_t> do_append_access(const AccessRecord& record) = 0;
  virtual Result<std::vector<AccessRecord>> do_list_access(std::string_view subject_org, std::int64_t after_id,
                                                           int limit) = 0;
  virtual Result<WriteResult> do_submit_report(const ReportRecord& report, const IncidentRecord& incident,
                                               const IdempotencyKey* idem) = 0;
  virtual Result<std::optional<ReportRecord>> do_get_report(std::string_view id) = 0;
  virtual Result<std::vector<ReportRecord>> do_list_reports(const ReportQuery& query) = 0;
  virtual Result<std::vector<ReportRecord>> do_incident_chain(std::string_view incident_id) = 0;
  virtual Result<std::optional<IncidentRecord>> do_get_incident(std::string_view id) = 0;
  virtual Result<std::vector<IncidentRecord>> do_list_overdue_incidents(
      TimeNs now, const std::optional<std::string>& org_id, int limit) = 0;
  virtual Result<std::int64_t> do_append_report_access(const ReportAccessEntry& entry) = 0;
  virtual Result<std::vector<ReportAccessEntry>> do_list_report_access(std::string_view report_id,
                                                                       std::int64_t after_id, int limit) = 0;
  virtual Result<std::optional<WriteResult>> do_lookup_idempotency(const IdempotencyKey& idem) = 0;

 private:
  template <class T>
  T counted(Op op, T result);

  struct Counter {
    std::atomic<std::uint64_t> calls{0};
    std::atomic<std::uint64_t> errors{0};
  };
  std::array<Counter, static_cast<std::size_t>(Op::count_)> counters_{};
};

std::string_view op_name(HubStore::Op op) noexcept;

}  // namespace mamori::store
