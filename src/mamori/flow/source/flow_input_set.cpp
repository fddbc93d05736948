#include "mamori/flow/source/flow_input_set.hpp"

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

Status FlowInputSet::for_each_batch(const FlowBatchSink& sink) {
  bool used_decoder = false, used_assembler = false;
  for (std::size_t i = 0; i < files_.size(); ++i) {
    Status status;
    switch (kinds_[i]) {
      case InputKind::export_capture:
        used_decoder = true;
        status = read_export_capture(files_[i], decoder_, sink, capture_);
        break;
      case InputKind::traffic_capture:
        used_assembler = true;
        status = read_traffic_capture(files_[i], assembler_, sink, capture_);
        break;
      case InputKind::mflow:
        status = read_mflow_file(files_[i], sink);
        break;
      case InputKind::automatic:
        status = fail(Errc::invalid_argument, "{}: input kind unresolved", files_[i]);
        break;
    }
    if (!status) return status;
  }
  if (used_decoder) decoder_.finish();
  if (used_assembler) {
    std::vector<FlowRecord> rest;
    assembler_.flush(rest);
    if (!rest.empty()) return sink(rest);
  }
  return {};
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
