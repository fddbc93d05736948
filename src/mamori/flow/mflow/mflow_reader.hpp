#pragma once
// Reads .mflow files block by block. A block's columns are decompressed only
// when asked for (MflowBlock::require), so a scan pays only for the columns
// its filter and output use. Structural damage stops the scan with an error
// naming the byte offset; every block before it has been delivered.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "mamori/core/byte_reader.hpp"
#include "mamori/core/result.hpp"
#include "mamori/flow/flow_record.hpp"
#include "mamori/flow/mflow/column_batch.hpp"

namespace mamori::flow {

struct MflowFileInfo {
  std::uint16_t version_major = 0;
  std::uint16_t version_minor = 0;
  std::uint32_t flags = 0;
  std::uint32_t block_records = 0;  // the writer's block size setting
};

struct MflowReadStats {
  std::uint64_t blocks = 0;          // blocks whose header was read
  std::uint64_t records = 0;         // records in those blocks
  std::uint64_t chunks_decoded = 0;  // column chunks verified and decompressed
  std::uint64_t bytes_decoded = 0;   // stored bytes of those chunks
};

class MflowReader;

// The current block of a reader. Valid until the reader moves on.
class MflowBlock final : public ColumnSource {
 public:
  std::size_t size() const noexcept override { return columns_.size; }
  // Decodes the given columns (and the columns they are stored relative to).
  // Columns absent from the block read as FlowRecord's defaults.
  Status require(ColumnSet columns) override;
  const FlowColumns& columns() const noexcept override { return columns_; }
  const BlockStats* stats() const noexcept override { return &stats_; }

  std::uint64_t file_offset() const noexcept { return offset_; }
  // Stored (compressed) size of a column in this block, 0 when absent or constant.
  std::uint64_t stored_size(FlowField field) const noexcept;
  std::uint64_t number() const noexcept { return number_; }

  // Decodes every column and appends all rows, or the listed rows, as records.
  Status append_records(std::vector<FlowRecord>& out);
  Status append_records(std::vector<FlowRecord>& out, std::span<const std::uint32_t> rows);

  MflowBlock();
  ~MflowBlock() override;
  MflowBlock(const MflowBlock&) = delete;
  MflowBlock& operator=(const MflowBlock&) = delete;

 private:
  friend class MflowReader;
  Status decode(FlowField field);

  struct State;
  std::unique_ptr<State> state_;
  FlowColumns columns_;
  BlockStats stats_;
  std::uint64_t offset_ = 0;
  std::uint64_t number_ = 0;
  MflowReadStats* read_stats_ = nullptr;
};

class MflowReader {
 public:
  // "-" reads standard input; regular files are memory-mapped.
  static Result<MflowReader> open(const std::string& path);
  // Reads from a caller-owned buffer that must outlive the reader.
  static Result<MflowReader> open_memory(Bytes data);

  MflowReader(MflowReader&&) noexcept;
  MflowReader& operator=(MflowReader&&) noexcept;
  ~MflowReader();

  // Moves to the next block: true when block() holds one, false after the
  // footer has been verified. Errors are sticky for structural damage.
  Result<bool> next_block();
  MflowBlock& block() noexcept;

  // Convenience for record consumers: clears `out`, fills it with the next
  // block's records and returns their number (0 at the end).
  Result<std::size_t> next_batch(std::vector<FlowRecord>& out);

  const MflowFileInfo& info() const noexcept;
  const MflowReadStats& stats() const noexcept;
  const std::string& name() const noexcept;

 private:
  struct Impl;
  explicit MflowReader(std::unique_ptr<Impl> impl);
  static Result<MflowReader> start(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mamori::flow
