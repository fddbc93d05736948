#include "mamori/store/open_store.hpp"

#include "mamori/store/postgres/postgres_hub_store.hpp"
#include "mamori/store/sqlite/sqlite_hub_store.hpp"

namespace mamori::store {

bool is_postgres_url(std::string_view db) noexcept {
  return db.starts_with("postgresql://") || db.starts_with("postgres://") || db.find("dbname=") != std::string_view::npos ||
         db.find("host=") != std::string_view::npos;
}

Result<std::unique_ptr<HubStore>> open_hub_store(const StoreConfig& config) {
  if (is_postgres_url(config.database)) {
    auto s = PostgresHubStore::open({config.database, config.schema, config.pool_size});
    if (!s) return tl::unexpected(s.error());
    return std::unique_ptr<HubStore>(std::move(*s));
  }
  std::string path = config.database;
  if (path.starts_with("sqlite:")) path.erase(0, 7);
  auto s = SqliteHubStore::open({path, config.pool_size, config.sqlite_full_sync});
  if (!s) return tl::unexpected(s.error());
  return std::unique_ptr<HubStore>(std::move(*s));
}

}  // namespace mamori::store
