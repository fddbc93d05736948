#pragma once
// Opening the embedded (SQLite) ledger by path, the default every command uses.
#include <string>

#include "mamori/ledger/ledger.hpp"
#include "mamori/ledger/sqlite_store.hpp"

namespace mamori::ledger {

Result<std::unique_ptr<SqliteLedgerStore>> open_ledger_store(const std::string& path, bool create, bool read_only);
Result<Ledger> open_ledger_file(const std::string& path, bool create, bool read_only);

}  // namespace mamori::ledger
