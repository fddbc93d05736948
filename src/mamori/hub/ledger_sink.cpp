#include "mamori/hub/ledger_sink.hpp"

#include "mamori/ledger/ledger_file.hpp"

namespace mamori::hub {

Result<std::unique_ptr<LedgerSink>> LedgerSink::open(const std::string& path) {
  auto l = ledger::open_ledger_file(path, true, false);
  if (!l) return tl::unexpected(l.error());
  return std::unique_ptr<LedgerSink>(new LedgerSink(std::move(*l), path));
}

Result<std::uint64_t> LedgerSink::record(std::string_view kind, std::string_view actor, std::string_view body_json) {
  std::lock_guard lock(mutex_);
  auto r = ledger_.append(kind, actor, body_json);
  if (!r) return tl::unexpected(r.error());
  if (auto ok = ledger_.flush(); !ok) return tl::unexpected(ok.error());
  return r->index;
}

}  // namespace mamori::hub
