#pragma once
// A small synchronous client of the hub API (the CLI's `org` and `apikey`
// commands, tests and benchmarks): one request per call over HTTP or HTTPS,
// the API key as a bearer token. It never logs or prints the key.
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "mamori/core/result.hpp"

namespace mamori::hub {

struct ClientOptions {
  std::string url = "http://127.0.0.1:8080";  // scheme://host:port
  std::string key;                            // API key token; empty: no Authorization header
  std::string ca_file;                        // HTTPS: trust this CA (PEM) instead of the system store
  std::chrono::milliseconds timeout{30'000};
};

struct ClientResponse {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  const std::string* header(std::string_view name) const;
};

struct ParsedUrl {
  bool tls = false;
  std::string host;
  std::string port;
};
Result<ParsedUrl> parse_hub_url(std::string_view url);

Result<ClientResponse> hub_request(const ClientOptions& options, std::string_view method, std::string_view target,
                                   std::string_view body = {},
                                   const std::vector<std::pair<std::string, std::string>>& headers = {});

// "<status> <code>: <message>" from the API's error body (or the raw body).
std::string describe_error(const ClientResponse& response);

}  // namespace mamori::hub
