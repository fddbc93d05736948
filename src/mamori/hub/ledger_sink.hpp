#pragma once
// The hub's ledger: entries the hub records (triage of findings, ...) go to
// its own ledger file next to its database, committed before the action they
// record takes effect. Ledger is single-writer; the sink serialises the
// server's threads onto it and makes every entry durable before returning.
#include <mutex>
#include <string>

#include "mamori/ledger/ledger.hpp"

namespace mamori::hub {

class LedgerSink {
 public:
  static Result<std::unique_ptr<LedgerSink>> open(const std::string& path);

  // Appends and flushes; returns the entry's index.
  Result<std::uint64_t> record(std::string_view kind, std::string_view actor, std::string_view body_json);
  const std::string& path() const noexcept { return path_; }

 private:
  LedgerSink(ledger::Ledger ledger, std::string path) : ledger_(std::move(ledger)), path_(std::move(path)) {}
  std::mutex mutex_;
  ledger::Ledger ledger_;
  std::string path_;
};

}  // namespace mamori::hub
