#include "mamori/flow/source/flow_input_set.hpp"

#include "mamori/flow/filter/mflow_scan.hpp"
#include "mamori/flow/mflow/mflow_reader.hpp"

namespace mamori::flow {

FlowInputSet::FlowInputSet(std::vector<std::string> files, std::vector<InputKind> kinds, FlowInputOptions options)
    : files_(std::move(files)),
      kinds_(std::move(kinds)),
      options_(options),
      decoder_(options.decoder),
      assembler_(options.assembler) {}

Result<FlowInputSet> FlowInputSet::open(std::vector<std::string> files, FlowInputOptions options) {
  if (files.empty()) return fail(Errc::invalid_argument, "no input files");
  std::vector<InputKind> kinds;
  for (const auto& f : files) {
    if (options.kind != InputKind::automatic) {
      kinds.push_back(options.kind);
      continue;
    }
    auto kind = detect_input_kind(f);
    if (!kind) return tl::unexpected(kind.error());
    kinds.push_back(*kind);
  }
  return FlowInputSet(std::move(files), std::move(kinds), options);
}

Status FlowInputSet::read_records(std::size_t i, const FlowBatchSink& sink) {
  switch (kinds_[i]) {
    case InputKind::export_capture:
      used_decoder_ = true;
      return read_export_capture(files_[i], decoder_, sink, capture_);
    case InputKind::traffic_capture:
      used_assembler_ = true;
      return read_traffic_capture(files_[i], assembler_, sink, capture_);
    case InputKind::mflow:
    case InputKind::automatic:
      break;
  }
  return fail(Errc::invalid_argument, "{}: not a capture", files_[i]);
}

// End of input: data still waiting for templates is counted, open flows are flushed.
Status FlowInputSet::finish_records(const FlowBatchSink& sink) {
  if (used_decoder_) decoder_.finish();
  if (used_assembler_) {
    std::vector<FlowRecord> rest;
    assembler_.flush(rest);
    if (!rest.empty()) return sink(rest);
  }
  return {};
}

Status FlowInputSet::for_each_batch(const FlowBatchSink& sink, const Filter* filter) {
  const bool filtering = filter != nullptr && !filter->matches_everything();
  std::vector<FlowRecord> matched;
  const FlowBatchSink filtered = [&](std::span<const FlowRecord> flows) -> Status {
    if (!filtering) return sink(flows);
    matched.clear();
    for (const auto& f : flows)
      if (filter->matches(f)) matched.push_back(f);
    return matched.empty() ? Status{} : sink(matched);
  };
  std::vector<FlowRecord> batch;
  for (std::size_t i = 0; i < files_.size(); ++i) {
    if (kinds_[i] != InputKind::mflow) {
      if (auto s = read_records(i, filtered); !s) return s;
      continue;
    }
    auto reader = MflowReader::open(files_[i]);
    if (!reader) return tl::unexpected(reader.error());
    MflowScan scan(*reader, filtering ? filter : nullptr);
    for (;;) {
      auto n = scan.next_batch(batch);
      if (!n) return tl::unexpected(n.error());  // names the file and the byte offset
      if (*n == 0) break;
      if (auto s = sink(batch); !s) return s;
    }
  }
  return finish_records(filtered);
}

Status FlowInputSet::for_each_columns(const ColumnSink& sink, const Filter* filter) {
  const bool filtering = filter != nullptr && !filter->matches_everything();
  Selection selection;
  // Applies the filter to one column batch and hands on the rows that match.
  const auto deliver = [&](ColumnSource& columns) -> Status {
    if (!filtering) return sink(columns, nullptr);
    if (auto s = filter->select(columns, selection); !s) return s;
    if (selection.none()) return {};
    return sink(columns, selection.all() ? nullptr : &selection);
  };
  const FlowBatchSink records = [&](std::span<const FlowRecord> flows) -> Status {
    RecordColumns columns(flows);
    return deliver(columns);
  };
  for (std::size_t i = 0; i < files_.size(); ++i) {
    if (kinds_[i] != InputKind::mflow) {
      if (auto s = read_records(i, records); !s) return s;
      continue;
    }
    auto reader = MflowReader::open(files_[i]);
    if (!reader) return tl::unexpected(reader.error());
    for (;;) {
      auto more = reader->next_block();
      if (!more) return tl::unexpected(more.error());
      if (!*more) break;
      if (auto s = deliver(reader->block()); !s) return s;
    }
  }
  return finish_records(records);
}

AnomalyCounters FlowInputSet::anomalies() const {
  AnomalyCounters all = capture_.anomalies;
  all.merge(decoder_.anomalies());
  all.merge(assembler_.anomalies());
  return all;
}

void FlowInputSet::report_anomalies(std::FILE* out) const {
  const AnomalyCounters all = anomalies();
  if (all.total() == 0) return;
  std::string text;
  all.for_each_nonzero([&](Anomaly a, std::uint64_t n) {
    text += fmt::format("{}{}={}", text.empty() ? "" : ", ", anomaly_name(a), n);
  });
  std::fprintf(out, "mamori: %llu input anomalies (skipped): %s\n", static_cast<unsigned long long>(all.total()),
               text.c_str());
}

}  // namespace mamori::flow
