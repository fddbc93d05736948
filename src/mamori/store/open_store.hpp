#pragma once
// Opening the hub store named by configuration: a postgresql:// (or
// postgres://) URI or a libpq "key=value" string selects PostgreSQL; anything
// else is a SQLite file path (an optional "sqlite:" prefix is stripped).
#include <memory>
#include <string>

#include "mamori/store/hub_store.hpp"

namespace mamori::store {

struct StoreConfig {
  std::string database = "hub.db";
  std::string schema;         // PostgreSQL only: search_path schema, created if missing
  std::size_t pool_size = 8;  // connections
  bool sqlite_full_sync = true;
};

bool is_postgres_url(std::string_view database) noexcept;
Result<std::unique_ptr<HubStore>> open_hub_store(const StoreConfig& config);

}  // namespace mamori::store
