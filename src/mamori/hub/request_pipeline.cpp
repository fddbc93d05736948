#include "mamori/hub/request_pipeline.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>

#include "mamori/core/json_text.hpp"
#include "mamori/core/time.hpp"
#include "mamori/hub/api/api_context.hpp"
#include "mamori/hub/auth/api_key_secret.hpp"

namespace mamori::hub {

Response RequestPipeline::authenticate(Request& request) {
  const std::string* header = request.header("authorization");
  auto unauthorized = [](std::string_view message) {
    Response r = error_response(401, "unauthorized", message);
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"mamori\"");
    return r;
  };
  if (!header) return unauthorized("an API key is required: 'Authorization: Bearer <key>'");
  auto token = parse_bearer(*header);
  if (!token) return unauthorized(token.error().message);
  std::optional<store::ApiKey> key = keys_.get(token->id);
  if (!key) {
    auto stored = store_.get_api_key(token->id);
    if (!stored) return store_failure(stored.error());
    key = std::move(*stored);
    if (key) keys_.put(*key);
  }
  // Unknown, revoked and wrong secret look the same to the caller.
  if (!key || key->revoked != 0 || !digest_equal(key->secret_hash, token->secret_hash))
    return unauthorized("invalid or revoked API key");
  request.principal = Principal{key->id, key->role, key->org_id};
  return Response{0, {}, {}, {}};
}

Response RequestPipeline::handle(Request& request) {
  const auto start = std::chrono::steady_clock::now();
  std::string route_name = "unmatched";
  Response response;
  const RouteMatch match = router_.match(request.method, request.path, request.params);
  if (!match.route) {
    if (!match.allowed_methods.empty()) {
      response = error_response(405, "method_not_allowed", fmt::format("{} is not allowed on {}", request.method, request.path));
      std::string allow;
      for (const auto& m : match.allowed_methods) allow += (allow.empty() ? "" : ", ") + m;
      response.headers.emplace_back("Allow", allow);
    } else {
      response = error_response(404, "not_found", fmt::format("no route for {}", request.path));
    }
  } else {
    const RouteSpec& route = *match.route;
    route_name = route.name;
    response.status = 0;
    if (!route.roles.empty()) {
      response = authenticate(request);
      if (response.status == 0) {
        if (const auto wait = limiter_.acquire(request.principal->key_id); wait != 0) {
          metrics_.rate_limited();
          response = error_response(429, "rate_limited", fmt::format("rate limit exceeded; retry in {} s", wait));
          response.headers.emplace_back("Retry-After", std::to_string(wait));
        } else if (std::find(route.roles.begin(), route.roles.end(), request.principal->role) == route.roles.end()) {
          response = error_response(403, "forbidden",
                                    fmt::format("role '{}' may not call {} {}", store::role_name(request.principal->role),
                                                route.method, route.pattern));
        }
      }
    }
    if (response.status == 0 && !route.request_schema.empty()) {
      const std::string* ct = request.header("content-type");
      std::string_view type = ct ? std::string_view(*ct) : std::string_view();
      type = type.substr(0, type.find(';'));
      while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
      if (type != "application/json")
        response = error_response(415, "unsupported_media_type", "the body must be application/json");
    }
    if (response.status == 0) {
      // Handlers return errors as values; this only catches what escapes
      // them (allocation failure, a library that throws) so that one bad
      // request cannot take a server thread down.
      try {
        response = route.handler(request);
      } catch (const std::exception& e) {
        response = store_failure(Error{Errc::io_error, fmt::format("unhandled: {}", e.what())});
      } catch (...) {
        response = store_failure(Error{Errc::io_error, "unhandled exception"});
      }
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  finish(request.method, request.path, request.principal ? &*request.principal : nullptr, route_name, response, seconds);
  return response;
}

void RequestPipeline::rejected(const Response& response) {
  finish("-", "", nullptr, "rejected", response, 0);
}

void RequestPipeline::finish(std::string_view method, std::string_view path, const Principal* who,
                             const std::string& route, const Response& response, double seconds) {
  metrics_.record(route, std::string(method), response.status, seconds);
  if (!log_) return;
  std::string line = fmt::format(
      R"({{"time":{},"method":{},"route":{},"path":{},"status":{},"latency_ms":{:.3f},"key_id":{}}})",
      json_quote(format_rfc3339(now_ns())), json_quote(method), json_quote(route), json_quote(path), response.status,
      seconds * 1000, who ? json_quote(who->key_id) : std::string("null"));
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace mamori::hub
