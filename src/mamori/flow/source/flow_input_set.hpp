#pragma once
// A list of input files read as one stream: export captures share one
// decoder (so a template capture can precede its data), traffic captures
// share one assembler (flows may span files), .mflow files are replayed.
#include <cstdio>
#include <string>
#include <vector>

#include "mamori/flow/filter/filter.hpp"
#include "mamori/flow/filter/selection.hpp"
#include "mamori/flow/mflow/column_batch.hpp"
#include "mamori/flow/source/flow_input.hpp"

namespace mamori::flow {

struct FlowInputOptions {
  InputKind kind = InputKind::automatic;
  DecoderOptions decoder;
  AssemblerOptions assembler;
};

class FlowInputSet {
 public:
  // Checks every file and resolves its kind before anything is read.
  static Result<FlowInputSet> open(std::vector<std::string> files, FlowInputOptions options);

  // Reads all files in order and delivers the flows that match `filter`
  // (null: all). On a damaged file, every flow decoded before the damage has
  // been delivered when the error is returned. .mflow files are scanned with
  // the filter pushed down to their columns.
  Status for_each_batch(const FlowBatchSink& sink, const Filter* filter = nullptr);

  // The same stream as column batches with a selection of matching rows
  // (null selection: all rows), for aggregations that read few columns.
  using ColumnSink = std::function<Status(ColumnSource&, const Selection*)>;
  Status for_each_columns(const ColumnSink& sink, const Filter* filter = nullptr);

  const ExportDecoder& decoder() const noexcept { return decoder_; }
  const FlowAssembler& assembler() const noexcept { return assembler_; }
  // Capture, decoder and assembler anomalies together.
  AnomalyCounters anomalies() const;
  // One line to `out` when anything was counted.
  void report_anomalies(std::FILE* out) const;

 private:
  FlowInputSet(std::vector<std::string> files, std::vector<InputKind> kinds, FlowInputOptions options);
  // Decodes the non-mflow file `index` into record batches.
  Status read_records(std::size_t index, const FlowBatchSink& sink);
  Status finish_records(const FlowBatchSink& sink);
  std::vector<std::string> files_;
  std::vector<InputKind> kinds_;
  FlowInputOptions options_;
  ExportDecoder decoder_;
  FlowAssembler assembler_;
  CaptureCounters capture_;
  bool used_decoder_ = false;
  bool used_assembler_ = false;
};

}  // namespace mamori::flow
