#pragma once
// A batch of flows held column by column. Scans over .mflow files materialise
// only the columns a query touches, so filters and aggregations are written
// against this view instead of against FlowRecord.
#include <cstdint>
#include <span>
#include <vector>

#include "mamori/core/ip_address.hpp"
#include "mamori/core/result.hpp"
#include "mamori/flow/flow_fields.hpp"
#include "mamori/flow/flow_record.hpp"

namespace mamori::flow {

// One bit per FlowField.
using ColumnSet = std::uint32_t;

constexpr ColumnSet column_bit(FlowField field) noexcept { return ColumnSet{1} << static_cast<unsigned>(field); }
inline constexpr ColumnSet kAllColumns = (ColumnSet{1} << kFlowFieldCount) - 1;

// Per-block summaries that let a scan decide a predicate for a whole block
// without touching its columns.
struct BlockStats {
  TimeNs start_min = 0, start_max = 0;
  TimeNs end_min = 0, end_max = 0;
  std::uint64_t packets_min = 0, packets_max = 0;
  std::uint64_t bytes_min = 0, bytes_max = 0;
  std::uint16_t src_port_min = 0, src_port_max = 0;
  std::uint16_t dst_port_min = 0, dst_port_max = 0;
  std::uint8_t tcp_flags_or = 0;   // union of all flows' flags
  std::uint8_t tcp_flags_and = 0;  // flags every flow has
  std::uint8_t families = 0;       // kSrcHasV4 | kSrcHasV6 | kDstHasV4 | kDstHasV6
  std::uint8_t protos[32] = {};    // bitmap of protocol numbers present

  static constexpr std::uint8_t kSrcHasV4 = 1, kSrcHasV6 = 2, kDstHasV4 = 4, kDstHasV6 = 8;

  bool has_proto(std::uint8_t p) const noexcept { return (protos[p >> 3] >> (p & 7)) & 1; }
  static BlockStats compute(std::span<const FlowRecord> flows) noexcept;
  friend bool operator==(const BlockStats&, const BlockStats&) = default;
};

// Decoded columns. Only the columns in `loaded` hold `size` values; the
// others are stale and must not be read.
struct FlowColumns {
  std::size_t size = 0;
  ColumnSet loaded = 0;
  std::vector<TimeNs> start_ns, end_ns;
  std::vector<IpAddress> src_addr, dst_addr, exporter;
  std::vector<std::uint64_t> packets, bytes, raw_packets, raw_bytes;
  std::vector<std::uint32_t> observation_domain, sampling_rate, input_if, output_if;
  std::vector<std::uint16_t> src_port, dst_port;
  std::vector<std::uint8_t> proto, tcp_flags, tos, direction, source, locality;

  bool has(ColumnSet columns) const noexcept { return (loaded & columns) == columns; }
  // Copies the loaded columns of row `i` into `out` (other fields untouched).
  void fill_record(std::size_t i, FlowRecord& out) const noexcept;
  // Fills `columns` from records (what a decoder would produce).
  void load_from(std::span<const FlowRecord> flows, ColumnSet columns);
};

// Something that can produce columns of one batch on request: a decoded
// .mflow block, or a span of records. `require` may fail (corrupt column).
class ColumnSource {
 public:
  virtual ~ColumnSource() = default;
  virtual std::size_t size() const noexcept = 0;
  virtual Status require(ColumnSet columns) = 0;
  virtual const FlowColumns& columns() const noexcept = 0;
  // Summary of the batch when the source has one (mflow blocks do).
  virtual const BlockStats* stats() const noexcept { return nullptr; }
};

// Adapts a span of records; columns are transposed on first request.
class RecordColumns final : public ColumnSource {
 public:
  explicit RecordColumns(std::span<const FlowRecord> flows) : flows_(flows) { columns_.size = flows.size(); }
  std::size_t size() const noexcept override { return flows_.size(); }
  Status require(ColumnSet columns) override {
    columns_.load_from(flows_, columns & ~columns_.loaded);
    return {};
  }
  const FlowColumns& columns() const noexcept override { return columns_; }

 private:
  std::span<const FlowRecord> flows_;
  FlowColumns columns_;
};

}  // namespace mamori::flow
