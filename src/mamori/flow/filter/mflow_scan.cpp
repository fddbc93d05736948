#include "mamori/flow/filter/mflow_scan.hpp"

namespace mamori::flow {

Result<std::size_t> MflowScan::next_batch(std::vector<FlowRecord>& out) {
  out.clear();
  for (;;) {
    auto more = reader_.next_block();
    if (!more) return tl::unexpected(more.error());
    if (!*more) return std::size_t{0};
    MflowBlock& block = reader_.block();
    ++stats_.blocks;
    stats_.records_scanned += block.size();
    if (filter_ == nullptr || filter_->matches_everything()) {
      if (auto s = block.append_records(out); !s) return tl::unexpected(s.error());
    } else {
      if (auto s = filter_->select(block, selection_); !s) return tl::unexpected(s.error());
      const std::size_t hits = selection_.count();
      if (hits == 0) {
        ++stats_.blocks_without_match;
        continue;
      }
      if (hits == block.size()) {
        if (auto s = block.append_records(out); !s) return tl::unexpected(s.error());
      } else {
        selection_.to_indices(rows_);
        if (auto s = block.append_records(out, rows_); !s) return tl::unexpected(s.error());
      }
    }
    stats_.records_matched += out.size();
    return out.size();
  }
}

}  // namespace mamori::flow
