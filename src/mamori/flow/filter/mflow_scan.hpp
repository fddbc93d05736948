#pragma once
// Reads the records of an .mflow file that match a filter. Blocks the filter
// rejects from their statistics, or from the few columns it reads, are never
// decoded further.
#include <cstdint>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/flow/filter/filter.hpp"
#include "mamori/flow/mflow/mflow_reader.hpp"

namespace mamori::flow {

struct ScanStats {
  std::uint64_t blocks = 0;
  std::uint64_t blocks_without_match = 0;
  std::uint64_t records_scanned = 0;
  std::uint64_t records_matched = 0;
};

class MflowScan {
 public:
  // Both must outlive the scan; a null filter matches everything.
  MflowScan(MflowReader& reader, const Filter* filter) : reader_(reader), filter_(filter) {}

  // Clears `out` and fills it with the matching records of the next block
  // that has any; returns their number, 0 at the end of the file.
  Result<std::size_t> next_batch(std::vector<FlowRecord>& out);

  const ScanStats& stats() const noexcept { return stats_; }

 private:
  MflowReader& reader_;
  const Filter* filter_;
  Selection selection_;
  std::vector<std::uint32_t> rows_;
  ScanStats stats_;
};

}  // namespace mamori::flow
