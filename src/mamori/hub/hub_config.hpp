#pragma once
// Configuration of `mamori hub serve` (TOML; config/hub.example.toml documents
// every key). Every setting has a default, so a hub runs without a file.
#include <string>

#include "mamori/core/result.hpp"
#include "mamori/hub/http/server.hpp"
#include "mamori/hub/rate_limiter.hpp"
#include "mamori/store/open_store.hpp"

namespace mamori::hub {

struct HubConfig {
  ServerOptions server;
  store::StoreConfig storage;
  std::string ledger_path;  // empty: next to a SQLite database, else hub-ledger.db in the working directory
  // Incident reporting: reporting.toml ("" = the shipped defaults,
  // config/reporting.example.toml) and the Ed25519 key that signs receipts
  // ("" = ledger path + ".receipt-key", created on first start).
  std::string reporting_config_path;
  std::string receipt_key_path;
  RateLimiter::Options rate_limit;
  // How long a verified key is trusted without asking the store again; a key
  // revoked through another hub sharing the database works at most this long.
  std::chrono::milliseconds key_cache_ttl{1000};
  bool log_requests = true;
};

Result<HubConfig> load_hub_config(const std::string& path);
// "host:port", "[v6]:port" or ":port".
Status parse_listen(std::string_view text, ServerOptions& server);
// The ledger file for `config`.
std::string ledger_path_for(const HubConfig& config);
// The receipt signing key file for `config`.
std::string receipt_key_path_for(const HubConfig& config);

}  // namespace mamori::hub
