#pragma once
// Writes .mflow files: flows are buffered into blocks, each block is stored
// column by column (narrowed, delta-coded, shuffled, compressed, checksummed).
#include <cstdint>
#include <memory>
#include <string>

#include "mamori/core/output_file.hpp"
#include "mamori/core/result.hpp"
#include "mamori/flow/mflow/mflow_format.hpp"
#include "mamori/flow/output/flow_writer.hpp"

namespace mamori::flow {

struct MflowWriterOptions {
  mflow::Codec codec = mflow::Codec::zstd;
  // zstd: 1..19 (3 is zstd's default); ignored by lz4.
  int level = 3;
  // Records per block: larger blocks compress better, smaller blocks let
  // scans skip more precisely and bound reader memory.
  std::uint32_t block_records = 65536;
  // Byte-transpose multi-byte columns before compression.
  bool shuffle = true;
};

Result<mflow::Codec> parse_mflow_codec(std::string_view name);

// "-" writes to standard output, which must not be a terminal.
Result<std::unique_ptr<FlowWriter>> open_mflow_writer(const std::string& path, MflowWriterOptions options = {});
// Writes into an already opened output (tests, pipes).
Result<std::unique_ptr<FlowWriter>> make_mflow_writer(OutputFile out, MflowWriterOptions options = {});

}  // namespace mamori::flow
