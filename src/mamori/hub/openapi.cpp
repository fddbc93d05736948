#include "mamori/hub/openapi.hpp"

#include <algorithm>
#include <cctype>

#include <boost/json.hpp>

namespace mamori::hub {

namespace json = boost::json;

namespace {

constexpr std::string_view kErrorSchema =
    R"({"type":"object","required":["error"],"properties":{"error":{"type":"object","required":["code","message"],"properties":{"code":{"type":"string","description":"stable, machine-readable: invalid_json, invalid_request, unauthorized, forbidden, not_found, method_not_allowed, conflict, version_conflict, idempotency_key_reused, payload_too_large, unsupported_media_type, rate_limited, internal, unavailable"},"message":{"type":"string"}}}}})";

json::object error_response_ref(std::string_view description) {
  return json::object{{"description", description},
                      {"content", json::object{{"application/json", json::object{{"schema", json::object{{"$ref", "#/components/schemas/Error"}}}}}}}};
}

std::string tag_of(std::string_view pattern) {
  auto segs = split_path(pattern);
  if (segs.size() >= 2 && segs[0] == "v1") return std::string(segs[1]);
  return "system";
}

}  // namespace

Result<std::string> build_openapi(const Router& router) {
  json::object paths;
  for (const auto& r : router.routes()) {
    json::object op;
    op["operationId"] = r.name;
    op["summary"] = r.summary;
    op["tags"] = json::array{json::string(tag_of(r.pattern))};
    json::array params;
    for (auto seg : split_path(r.pattern))
      if (seg.size() > 2 && seg.front() == '{')
        params.push_back(json::object{{"name", seg.substr(1, seg.size() - 2)}, {"in", "path"}, {"required", true},
                                      {"schema", json::object{{"type", "string"}}}});
    for (const auto& q : r.query)
      params.push_back(json::object{{"name", q.name}, {"in", "query"}, {"required", false},
                                    {"description", q.description}, {"schema", json::object{{"type", q.type}}}});
    if (r.idempotent_post)
      params.push_back(json::object{{"name", "Idempotency-Key"}, {"in", "header"}, {"required", false},
                                    {"description", "retry-safe key (1..128 printable ASCII), scoped to the API key"},
                                    {"schema", json::object{{"type", "string"}}}});
    if (!params.empty()) op["parameters"] = std::move(params);
    if (!r.request_schema.empty())
      op["requestBody"] = json::object{
          {"required", true},
          {"content", json::object{{"application/json",
                                    json::object{{"schema", json::object{{"$ref", "#/components/schemas/" + r.request_schema}}}}}}}};
    json::object responses;
    json::object ok{{"description", "success"}};
    if (!r.response_schema.empty())
      ok["content"] = json::object{{"application/json",
                                    json::object{{"schema", json::object{{"$ref", "#/components/schemas/" + r.response_schema}}}}}};
    else if (r.name == "system.metrics")
      ok["content"] = json::object{{"text/plain", json::object{{"schema", json::object{{"type", "string"}}}}}};
    responses[std::to_string(r.success_status)] = std::move(ok);
    if (r.idempotent_post) responses["200"] = json::object{{"description", "replay of an earlier request with the same Idempotency-Key"}};
    responses["400"] = error_response_ref("malformed or schema-invalid request");
    if (!r.roles.empty()) {
      responses["401"] = error_response_ref("missing, malformed, unknown or revoked API key");
      responses["403"] = error_response_ref("the key's role or organisation may not do this");
      responses["429"] = error_response_ref("rate limit of the key exceeded; see Retry-After");
    }
    responses["404"] = error_response_ref("no such resource");
    responses["405"] = error_response_ref("method not allowed on this path");
    if (!r.request_schema.empty()) {
      responses["409"] = error_response_ref("conflict with the stored state");
      responses["413"] = error_response_ref("request too large");
      responses["415"] = error_response_ref("body is not application/json");
    }
    responses["500"] = error_response_ref("internal error");
    op["responses"] = std::move(responses);
    if (r.roles.empty()) {
      op["security"] = json::array{};
    } else {
      op["security"] = json::array{json::object{{"bearer", json::array{}}}};
      json::array roles;
      for (auto role : r.roles) roles.push_back(json::string(store::role_name(role)));
      op["x-roles"] = std::move(roles);
    }
    std::string method = r.method;
    std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto& item = paths[r.pattern];
    if (!item.is_object()) item = json::object{};
    item.get_object()[method] = std::move(op);
  }
  json::object schemas;
  boost::system::error_code ec;
  schemas["Error"] = json::parse(kErrorSchema, ec);
  if (ec) return fail(Errc::corrupt, "Error schema: {}", ec.message());
  for (const auto& [name, text] : router.schemas()) {
    auto v = json::parse(text, ec);
    if (ec) return fail(Errc::corrupt, "schema {}: {}", name, ec.message());
    schemas[name] = std::move(v);
  }
  json::object doc{
      {"openapi", "3.0.3"},
      {"info", json::object{{"title", "mamori hub API"},
                            {"version", "1"},
                            {"description",
                             "The national hub of mamori: organisations, API keys and findings. Every failure has the "
                             "body {\"error\":{\"code\":…,\"message\":…}}. Authenticate with 'Authorization: Bearer "
                             "<key>'."}}},
      {"paths", std::move(paths)},
      {"components", json::object{{"schemas", std::move(schemas)},
                                  {"securitySchemes",
                                   json::object{{"bearer", json::object{{"type", "http"}, {"scheme", "bearer"},
                                                                        {"description", "mk_<id>_<secret>"}}}}}}}};
  return json::serialize(doc);
}

}  // namespace mamori::hub
