#include "mamori/sensor/output_audit.hpp"

#include <boost/json.hpp>

#include <map>

#include "mamori/flow/mflow/mflow_reader.hpp"
#include "mamori/ledger/entry.hpp"
#include "mamori/select/selector.hpp"

namespace mamori::sensor {

namespace {

struct Batch {
  std::uint64_t index;
  std::uint64_t records;
  std::string sha256;
};

using Runs = std::map<std::uint64_t, std::vector<Batch>>;

Result<Runs> ledger_runs(ledger::LedgerStore& store, const AuditScope& scope) {
  Runs runs;
  auto scanned = store.scan_entries(0, ~std::uint64_t{0}, [&](const ledger::StoredEntry& stored) -> Status {
    const auto& e = stored.entry;
    if (e.kind != ledger::kinds::selection_batch) return {};
    if (!scope.actor.empty() && e.actor != scope.actor) return {};
    boost::system::error_code ec;
    const boost::json::value body = boost::json::parse(e.body, ec);
    const auto* obj = ec ? nullptr : body.if_object();
    const auto field = [&](const char* name) { return obj ? obj->if_contains(name) : nullptr; };
    const auto* records = field("output_records");
    const auto* digest = field("output_sha256");
    const auto* policy = field("policy_sha256");
    const auto* run = field("run");
    if (records == nullptr || !records->is_int64() || digest == nullptr || !digest->is_string() ||
        policy == nullptr || !policy->is_string() || run == nullptr || !run->is_int64()) {
      return fail(Errc::corrupt, "ledger entry {}: selection.batch body lacks run/output_records/output_sha256",
                  e.index);
    }
    if (!scope.policy_sha256.empty() && policy->as_string() != scope.policy_sha256) return {};
    const auto run_index = static_cast<std::uint64_t>(run->as_int64());
    if (scope.run && *scope.run != run_index) return {};
    runs[run_index].push_back(
        Batch{e.index, static_cast<std::uint64_t>(records->as_int64()), std::string(digest->as_string())});
    return {};
  });
  if (!scanned) return tl::unexpected(scanned.error());
  return runs;
}

Result<AuditReport> audit_run(std::uint64_t run, const std::vector<Batch>& batches, const std::string& mflow_path) {
  auto reader = flow::MflowReader::open(mflow_path);
  if (!reader) return tl::unexpected(reader.error());
  AuditReport report;
  report.run = run;
  report.batches = batches.size();
  std::vector<flow::FlowRecord> buffered;
  std::size_t offset = 0;  // first unconsumed record in `buffered`
  bool eof = false;
  select::BatchHasher hasher;
  for (const Batch& b : batches) {
    report.records_in_ledger += b.records;
    std::uint64_t need = b.records;
    while (need > 0) {
      if (offset == buffered.size()) {
        if (eof) break;
        buffered.clear();
        offset = 0;
        auto n = reader->next_batch(buffered);
        if (!n) return tl::unexpected(n.error());
        if (*n == 0) {
          eof = true;
          break;
        }
      }
      const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(need, buffered.size() - offset));
      hasher.add(std::span<const flow::FlowRecord>(buffered).subspan(offset, take));
      offset += take;
      need -= take;
      report.records_in_output += take;
    }
    const std::string digest = hasher.finish();
    if (need > 0) {
      report.problems.push_back({b.index, fmt::format("output ends {} records short of this batch", need)});
      break;
    }
    if (digest != b.sha256) {
      report.problems.push_back({b.index, "records differ from what the ledger recorded (hash mismatch)"});
    }
  }
  // Records beyond the last batch were written without a ledger entry.
  std::uint64_t extra = buffered.size() - offset;
  std::vector<flow::FlowRecord> rest;
  while (!eof) {
    auto n = reader->next_batch(rest);
    if (!n) return tl::unexpected(n.error());
    if (*n == 0) break;
    extra += *n;
  }
  if (extra != 0) {
    report.records_in_output += extra;
    report.problems.push_back({run, fmt::format("{} records in the output are not in any batch of this run", extra)});
  }
  return report;
}

}  // namespace

Result<AuditReport> audit_output(ledger::LedgerStore& store, const std::string& mflow_path, const AuditScope& scope) {
  auto runs = ledger_runs(store, scope);
  if (!runs) return tl::unexpected(runs.error());
  if (runs->empty()) return fail(Errc::not_found, "the ledger has no selection batches in this scope");
  std::optional<AuditReport> best;
  for (const auto& [run, batches] : *runs) {
    auto report = audit_run(run, batches, mflow_path);
    if (!report) return tl::unexpected(report.error());
    if (report->ok()) return report;
    if (!best || report->problems.size() < best->problems.size()) best = std::move(*report);
  }
  return *best;
}

}  // namespace mamori::sensor
