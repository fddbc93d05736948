#pragma once
// The overseer's check that a sensor's output is exactly what its ledger
// says: the selection.batch entries of one policy, in ledger order, must
// account for every record of the output file, batch by batch, with equal
// counts and equal canonical hashes (docs/selection-policy.md).
#include <optional>
#include <string>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/ledger/store.hpp"

namespace mamori::sensor {

struct AuditProblem {
  std::uint64_t ledger_index = 0;
  std::string detail;
};

struct AuditReport {
  std::uint64_t run = 0;  // ledger index of the run's selection.started entry
  std::uint64_t batches = 0;
  std::uint64_t records_in_ledger = 0;
  std::uint64_t records_in_output = 0;
  std::vector<AuditProblem> problems;
  bool ok() const noexcept { return problems.empty() && records_in_ledger == records_in_output; }
};

struct AuditScope {
  std::string actor;          // only this sensor's batches (empty: all)
  std::string policy_sha256;  // only batches selected under this policy (empty: all)
  std::optional<std::uint64_t> run;  // only this run; unset: the run the output matches, if any
};

// A ledger holds many runs; the output file of one run must match that run's
// batches exactly. Without `scope.run`, every run is tried and the report is
// the matching one, else the closest (most batches matched).
Result<AuditReport> audit_output(ledger::LedgerStore& store, const std::string& mflow_path, const AuditScope& scope);

}  // namespace mamori::sensor
