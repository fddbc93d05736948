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

class HubStore {
 public:
  enum class Op : std::uint8_t {
    create_organisation, get_organisation, list_organisations, update_organisation,
    create_api_key, bootstrap_api_key, get_api_key, list_api_keys, revoke_api_key,
    upsert_findings, get_finding, list_findings, triage_finding,
    append_access, list_access, count_
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
