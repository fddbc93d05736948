#pragma once
// Versioned schema migrations. Each backend has its own ordered list of SQL
// scripts (store/sqlite/migrations.cpp, store/postgres/migrations.cpp) with the
// same versions and meaning. At open, the store applies, in order and each in
// its own transaction, every migration not yet recorded in the
// `schema_migrations` table (version, name, applied_ns); a database with a
// version this build does not know is refused. Applying is idempotent: a
// second open applies nothing. Migrations are append-only: never edit one
// that has shipped, add the next version.
#include <span>
#include <string_view>

namespace mamori::store {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

std::span<const Migration> sqlite_migrations() noexcept;
std::span<const Migration> postgres_migrations() noexcept;

}  // namespace mamori::store
