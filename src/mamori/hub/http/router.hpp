#pragma once
// Routes of the hub API. Each API resource (hub/api/<resource>.cpp) registers
// its routes into the Router handed to it at start-up; the route table is also
// the source of the OpenAPI document (hub/openapi.cpp), so what is served and
// what is described cannot drift apart.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mamori/hub/http/message.hpp"
#include "mamori/store/records.hpp"

namespace mamori::hub {

using Handler = std::function<Response(Request&)>;

struct QueryParamSpec {
  std::string name;
  std::string type;  // OpenAPI type: string, integer, number
  std::string description;
};

struct RouteSpec {
  std::string method;   // GET, POST, PATCH, PUT, DELETE
  std::string pattern;  // e.g. /v1/organisations/{id}; {name} matches one segment
  std::string name;     // stable id for metrics, logs and the OpenAPI operationId, e.g. "organisations.get"
  std::string summary;
  std::vector<store::Role> roles;  // who may call it; empty: public, no API key
  std::string request_schema;      // component schema name of a JSON body, "" for none
  std::string response_schema;     // component schema name of the success body, "" for none
  int success_status = 200;
  std::vector<QueryParamSpec> query;
  bool idempotent_post = false;  // honours Idempotency-Key
  Handler handler;
};

struct RouteMatch {
  const RouteSpec* route = nullptr;          // set when method and path match
  std::vector<std::string> allowed_methods;  // path matched, method did not (405)
};

class Router {
 public:
  // Fails (returns false) on a duplicate method + pattern.
  bool add(RouteSpec spec);
  // Fills `params` with the path parameters of the match.
  RouteMatch match(std::string_view method, std::string_view path, std::map<std::string, std::string>& params) const;
  const std::vector<RouteSpec>& routes() const noexcept { return routes_; }

  // Component schemas (OpenAPI JSON objects, as text) that routes refer to.
  void add_schema(std::string name, std::string json_schema) { schemas_.emplace_back(std::move(name), std::move(json_schema)); }
  const std::vector<std::pair<std::string, std::string>>& schemas() const noexcept { return schemas_; }

 private:
  std::vector<RouteSpec> routes_;
  std::vector<std::pair<std::string, std::string>> schemas_;
};

// Splits "/a/b/" into {"a","b"}; empty segments are dropped.
std::vector<std::string_view> split_path(std::string_view path);

}  // namespace mamori::hub
