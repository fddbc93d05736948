#include "mamori/sensor/selection_pipeline.hpp"

#include "mamori/core/json_text.hpp"

namespace mamori::sensor {

using select::DropReason;

std::string started_body(const select::SelectionPolicy& p) {
  return fmt::format(R"({{"policy_id":{},"policy_version":{},"policy_sha256":"{}","pseudonymisation_key_id":{}}})",
                     json_quote(p.id), p.version, p.document_hash, json_quote(p.pseudonymisation_key_id));
}

std::string batch_body(const select::SelectionPolicy& p, std::uint64_t run, const select::SelectionCounts& c,
                       std::uint64_t records_written, const std::string& output_sha256) {
  const auto dropped = [&](DropReason r) { return c.dropped[static_cast<std::size_t>(r)]; };
  return fmt::format(
      R"({{"policy_sha256":"{}","run":{},"in":{},"kept":{},"dropped":{{"domestic_to_domestic":{},"direction_not_allowed":{},)"
      R"("policy_not_valid":{}}},"kept_by_direction":{{"foreign_to_domestic":{},"domestic_to_foreign":{},)"
      R"("foreign_to_foreign":{}}},"pseudonymised_addresses":{},"output_records":{},"output_sha256":"{}"}})",
      p.document_hash, run, c.in, c.kept, dropped(DropReason::domestic_to_domestic), dropped(DropReason::direction_not_allowed),
      dropped(DropReason::policy_not_valid), c.kept_by_direction[0], c.kept_by_direction[1], c.kept_by_direction[2],
      c.pseudonymised_addresses, records_written, output_sha256);
}

SelectionPipeline::SelectionPipeline(select::SelectionPolicy policy,
                                     std::shared_ptr<const select::CountryTable> countries,
                                     select::CryptoPan pseudonymiser, ledger::Ledger& ledger,
                                     flow::FlowWriter& output, PipelineOptions options)
    : policy_(policy),
      selector_(std::move(policy), std::move(countries), std::move(pseudonymiser)),
      ledger_(ledger),
      output_(output),
      options_(std::move(options)) {}

Status SelectionPipeline::start(TimeNs now) {
  batch_started_ = now;
  auto r = ledger_.append(ledger::kinds::selection_started, options_.actor, started_body(policy_), now);
  if (!r) return tl::unexpected(r.error());
  run_ = r->index;
  return ledger_.flush();
}

Status SelectionPipeline::add(std::span<const flow::FlowRecord> flows, TimeNs now) {
  if (stopped_) {
    select::Selector::refuse(flows, totals_);
    return {};
  }
  if (!policy_.valid_at(now)) {
    if (auto s = close_batch(now); !s) return s;
    select::Selector::refuse(flows, batch_counts_);
    return stop(now, now < policy_.valid_from ? "policy_not_yet_valid" : "policy_expired");
  }
  // Big inputs are cut at batch_records so that each ledger entry covers a bounded batch.
  while (!flows.empty()) {
    const std::uint64_t room = options_.batch_records > batch_counts_.in ? options_.batch_records - batch_counts_.in : 0;
    const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(room == 0 ? 1 : room, flows.size()));
    const std::size_t before = pending_.size();
    selector_.select(flows.first(take), pending_, batch_counts_);
    if (options_.on_selected && pending_.size() > before) {
      options_.on_selected(std::span<const flow::FlowRecord>(pending_).subspan(before));
    }
    flows = flows.subspan(take);
    if (batch_counts_.in >= options_.batch_records) {
      if (auto s = close_batch(now); !s) return s;
    }
  }
  return tick(now);
}

Status SelectionPipeline::tick(TimeNs now) {
  if (stopped_) return {};
  if (!policy_.valid_at(now)) return stop(now, "policy_expired");
  if (batch_counts_.in != 0 && now >= batch_started_ + options_.batch_interval) return close_batch(now);
  return {};
}

Status SelectionPipeline::close_batch(TimeNs now) {
  batch_started_ = now;
  if (batch_counts_.in == 0) return {};
  hasher_.add(pending_);
  const std::string digest = hasher_.finish();
  // The entry is durable before the batch is written.
  auto r = ledger_.append(ledger::kinds::selection_batch, options_.actor,
                          batch_body(policy_, run_, batch_counts_, pending_.size(), digest), now);
  if (!r) return tl::unexpected(r.error());
  if (auto s = ledger_.flush(); !s) return s;
  if (!pending_.empty()) {
    if (auto s = output_.write(pending_); !s) return s;
  }
  batches_.push_back(BatchRecord{r->index, batch_counts_, digest});
  totals_.merge(batch_counts_);
  batch_counts_ = {};
  pending_.clear();
  return {};
}

Status SelectionPipeline::stop(TimeNs now, std::string_view reason) {
  if (auto s = close_batch(now); !s) return s;
  stopped_ = true;
  auto r = ledger_.append(ledger::kinds::selection_stopped, options_.actor,
                          fmt::format(R"({{"policy_sha256":"{}","reason":"{}"}})", policy_.document_hash, reason), now);
  if (!r) return tl::unexpected(r.error());
  return ledger_.flush();
}

Status SelectionPipeline::finish(TimeNs now) {
  if (stopped_) return {};
  return close_batch(now);
}

}  // namespace mamori::sensor
