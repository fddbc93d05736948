// /v1/api-keys: admins create keys (the token is in the response once and
// never again), list them (never the secret or its hash) and revoke them.
#include "mamori/core/json_text.hpp"
#include "mamori/hub/api/api_context.hpp"
#include "mamori/hub/api/json_fields.hpp"
#include "mamori/hub/auth/api_key_secret.hpp"

namespace mamori::hub {

namespace {

using store::Role;

std::string key_to_json(const store::ApiKey& k, const std::string* token = nullptr) {
  std::string out = fmt::format(R"({{"id":{},"role":{},"org_id":{},"name":{},"created_by":{},"created":{},"revoked":{})",
                                json_quote(k.id), json_quote(store::role_name(k.role)),
                                k.org_id.empty() ? "null" : json_quote(k.org_id), json_quote(k.name),
                                json_quote(k.created_by), json_quote(format_rfc3339(k.created)),
                                k.revoked ? json_quote(format_rfc3339(k.revoked)) : "null");
  if (token) out += ",\"key\":" + json_quote(*token);
  out += '}';
  return out;
}

Response create(ApiContext& ctx, Request& req) {
  auto body = parse_json_object(req.body);
  if (!body) return error_response(400, "invalid_json", body.error().message);
  if (auto ok = only_fields(*body, {"role", "org_id", "name"}); !ok)
    return error_response(400, "invalid_request", ok.error().message);
  auto role_text = read_string(*body, "role", true);
  if (!role_text) return error_response(400, "invalid_request", role_text.error().message);
  auto role = store::parse_role(**role_text);
  if (!role)
    return error_response(400, "invalid_request",
                          fmt::format("role '{}' is not one of operator, analyst, carrier, overseer, admin", **role_text));
  auto org = read_string(*body, "org_id");
  auto name = read_string(*body, "name");
  if (!org) return error_response(400, "invalid_request", org.error().message);
  if (!name) return error_response(400, "invalid_request", name.error().message);
  auto key = generate_api_key();
  if (!key) return store_failure(key.error());
  key->record.role = *role;
  key->record.org_id = org->value_or("");
  key->record.name = name->value_or("");
  key->record.created_by = req.principal->key_id;
  key->record.created = now_ns();
  auto w = ctx.store.create_api_key(key->record);
  if (!w) return store_failure(w.error());
  if (w->outcome == store::WriteOutcome::not_found)
    return error_response(400, "invalid_request", fmt::format("organisation '{}' does not exist", key->record.org_id));
  if (w->outcome != store::WriteOutcome::done) return outcome_failure(w->outcome, "API key");
  Response r = json_response(201, key_to_json(key->record, &key->token));
  r.headers.emplace_back("Location", "/v1/api-keys/" + key->record.id);
  return r;
}

Response list(ApiContext& ctx, Request& req) {
  std::optional<std::string> org;
  if (const auto* o = req.query_param("org_id")) org = *o;
  auto keys = ctx.store.list_api_keys(org);
  if (!keys) return store_failure(keys.error());
  std::string items = "[";
  for (std::size_t i = 0; i < keys->size(); ++i) {
    if (i) items += ',';
    items += key_to_json((*keys)[i]);
  }
  return json_response(200, "{\"items\":" + items + "]}");
}

Response revoke(ApiContext& ctx, Request& req) {
  const auto& id = req.params["id"];
  auto w = ctx.store.revoke_api_key(id, now_ns());
  ctx.keys.invalidate(id);
  if (!w) return store_failure(w.error());
  if (w->outcome != store::WriteOutcome::done) return outcome_failure(w->outcome, fmt::format("API key '{}'", id));
  auto k = ctx.store.get_api_key(id);
  if (!k) return store_failure(k.error());
  if (!*k) return error_response(404, "not_found", "API key not found");
  return json_response(200, key_to_json(**k));
}

}  // namespace

void register_api_key_routes(Router& router, ApiContext& ctx) {
  router.add_schema("ApiKeyInput", R"({"type":"object","required":["role"],"additionalProperties":false,"properties":{"role":{"type":"string","enum":["operator","analyst","carrier","overseer","admin"]},"org_id":{"type":"string","description":"required for operator and carrier keys"},"name":{"type":"string"}}})");
  router.add_schema("ApiKey", R"({"type":"object","properties":{"id":{"type":"string","description":"public key id, shown in logs"},"role":{"type":"string"},"org_id":{"type":"string","nullable":true},"name":{"type":"string"},"created_by":{"type":"string"},"created":{"type":"string","format":"date-time"},"revoked":{"type":"string","format":"date-time","nullable":true},"key":{"type":"string","description":"the bearer token: only in the response to its creation"}}})");
  router.add_schema("ApiKeyList", R"({"type":"object","properties":{"items":{"type":"array","items":{"$ref":"#/components/schemas/ApiKey"}}}})");
  router.add({"POST", "/v1/api-keys", "api_keys.create", "Create an API key (admin); the token is returned once.",
              {Role::admin}, "ApiKeyInput", "ApiKey", 201, {}, false, [&ctx](Request& r) { return create(ctx, r); }});
  router.add({"GET", "/v1/api-keys", "api_keys.list", "List API keys (admin), never their secrets.", {Role::admin}, "",
              "ApiKeyList", 200, {{"org_id", "string", "only keys of this organisation"}}, false,
              [&ctx](Request& r) { return list(ctx, r); }});
  router.add({"DELETE", "/v1/api-keys/{id}", "api_keys.revoke", "Revoke an API key (admin); it stops working at once.",
              {Role::admin}, "", "ApiKey", 200, {}, false, [&ctx](Request& r) { return revoke(ctx, r); }});
}

}  // namespace mamori::hub
