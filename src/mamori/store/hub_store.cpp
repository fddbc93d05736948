#include "mamori/store/hub_store.hpp"

#include <array>

#include "mamori/store/sector.hpp"
#include "mamori/store/validate.hpp"

namespace mamori::store {

namespace {
constexpr std::array<std::string_view, static_cast<std::size_t>(HubStore::Op::count_)> kOpNames = {
    "create_organisation", "get_organisation", "list_organisations", "update_organisation",
    "create_api_key",      "bootstrap_api_key", "get_api_key",       "list_api_keys",
    "revoke_api_key",      "upsert_findings",  "get_finding",        "list_findings",
    "triage_finding",      "append_access",    "list_access"};
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

}  // namespace mamori::store
