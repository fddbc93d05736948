// Public system routes: /healthz, /metrics (Prometheus), /openapi.json.
#include <mutex>

#include "mamori/hub/api/api_context.hpp"
#include "mamori/hub/openapi.hpp"

namespace mamori::hub {

namespace {

Response healthz(ApiContext& ctx) {
  auto v = ctx.store.schema_version();
  if (!v) return error_response(503, "unavailable", "storage is not reachable");
  return json_response(200, fmt::format(R"({{"status":"ok","backend":"{}","schema_version":{}}})", ctx.store.backend(), *v));
}

Response metrics(ApiContext& ctx) {
  Response r;
  r.body = ctx.metrics.render(&ctx.store);
  r.content_type = "text/plain; version=0.0.4";
  return r;
}

// Built once, on first request: every resource has registered by then.
struct OpenApiCache {
  std::once_flag once;
  Result<std::string> document = std::string();
};

}  // namespace

void register_system_routes(Router& router, ApiContext& ctx) {
  router.add_schema("Health", R"({"type":"object","properties":{"status":{"type":"string"},"backend":{"type":"string"},"schema_version":{"type":"integer"}}})");
  router.add({"GET", "/healthz", "system.healthz", "Liveness and storage reachability.", {}, "", "Health", 200, {}, false,
              [&ctx](Request&) { return healthz(ctx); }});
  router.add({"GET", "/metrics", "system.metrics", "Prometheus text-format metrics.", {}, "", "", 200, {}, false,
              [&ctx](Request&) { return metrics(ctx); }});
  auto cache = std::make_shared<OpenApiCache>();
  router.add({"GET", "/openapi.json", "system.openapi", "This API's OpenAPI 3.0 description.", {}, "", "", 200, {},
              false, [&ctx, cache](Request&) {
                std::call_once(cache->once, [&] { cache->document = build_openapi(ctx.router); });
                if (!cache->document) return error_response(500, "internal", cache->document.error().message);
                return json_response(200, *cache->document);
              }});
}

}  // namespace mamori::hub
