#pragma once
// The embedded hub store: one SQLite database in WAL mode. Readers run in
// parallel on pooled connections; writers are serialised in-process (one
// BEGIN IMMEDIATE transaction at a time) rather than spinning on SQLite's
// busy handler.
#include <memory>
#include <mutex>
#include <string>

#include "mamori/store/connection_pool.hpp"
#include "mamori/store/hub_store.hpp"

namespace mamori::store {

class SqliteConnection;

class SqliteHubStore final : public HubStore {
 public:
  struct Options {
    std::string path;
    std::size_t pool_size = 4;
    // FULL fsyncs the WAL at every commit (an acknowledged write survives a
    // power cut); NORMAL survives a crash of the process only.
    bool full_sync = true;
  };
  // Creates the file if needed and applies pending migrations.
  static Result<std::unique_ptr<SqliteHubStore>> open(const Options& options);
  ~SqliteHubStore() override;

  std::string_view backend() const noexcept override { return "sqlite"; }
  Result<int> schema_version() override;

 protected:
  Result<WriteResult> do_create_organisation(const Organisation& org, const IdempotencyKey* idem) override;
  Result<std::optional<Organisation>> do_get_organisation(std::string_view id) override;
  Result<std::vector<Organisation>> do_list_organisations(std::string_view after_id, int limit,
                                                          const std::optional<std::string>& sector) override;
  Result<WriteResult> do_update_organisation(const Organisation& org,
                                             std::optional<std::int64_t> expected_version) override;
  Result<WriteResult> do_create_api_key(const ApiKey& key, bool bootstrap) override;
  Result<std::optional<ApiKey>> do_get_api_key(std::string_view id) override;
  Result<std::vector<ApiKey>> do_list_api_keys(const std::optional<std::string>& org_id) override;
  Result<WriteResult> do_revoke_api_key(std::string_view id, TimeNs when) override;
  Result<WriteResult> do_upsert_findings(std::string_view carrier_org, const std::vector<FindingRecord>& findings,
                                         const IdempotencyKey* idem) override;
  Result<std::optional<FindingRecord>> do_get_finding(std::int64_t id) override;
  Result<std::vector<FindingRecord>> do_list_findings(const FindingQuery& query) override;
  Result<WriteResult> do_triage_finding(std::int64_t id, FindingStatus status, const std::optional<std::string>& notes,
                                        TimeNs when) override;
  Result<std::int64_t> do_append_access(const AccessRecord& record) override;
  Result<std::vector<AccessRecord>> do_list_access(std::string_view subject_org, std::int64_t after_id,
                                                   int limit) override;
  Result<WriteResult> do_submit_report(const ReportRecord& report, const IncidentRecord& incident,
                                       const IdempotencyKey* idem) override;
  Result<std::optional<ReportRecord>> do_get_report(std::string_view id) override;
  Result<std::vector<ReportRecord>> do_list_reports(const ReportQuery& query) override;
  Result<std::vector<ReportRecord>> do_incident_chain(std::string_view incident_id) override;
  Result<std::optional<IncidentRecord>> do_get_incident(std::string_view id) override;
  Result<std::vector<IncidentRecord>> do_list_overdue_incidents(TimeNs now,
                                                                const std::optional<std::string>& org_id,
                                                                int limit) override;
  Result<std::int64_t> do_append_report_access(const ReportAccessEntry& entry) override;
  Result<std::vector<ReportAccessEntry>> do_list_report_access(std::string_view report_id,
                                                               std::int64_t after_id, int limit) override;
  Result<std::optional<WriteResult>> do_lookup_idempotency(const IdempotencyKey& idem) override;

 private:
  explicit SqliteHubStore(Options options);
  using Pool = ConnectionPool<SqliteConnection>;

  Options options_;
  Pool pool_;
  std::mutex write_mutex_;
};

}  // namespace mamori::store
