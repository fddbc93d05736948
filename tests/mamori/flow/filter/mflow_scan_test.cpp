#include "mamori/flow/filter/mflow_scan.hpp"

#include <gtest/gtest.h>

#include <cstdio>

#include "../mflow/mflow_test_util.hpp"
#include "../mflow/random_flows.hpp"

namespace mamori::flow {
namespace {

using testing::random_flows;
using testing::temp_path;
using testing::write_mflow;

TEST(MflowLazy, ScanDecodesOnlyTheColumnsTheFilterNeeds) {
  auto flows = random_flows(4000, 11);
  const std::string path = temp_path("lazy");
  ASSERT_TRUE(write_mflow(path, flows, {.block_records = 1000}));
  auto count_chunks = [&](std::string_view expr, std::size_t* matched) {
    auto reader = MflowReader::open(path);
    EXPECT_TRUE(reader);
    auto filter = Filter::compile(expr);
    EXPECT_TRUE(filter) << filter.error().message;
    MflowScan scan(*reader, &*filter);
    std::vector<FlowRecord> batch;
    *matched = 0;
    for (;;) {
      auto n = scan.next_batch(batch);
      EXPECT_TRUE(n);
      if (!n || *n == 0) break;
      *matched += *n;
    }
    return reader->stats().chunks_decoded;
  };
  std::size_t matched = 0;
  // Protocol 99 is absent: the block statistics settle every block.
  EXPECT_EQ(count_chunks("proto 99", &matched), 0u);
  EXPECT_EQ(matched, 0u);
  // An absent address: only the source address column of each block.
  EXPECT_EQ(count_chunks("src ip 203.0.113.9", &matched), 4u);
  EXPECT_EQ(matched, 0u);
  // Proto settled by statistics first, so the address column is not even decoded.
  EXPECT_EQ(count_chunks("src ip 203.0.113.9 and proto 99", &matched), 0u);
  // A match decodes everything for the blocks that have one.
  std::size_t expected = 0;
  for (const auto& f : flows) expected += f.dst_port == 22;
  auto chunks = count_chunks("dst port 22", &matched);
  EXPECT_EQ(matched, expected);
  EXPECT_EQ(chunks, 4u * mflow::kMaxColumnId);
  std::remove(path.c_str());
}

TEST(MflowLazy, SparseAndDenseSelectionsDeliverExactRecordsForEveryEncoding) {
  auto flows = random_flows(3000, 12);
  const MflowWriterOptions encodings[] = {
      {.codec = mflow::Codec::zstd, .block_records = 1000, .shuffle = true},
      {.codec = mflow::Codec::lz4, .block_records = 700, .shuffle = false},
      {.codec = mflow::Codec::none, .block_records = 3000, .shuffle = true},
  };
  // Selective filters take the sparse path (only selected rows decoded), broad ones the dense path.
  const char* filters[] = {"dst port 22", "proto udp", "ipv6 and bytes > 10000", "not proto icmp", "flags S"};
  for (const auto& options : encodings) {
    const std::string path = temp_path("sparse");
    ASSERT_TRUE(write_mflow(path, flows, options));
    for (const char* expr : filters) {
      auto filter = Filter::compile(expr);
      ASSERT_TRUE(filter);
      auto reader = MflowReader::open(path);
      ASSERT_TRUE(reader);
      MflowScan scan(*reader, &*filter);
      std::vector<FlowRecord> got, batch;
      for (;;) {
        auto n = scan.next_batch(batch);
        ASSERT_TRUE(n) << n.error().message;
        if (*n == 0) break;
        got.insert(got.end(), batch.begin(), batch.end());
      }
      std::vector<FlowRecord> want;
      for (const auto& f : flows)
        if (filter->matches(f)) want.push_back(f);
      EXPECT_EQ(got, want) << expr << " codec " << static_cast<int>(options.codec);
    }
    std::remove(path.c_str());
  }
}

}  // namespace
}  // namespace mamori::flow
