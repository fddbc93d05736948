#include <gtest/gtest.h>

#include <cstdio>

#include "../mflow/mflow_test_util.hpp"
#include "../mflow/random_flows.hpp"
#include "mamori/flow/filter/filter.hpp"
#include "mamori/flow/filter/mflow_scan.hpp"

namespace mamori::flow {
namespace {

// Expressions over every operand and operator; some are settled by block
// statistics, some need columns, some match nothing or everything.
std::vector<std::string> expressions(const std::vector<FlowRecord>& flows) {
  const std::string a = flows[3].src_addr.to_string();
  const std::string b = flows[10].dst_addr.to_string();
  std::string v6;
  for (const auto& f : flows)
    if (!f.src_addr.is_v4()) {
      v6 = f.src_addr.to_string();
      break;
    }
  return {
      "any",
      "proto 99",
      "proto tcp",
      "not proto tcp",
      "proto udp or proto icmp",
      "ipv4",
      "ipv6",
      "src ip " + a,
      "ip " + b,
      "dst ip " + b + " or src ip " + a,
      "src ip " + v6,
      "net 10.0.0.0/16",
      "src net 10.0.0.0/12 and dst net 10.0.0.0/10",
      "net 10.0.0.0 255.255.0.0",
      "dst net 2001:db8::/32",
      "ip in [ " + a + " " + b + " 10.0.1.0/24 ]",
      "port 443",
      "src port 443",
      "dst port in [ 22 25 53 ]",
      "port > 60000",
      "src port <= 1024",
      "dst port >= 8080 and dst port < 8081",
      "packets > 1000",
      "packets < 10",
      "bytes >= 100k",
      "bytes 0",
      "bytes > 10g",
      "duration > 60000",
      "duration 0",
      "pps > 100",
      "bps > 1m",
      "bpp < 100",
      "bpp > 1400",
      "flags S",
      "flags SA and not flags F",
      "flags X",
      "tos > 0",
      "if 3",
      "in if 2 and out if 5",
      "icmp-type 3",
      "icmp-type 0 or icmp-code 2",
      "not (proto tcp and port 443) and bytes > 1k",
      "(proto udp and dst port 53) or (proto tcp and flags R)",
      "src and dst net 10.0.0.0/8",
      "src or dst port 80",
      "not any",
  };
}

void expect_selection_agrees(const Filter& f, const Selection& sel, std::span<const FlowRecord> flows,
                             const std::string& what) {
  ASSERT_EQ(sel.size(), flows.size()) << what;
  for (std::size_t i = 0; i < flows.size(); ++i)
    ASSERT_EQ(sel.test(i), f.matches(flows[i])) << what << " row " << i << "\n" << f.describe();
}

TEST(FilterVectorised, RecordBatchAgreesWithPerRecordMatching) {
  auto flows = testing::random_flows(4000, 21);
  for (const std::string& e : expressions(flows)) {
    auto f = Filter::compile(e);
    ASSERT_TRUE(f) << e << ": " << f.error().message;
    RecordColumns batch(flows);
    Selection sel;
    ASSERT_TRUE(f->select(batch, sel)) << e;
    expect_selection_agrees(*f, sel, flows, e);
    // Only the filter's columns were transposed.
    EXPECT_EQ(batch.columns().loaded & ~f->columns(), 0u) << e;
  }
}

TEST(FilterVectorised, MflowBlocksAgreeWithPerRecordMatching) {
  auto flows = testing::random_flows(6000, 22);
  // Blocks of uniform protocol let statistics settle whole blocks.
  std::stable_sort(flows.begin(), flows.begin() + 3000, [](const FlowRecord& x, const FlowRecord& y) {
    return x.proto < y.proto;
  });
  const std::string path = testing::temp_path("vectorised");
  ASSERT_TRUE(testing::write_mflow(path, flows, {.block_records = 500}));
  std::size_t nonempty_expressions = 0;
  for (const std::string& e : expressions(flows)) {
    auto f = Filter::compile(e);
    ASSERT_TRUE(f) << e;
    auto reader = MflowReader::open(path);
    ASSERT_TRUE(reader);
    std::size_t row = 0, matched = 0;
    Selection sel;
    for (;;) {
      auto more = reader->next_block();
      ASSERT_TRUE(more) << more.error().message;
      if (!*more) break;
      MflowBlock& block = reader->block();
      ASSERT_TRUE(f->select(block, sel)) << e;
      expect_selection_agrees(*f, sel, std::span(flows).subspan(row, block.size()), e);
      row += block.size();
      matched += sel.count();
    }
    EXPECT_EQ(row, flows.size());
    nonempty_expressions += matched > 0;

    // And the scan delivers exactly the matching records in order.
    auto again = MflowReader::open(path);
    ASSERT_TRUE(again);
    MflowScan scan(*again, &*f);
    std::vector<FlowRecord> got, batch;
    for (;;) {
      auto n = scan.next_batch(batch);
      ASSERT_TRUE(n);
      if (*n == 0) break;
      got.insert(got.end(), batch.begin(), batch.end());
    }
    std::vector<FlowRecord> want;
    for (const auto& r : flows)
      if (f->matches(r)) want.push_back(r);
    EXPECT_EQ(got, want) << e;
    EXPECT_EQ(scan.stats().records_matched, want.size());
  }
  // The differential test is only meaningful if most expressions select something.
  EXPECT_GT(nonempty_expressions, 35u);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace mamori::flow
