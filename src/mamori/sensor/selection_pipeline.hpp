#pragma once
// The sensor's data path after decoding: select under the approved policy,
// record each batch in the ledger, then write it. The ledger entry (policy
// hash, counts in / kept / dropped by reason, hash of the written batch) is
// durable before the batch reaches the output, so nothing leaves the sensor
// that the overseer cannot account for.
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/flow/output/flow_writer.hpp"
#include "mamori/ledger/ledger.hpp"
#include "mamori/select/selector.hpp"

namespace mamori::sensor {

struct PipelineOptions {
  std::string actor = "sensor";          // ledger actor: the carrier's sensor name
  std::uint64_t batch_records = 65536;   // records in before a batch closes
  TimeNs batch_interval = 10 * kNsPerSecond;
  // Sees every selected record once, e.g. for a live view or detectors.
  std::function<void(std::span<const flow::FlowRecord>)> on_selected;
};

struct BatchRecord {
  std::uint64_t ledger_index = 0;
  select::SelectionCounts counts;
  std::string output_sha256;
};

class SelectionPipeline {
 public:
  SelectionPipeline(select::SelectionPolicy policy, std::shared_ptr<const select::CountryTable> countries,
                    select::CryptoPan pseudonymiser, ledger::Ledger& ledger, flow::FlowWriter& output,
                    PipelineOptions options);

  // Records the start of selection under this policy in the ledger.
  Status start(TimeNs now);
  // Selects decoded flows at wall-clock time `now`. When the policy is no
  // longer valid the pending batch is closed, these flows are refused, the
  // stop is recorded and stopped() becomes true; nothing is selected after.
  Status add(std::span<const flow::FlowRecord> flows, TimeNs now);
  // Closes the batch if it is full or old enough.
  Status tick(TimeNs now);
  // Closes the last batch.
  Status finish(TimeNs now);

  bool stopped() const noexcept { return stopped_; }
  const select::SelectionPolicy& policy() const noexcept { return policy_; }
  // The ledger index of this run's selection.started entry.
  std::uint64_t run() const noexcept { return run_; }
  const select::SelectionCounts& totals() const noexcept { return totals_; }
  const std::vector<BatchRecord>& batches() const noexcept { return batches_; }

 private:
  Status close_batch(TimeNs now);
  Status stop(TimeNs now, std::string_view reason);

  select::SelectionPolicy policy_;
  select::Selector selector_;
  ledger::Ledger& ledger_;
  flow::FlowWriter& output_;
  PipelineOptions options_;
  select::BatchHasher hasher_;
  std::vector<flow::FlowRecord> pending_;
  select::SelectionCounts batch_counts_;
  select::SelectionCounts totals_;
  TimeNs batch_started_ = 0;
  bool stopped_ = false;
  std::uint64_t run_ = 0;
  std::vector<BatchRecord> batches_;
};

// JSON bodies of the ledger entries (canonical form is applied by the ledger).
std::string started_body(const select::SelectionPolicy& policy);
// `run` is the ledger index of the run's selection.started entry.
std::string batch_body(const select::SelectionPolicy& policy, std::uint64_t run, const select::SelectionCounts& counts,
                       std::uint64_t records_written, const std::string& output_sha256);

}  // namespace mamori::sensor
