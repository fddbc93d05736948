#pragma once
// What API resources are given at start-up, and the helpers they share.
// Each resource registers its routes (hub/api/<resource>.cpp) into the Router.
#include "mamori/crypto/keys.hpp"
#include "mamori/hub/auth/key_cache.hpp"
#include "mamori/hub/http/router.hpp"
#include "mamori/hub/ledger_sink.hpp"
#include "mamori/hub/metrics.hpp"
#include "mamori/report/reporting_config.hpp"
#include "mamori/store/hub_store.hpp"

namespace mamori::hub {

struct ApiContext {
  store::HubStore& store;
  LedgerSink& ledger;
  Metrics& metrics;
  KeyCache& keys;  // revocation invalidates the revoked key's entry
  const Router& router;  // for the OpenAPI document
  // Incident reporting: recipients and fan-out rules, deadline regimes and the
  // access policy (reporting.toml), and the key that signs receipts.
  const report::ReportingConfig& reporting;
  const crypto::SigningKey& receipt_key;
};

void register_system_routes(Router& router, ApiContext& context);
void register_organisation_routes(Router& router, ApiContext& context);
void register_api_key_routes(Router& router, ApiContext& context);
void register_finding_routes(Router& router, ApiContext& context);
void register_report_routes(Router& router, ApiContext& context);

// All of the above, in order.
void register_all_routes(Router& router, ApiContext& context);

// A store error as an API error: invalid input is the client's (400, with the
// store's message); anything else is ours (500; details go to the log, not
// to the client).
Response store_failure(const Error& error);
Response outcome_failure(store::WriteOutcome outcome, std::string_view what);

// Platform roles see every organisation; operators and carriers only their own.
bool sees_all_organisations(store::Role role) noexcept;
bool may_see_org(const Principal& who, std::string_view org_id) noexcept;

// The X-Request-Purpose header (or ?purpose=) of a cross-organisation read,
// from the allowed list; the role's default when absent.
Result<std::string> read_purpose(const Request& request);

// Builds "limit" and "after" paging from the query string.
Result<int> read_limit(const Request& request);

}  // namespace mamori::hub
