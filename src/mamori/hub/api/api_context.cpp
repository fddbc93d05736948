#include "mamori/hub/api/api_context.hpp"

#include <array>
#include <charconv>
#include <cstdio>

#include "mamori/core/json_text.hpp"
#include "mamori/core/time.hpp"

namespace mamori::hub {

namespace {
// Purposes a cross-organisation read may declare (MISSION §2: reported
// information is used for declared purposes only, never for sanctions).
constexpr std::array<std::string_view, 5> kPurposes = {"administration", "incident_response", "early_warning",
                                                       "threat_analysis", "oversight"};
}  // namespace

void register_all_routes(Router& router, ApiContext& context) {
  register_system_routes(router, context);
  register_organisation_routes(router, context);
  register_api_key_routes(router, context);
  register_finding_routes(router, context);
  register_report_routes(router, context);
}

Response store_failure(const Error& error) {
  if (error.code == Errc::invalid_argument) return error_response(400, "invalid_request", error.message);
  // One JSON line, like the request log; the client learns only that it failed.
  std::string line = "{\"time\":" + json_quote(format_rfc3339(now_ns())) +
                     ",\"level\":\"error\",\"event\":\"store_error\",\"message\":" + json_quote(error.message) + "}\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
  return error_response(500, "internal", "storage error; the request was not completed");
}

Response outcome_failure(store::WriteOutcome outcome, std::string_view what) {
  using store::WriteOutcome;
  switch (outcome) {
    case WriteOutcome::exists: return error_response(409, "conflict", fmt::format("{} already exists", what));
    case WriteOutcome::not_found: return error_response(404, "not_found", fmt::format("{} not found", what));
    case WriteOutcome::stale:
      return error_response(409, "version_conflict", fmt::format("{} was changed by someone else; read it again", what));
    case WriteOutcome::key_mismatch:
      return error_response(409, "idempotency_key_reused",
                            "this Idempotency-Key was used before with a different request");
    case WriteOutcome::refused: return error_response(409, "conflict", "refused");
    default: return error_response(500, "internal", "unexpected write outcome");
  }
}

bool sees_all_organisations(store::Role role) noexcept {
  return role == store::Role::admin || role == store::Role::analyst || role == store::Role::overseer;
}

bool may_see_org(const Principal& who, std::string_view org_id) noexcept {
  return sees_all_organisations(who.role) || (!who.org_id.empty() && who.org_id == org_id);
}

Result<std::string> read_purpose(const Request& request) {
  const std::string* p = request.header("x-request-purpose");
  if (!p) p = request.query_param("purpose");
  if (!p || p->empty()) {
    const auto role = request.principal ? request.principal->role : store::Role::admin;
    return std::string(role == store::Role::overseer ? "oversight"
                       : role == store::Role::analyst ? "threat_analysis"
                                                      : "administration");
  }
  for (auto allowed : kPurposes)
    if (allowed == *p) return *p;
  return fail(Errc::invalid_argument,
              "purpose '{}' is not allowed (administration, incident_response, early_warning, threat_analysis, oversight)",
              *p);
}

Result<int> read_limit(const Request& request) {
  const std::string* l = request.query_param("limit");
  if (!l) return 100;
  int n = 0;
  auto [ptr, ec] = std::from_chars(l->data(), l->data() + l->size(), n);
  if (ec != std::errc() || ptr != l->data() + l->size() || n < 1 || n > store::kMaxListLimit)
    return fail(Errc::invalid_argument, "limit must be an integer from 1 to {}", store::kMaxListLimit);
  return n;
}

}  // namespace mamori::hub
