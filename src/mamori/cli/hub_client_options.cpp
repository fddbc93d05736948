#include "mamori/cli/hub_client_options.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <CLI/CLI.hpp>

#include "mamori/cli/command.hpp"

namespace mamori::cli {

void add_client_options(CLI::App& cmd, hub::ClientOptions& o) {
  cmd.add_option("--url", o.url, "Hub URL, e.g. https://hub.example.jp:8443")->envname("MAMORI_URL")->capture_default_str();
  // Prefer the environment: a key on the command line is visible in `ps`.
  cmd.add_option("--key", o.key, "API key (prefer MAMORI_KEY; never printed)")->envname("MAMORI_KEY");
  cmd.add_option("--ca-file", o.ca_file, "PEM CA certificate to trust for an HTTPS hub");
}

std::optional<boost::json::value> call_hub(const hub::ClientOptions& o, std::string_view method, std::string_view target,
                                           std::string_view body, int& exit_code,
                                           const std::vector<std::pair<std::string, std::string>>& headers) {
  if (o.key.empty()) {
    exit_code = report_error("no API key: set MAMORI_KEY or pass --key", 2);
    return std::nullopt;
  }
  auto r = hub::hub_request(o, method, target, body, headers);
  if (!r) {
    exit_code = report_error(r.error().message);
    return std::nullopt;
  }
  if (r->status < 200 || r->status >= 300) {
    exit_code = report_error(fmt::format("{} {}: {}", method, target, hub::describe_error(*r)));
    return std::nullopt;
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(r->body, ec);
  if (ec) {
    exit_code = report_error(fmt::format("{} {}: the hub answered with invalid JSON", method, target));
    return std::nullopt;
  }
  exit_code = 0;
  return v;
}

std::string url_encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::optional<std::string> read_document(const std::string& path, int& exit_code) {
  std::stringstream ss;
  if (path == "-") {
    ss << std::cin.rdbuf();
  } else {
    std::ifstream f(path);
    if (!f) {
      exit_code = report_error("cannot read " + path);
      return std::nullopt;
    }
    ss << f.rdbuf();
  }
  return ss.str();
}

}  // namespace mamori::cli
