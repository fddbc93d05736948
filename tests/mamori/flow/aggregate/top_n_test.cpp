#include "mamori/flow/aggregate/top_n.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>

#include "../mflow/mflow_test_util.hpp"
#include "mamori/flow/aggregate/counter_map.hpp"
#include "../mflow/random_flows.hpp"

namespace mamori::flow {
namespace {

using Key = std::tuple<IpAddress, IpAddress, std::uint32_t>;

Key key_of(TopKey k, const FlowRecord& f) {
  switch (k) {
    case TopKey::src_ip: return {f.src_addr, {}, 0};
    case TopKey::dst_ip: return {f.dst_addr, {}, 0};
    case TopKey::pair: return {f.src_addr, f.dst_addr, 0};
    case TopKey::src_port: return {{}, {}, f.src_port};
    case TopKey::dst_port: return {{}, {}, f.dst_port};
    case TopKey::proto: return {{}, {}, f.proto};
  }
  return {};
}

Key key_of(TopKey k, const TopRow& r) {
  switch (k) {
    case TopKey::src_ip:
    case TopKey::dst_ip: return {r.src, {}, 0};
    case TopKey::pair: return {r.src, r.dst, 0};
    default: return {{}, {}, r.number};
  }
}

// The obvious implementation: a std::map and a full sort.
std::vector<TopRow> naive(std::span<const FlowRecord> flows, TopKey k, TopOrder o, std::size_t n, const Filter* f) {
  std::map<Key, FlowCounters> m;
  for (const auto& r : flows) {
    if (f && !f->matches(r)) continue;
    auto& c = m[key_of(k, r)];
    c.flows++;
    c.packets += r.packets;
    c.bytes += r.bytes;
  }
  std::vector<std::pair<Key, FlowCounters>> v(m.begin(), m.end());
  auto metric = [&](const FlowCounters& c) { return o == TopOrder::flows ? c.flows : o == TopOrder::packets ? c.packets : c.bytes; };
  std::sort(v.begin(), v.end(), [&](const auto& a, const auto& b) {
    if (metric(a.second) != metric(b.second)) return metric(a.second) > metric(b.second);
    return a.first < b.first;
  });
  if (n != 0 && v.size() > n) v.resize(n);
  std::vector<TopRow> rows;
  for (const auto& [key, c] : v) {
    TopRow r;
    r.src = std::get<0>(key);
    r.dst = std::get<1>(key);
    r.number = std::get<2>(key);
    r.flows = c.flows;
    r.packets = c.packets;
    r.bytes = c.bytes;
    rows.push_back(r);
  }
  return rows;
}

void expect_rows(const TopNResult& got, const std::vector<TopRow>& want, TopKey k, const std::string& what) {
  ASSERT_EQ(got.rows.size(), want.size()) << what;
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(key_of(k, got.rows[i]), key_of(k, want[i])) << what << " row " << i;
    EXPECT_EQ(got.rows[i].flows, want[i].flows) << what << " row " << i;
    EXPECT_EQ(got.rows[i].packets, want[i].packets) << what << " row " << i;
    EXPECT_EQ(got.rows[i].bytes, want[i].bytes) << what << " row " << i;
  }
}

const TopKey kKeys[] = {TopKey::src_ip, TopKey::dst_ip, TopKey::src_port, TopKey::dst_port, TopKey::proto,
                        TopKey::pair};
const TopOrder kOrders[] = {TopOrder::flows, TopOrder::packets, TopOrder::bytes};

std::vector<FlowRecord> bounded_flows(std::size_t n, std::uint64_t seed) {
  // Without the edge values, so that byte sums do not wrap.
  return testing::random_flows(n, seed, {.ipv6 = true, .edge_values = false, .hosts = 3000});
}

TEST(TopN, RecordsAgreeWithANaiveMap) {
  auto flows = bounded_flows(20000, 31);
  auto filter = Filter::compile("proto tcp or proto udp");
  ASSERT_TRUE(filter);
  for (TopKey k : kKeys)
    for (TopOrder o : kOrders)
      for (std::size_t n : {std::size_t{1}, std::size_t{10}, std::size_t{0}})
        for (const Filter* f : {static_cast<const Filter*>(nullptr), static_cast<const Filter*>(&*filter)}) {
          std::string what = fmt::format("{}/{} n={} filter={}", top_key_name(k), top_order_name(o), n, f != nullptr);
          expect_rows(top_n(flows, k, o, n, f), naive(flows, k, o, n, f), k, what);
        }
}

TEST(TopN, MflowAgreesWithRecordsAndDecodesOnlyItsColumns) {
  auto flows = bounded_flows(9000, 32);
  const std::string path = testing::temp_path("topn");
  ASSERT_TRUE(testing::write_mflow(path, flows, {.block_records = 1000}));
  auto filter = Filter::compile("dst port 443 or dst port 53");
  ASSERT_TRUE(filter);
  for (TopKey k : kKeys)
    for (TopOrder o : kOrders)
      for (const Filter* f : {static_cast<const Filter*>(nullptr), static_cast<const Filter*>(&*filter)}) {
        std::string what = fmt::format("{}/{} filter={}", top_key_name(k), top_order_name(o), f != nullptr);
        auto reader = MflowReader::open(path);
        ASSERT_TRUE(reader);
        auto got = top_n(*reader, k, o, 10, f);
        ASSERT_TRUE(got) << got.error().message;
        expect_rows(*got, naive(flows, k, o, 10, f), k, what);
        TopNAggregator agg(k, o);
        ColumnSet cols = agg.columns() | (f ? f->columns() : 0);
        EXPECT_EQ(reader->stats().chunks_decoded, 9u * static_cast<unsigned>(std::popcount(cols))) << what;
      }
  // Only the order column when the other counters are not wanted.
  auto reader = MflowReader::open(path);
  ASSERT_TRUE(reader);
  auto got = top_n(*reader, TopKey::src_ip, TopOrder::bytes, 10, nullptr, {.all_counters = false});
  ASSERT_TRUE(got);
  EXPECT_EQ(reader->stats().chunks_decoded, 9u * 2);
  EXPECT_EQ(got->rows[0].packets, 0u);
  EXPECT_EQ(got->rows[0].bytes, naive(flows, TopKey::src_ip, TopOrder::bytes, 1, nullptr)[0].bytes);
  std::remove(path.c_str());
}

TEST(TopN, SharesTotalsAndTies) {
  std::vector<FlowRecord> flows;
  auto add = [&](const char* src, std::uint64_t bytes) {
    FlowRecord f;
    f.src_addr = *IpAddress::parse(src);
    f.bytes = bytes;
    f.packets = 1;
    flows.push_back(f);
  };
  add("10.0.0.2", 300);
  add("10.0.0.1", 300);  // tie with 10.0.0.2: ascending address first
  add("10.0.0.3", 100);
  add("10.0.0.3", 200);  // 10.0.0.3 totals 300 as well, over two flows
  add("2001:db8::1", 1100);
  auto r = top_n(flows, TopKey::src_ip, TopOrder::bytes, 3);
  EXPECT_EQ(r.total_bytes, 2000u);
  EXPECT_EQ(r.total_flows, 5u);
  EXPECT_EQ(r.distinct_keys, 4u);
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(format_top_key(r.key, r.rows[0]), "2001:db8::1");
  EXPECT_DOUBLE_EQ(r.rows[0].share, 0.55);
  EXPECT_EQ(format_top_key(r.key, r.rows[1]), "10.0.0.1");
  EXPECT_EQ(format_top_key(r.key, r.rows[2]), "10.0.0.2");
  EXPECT_DOUBLE_EQ(r.rows[2].share, 0.15);
  auto by_flows = top_n(flows, TopKey::src_ip, TopOrder::flows, 1);
  EXPECT_EQ(format_top_key(by_flows.key, by_flows.rows[0]), "10.0.0.3");
  EXPECT_EQ(by_flows.rows[0].flows, 2u);
  auto pairs = top_n(flows, TopKey::pair, TopOrder::bytes, 1);
  EXPECT_EQ(format_top_key(pairs.key, pairs.rows[0]), "2001:db8::1 -> ::");
  auto empty = top_n(std::span<const FlowRecord>{}, TopKey::proto, TopOrder::bytes, 10);
  EXPECT_TRUE(empty.rows.empty());
  EXPECT_EQ(empty.total_flows, 0u);
}

TEST(TopN, ManyDistinctKeysGrowTheTable) {
  std::vector<FlowRecord> flows(200000);
  for (std::size_t i = 0; i < flows.size(); ++i) {
    flows[i].src_addr = IpAddress::v4(static_cast<std::uint32_t>(i * 2654435761u));
    flows[i].bytes = i;
    flows[i].packets = 1;
  }
  auto r = top_n(flows, TopKey::src_ip, TopOrder::bytes, 5);
  EXPECT_EQ(r.distinct_keys, flows.size());
  ASSERT_EQ(r.rows.size(), 5u);
  EXPECT_EQ(r.rows[0].bytes, flows.size() - 1);
  EXPECT_EQ(r.rows[4].bytes, flows.size() - 5);
}

TEST(TopN, ParsesNfdumpNames) {
  EXPECT_EQ(*parse_top_key("srcip"), TopKey::src_ip);
  EXPECT_EQ(*parse_top_key("dstport"), TopKey::dst_port);
  EXPECT_EQ(*parse_top_order("bytes"), TopOrder::bytes);
  EXPECT_FALSE(parse_top_key("srcas"));
  EXPECT_FALSE(parse_top_order("bpp"));
}

}  // namespace
}  // namespace mamori::flow
