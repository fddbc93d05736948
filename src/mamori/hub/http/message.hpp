#pragma once
// The hub's view of one HTTP exchange, independent of the transport (Beast
// stays inside http/server.cpp, so API handlers compile quickly and can be
// tested without sockets).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mamori/store/records.hpp"

namespace mamori::hub {

// Who is calling: resolved from the API key by the request pipeline.
struct Principal {
  std::string key_id;
  store::Role role = store::Role::operator_;
  std::string org_id;  // empty for platform-wide keys
};

struct Request {
  std::string method;  // upper case, e.g. "GET"
  std::string path;    // decoded path, no query
  std::map<std::string, std::string> query;    // decoded; a repeated name keeps the last value
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::map<std::string, std::string> params;  // path parameters of the matched route
  std::optional<Principal> principal;

  const std::string* header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? nullptr : &it->second;
  }
  const std::string* query_param(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? nullptr : &it->second;
  }
};

struct Response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

// The one error body of the API: {"error":{"code":"…","message":"…"}}.
Response error_response(int status, std::string_view code, std::string_view message);
Response json_response(int status, std::string body);

}  // namespace mamori::hub
