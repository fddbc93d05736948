#pragma once
// The rules every backend's input obeys, applied (and values canonicalised)
// by HubStore's public methods before a backend sees them. Messages name the
// field, since the API returns them to the client as they are.
#include "mamori/core/result.hpp"
#include "mamori/store/hub_store.hpp"

namespace mamori::store {

inline constexpr std::size_t kMaxNameSize = 200;
inline constexpr std::size_t kMaxTextSize = 4096;
inline constexpr std::size_t kMaxJsonFieldSize = 16 * 1024;
inline constexpr std::size_t kMaxListSize = 256;

// [a-z0-9][a-z0-9-]{1,62}
Status validate_org_id(std::string_view id);
// Canonicalises CIDRs (network address, family-relative length) and domains
// (lowercase, no trailing dot), sorts and de-duplicates the lists.
Status validate_organisation(Organisation& org);
Status validate_api_key(const ApiKey& key);
// Canonicalises the endpoint address.
Status validate_finding(FindingRecord& finding);
Status validate_idempotency(const IdempotencyKey& idem);
Status validate_access(const AccessRecord& record);
int clamp_limit(int limit) noexcept;

}  // namespace mamori::store
