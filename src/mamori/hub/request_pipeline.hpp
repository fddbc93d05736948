#pragma once
// What every request goes through, in order: route (404/405), API key
// (401), per-key rate limit (429), role (403), content type of a body (415),
// the handler (500 if it fails unexpectedly); then metrics and one JSON log
// line to stderr: time, method, route, path, status, latency, key id — never
// the key itself.
#include "mamori/hub/auth/key_cache.hpp"
#include "mamori/hub/http/router.hpp"
#include "mamori/hub/metrics.hpp"
#include "mamori/hub/rate_limiter.hpp"
#include "mamori/store/hub_store.hpp"

namespace mamori::hub {

class RequestPipeline {
 public:
  RequestPipeline(const Router& router, store::HubStore& store, KeyCache& keys, RateLimiter& limiter, Metrics& metrics,
                  bool log_requests)
      : router_(router), store_(store), keys_(keys), limiter_(limiter), metrics_(metrics), log_(log_requests) {}

  Response handle(Request& request);
  // A request the server refused before it could be parsed (413, 400).
  void rejected(const Response& response);

 private:
  Response authenticate(Request& request);
  void finish(std::string_view method, std::string_view path, const Principal* who, const std::string& route,
              const Response& response, double seconds);

  const Router& router_;
  store::HubStore& store_;
  KeyCache& keys_;
  RateLimiter& limiter_;
  Metrics& metrics_;
  bool log_;
};

}  // namespace mamori::hub
