#include "mamori/ledger/ledger_file.hpp"

namespace mamori::ledger {

Result<std::unique_ptr<SqliteLedgerStore>> open_ledger_store(const std::string& path, bool create, bool read_only) {
  SqliteLedgerStore::Options options;
  options.create = create;
  options.read_only = read_only;
  return SqliteLedgerStore::open(path, options);
}

Result<Ledger> open_ledger_file(const std::string& path, bool create, bool read_only) {
  auto store = open_ledger_store(path, create, read_only);
  if (!store) return tl::unexpected(store.error());
  return Ledger::open(std::move(*store));
}

}  // namespace mamori::ledger
