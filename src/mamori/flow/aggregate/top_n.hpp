#pragma once
// Top-N statistics like `nfdump -s srcip/bytes -n 10`: flows, packets and
// bytes per key, the N largest by the chosen order. Over .mflow files only
// the key, counter and filter columns are decoded.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mamori/core/ip_address.hpp"
#include "mamori/core/result.hpp"
#include "mamori/flow/filter/filter.hpp"
#include "mamori/flow/mflow/column_batch.hpp"
#include "mamori/flow/mflow/mflow_reader.hpp"

namespace mamori::flow {

enum class TopKey : std::uint8_t { src_ip, dst_ip, src_port, dst_port, proto, pair };
enum class TopOrder : std::uint8_t { flows, packets, bytes };

// srcip, dstip, srcport, dstport, proto, pair (nfdump's names; src_ip etc. also accepted).
Result<TopKey> parse_top_key(std::string_view name);
Result<TopOrder> parse_top_order(std::string_view name);
std::string_view top_key_name(TopKey key) noexcept;
std::string_view top_order_name(TopOrder order) noexcept;

struct TopRow {
  IpAddress src;             // srcip/dstip: the address; pair: the source
  IpAddress dst;             // pair: the destination
  std::uint32_t number = 0;  // srcport/dstport/proto: the port or protocol number
  std::uint64_t flows = 0;
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  double share = 0;  // this row's part of the total of the order metric, 0..1
};

struct TopNResult {
  TopKey key = TopKey::src_ip;
  TopOrder order = TopOrder::bytes;
  std::vector<TopRow> rows;  // largest first; ties by ascending key
  std::uint64_t total_flows = 0;
  std::uint64_t total_packets = 0;
  std::uint64_t total_bytes = 0;
  std::uint64_t distinct_keys = 0;
};

// The key as text: "192.0.2.1", "192.0.2.1 -> 2001:db8::1", "443", "6".
std::string format_top_key(TopKey key, const TopRow& row);

struct TopNOptions {
  // Decode packets and bytes for every row. When false only the order
  // column is decoded and the other counters read 0.
  bool all_counters = true;
};

class TopNAggregator {
 public:
  TopNAggregator(TopKey key, TopOrder order, TopNOptions options = {});
  TopNAggregator(TopNAggregator&&) noexcept;
  TopNAggregator& operator=(TopNAggregator&&) noexcept;
  ~TopNAggregator();

  // The columns add(ColumnSource&) reads.
  ColumnSet columns() const noexcept;

  void add(const FlowRecord& flow);
  // Adds the rows of a batch (all, or those in `selection`).
  Status add(ColumnSource& batch, const Selection* selection = nullptr);

  // The n largest keys (n == 0: all of them).
  TopNResult result(std::size_t n) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Aggregates the flows of an .mflow file that match `filter` (null: all).
Result<TopNResult> top_n(MflowReader& source, TopKey key, TopOrder order, std::size_t n,
                         const Filter* filter = nullptr, TopNOptions options = {});
TopNResult top_n(std::span<const FlowRecord> source, TopKey key, TopOrder order, std::size_t n,
                 const Filter* filter = nullptr);

}  // namespace mamori::flow
