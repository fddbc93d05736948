#include "mamori/detect/bounded_table.hpp"

#include <gtest/gtest.h>

#include "mamori/detect/evidence.hpp"

namespace mamori::detect {
namespace {

struct IntHash {
  std::size_t operator()(int v) const noexcept { return static_cast<std::size_t>(v) * 0x9e3779b97f4a7c15ULL; }
};

TEST(BoundedTable, EvictsAnEntryNotUsedSinceTheHandPassed) {
  BoundedTable<int, int, IntHash> t(3);
  std::vector<std::pair<int, int>> evicted;
  const auto on_evict = [&](const int& k, int& v) { evicted.emplace_back(k, v); };
  bool inserted = false;
  for (int k = 1; k <= 3; ++k) t.find_or_insert(k, inserted, on_evict) = k * 10;
  ASSERT_NE(t.find(1), nullptr);  // 1 is used again; 2 and 3 are not: 2 is first in line
  t.find_or_insert(4, inserted, on_evict) = 40;
  EXPECT_TRUE(inserted);
  ASSERT_EQ(evicted.size(), 1u);
  EXPECT_EQ(evicted[0], (std::pair<int, int>{2, 20}));
  EXPECT_EQ(t.find(2), nullptr);
  EXPECT_EQ(*t.find(4), 40) << "a reused slot starts value-initialised, then holds the new value";
  EXPECT_EQ(t.size(), 3u);
  EXPECT_EQ(t.evictions(), 1u);
  int& again = t.find_or_insert(3, inserted, on_evict);
  EXPECT_FALSE(inserted);
  EXPECT_EQ(again, 30);
  // Now 4 (looked up above), 3 and 1 have all been used since the hand passed:
  // it clears each once and takes the first it meets again, 3 (the hand stood at it).
  ASSERT_NE(t.find(1), nullptr);
  t.find_or_insert(5, inserted, on_evict);
  ASSERT_EQ(evicted.size(), 2u);
  EXPECT_EQ(evicted[1].first, 3);
  // 5 is new and unused, 1 and 4 lost their chance: the next insert takes 1, where the hand now stands.
  t.find_or_insert(6, inserted, on_evict);
  ASSERT_EQ(evicted.size(), 3u);
  EXPECT_EQ(evicted[2].first, 1);
}

TEST(BoundedTable, ARepeatedlyUsedKeySurvivesAStreamOfNewOnes) {
  BoundedTable<int, int, IntHash> t(100);
  bool inserted = false;
  const auto ignore = [](const int&, int&) {};
  t.find_or_insert(-1, inserted, ignore) = 7;
  for (int k = 0; k < 100000; ++k) {
    t.find_or_insert(k, inserted, ignore);
    if (k % 50 == 0) {
      ASSERT_NE(t.find(-1), nullptr) << k;  // used more often than the hand comes round
    }
  }
  EXPECT_EQ(*t.find(-1), 7);
}

TEST(BoundedTable, ManyKeysStayWithinCapacityAndFindable) {
  BoundedTable<int, int, IntHash> t(1000);
  bool inserted = false;
  for (int k = 0; k < 100000; ++k) t.find_or_insert(k, inserted, [](const int&, int&) {}) = k;
  EXPECT_EQ(t.size(), 1000u);
  EXPECT_EQ(t.evictions(), 99000u);
  for (int k = 99000; k < 100000; ++k) ASSERT_NE(t.find(k), nullptr) << k;  // the last 1000 survive
  EXPECT_EQ(t.find(98999), nullptr);
  std::size_t visited = 0;
  t.for_each([&](const int& k, int& v) {
    EXPECT_EQ(k, v);
    ++visited;
  });
  EXPECT_EQ(visited, 1000u);
}

TEST(Evidence, ExactFewPeersAndAnEstimateForMany) {
  Evidence e;
  flow::FlowRecord f;
  f.start_ns = 10;
  f.end_ns = 20;
  f.bytes = 100;
  f.packets = 1;
  f.proto = 6;
  for (int i = 0; i < 3; ++i) e.add(f, IpAddress::v4(static_cast<std::uint32_t>(i % 2)), 443);
  EXPECT_EQ(e.distinct_peers(), 2u);
  Finding out;
  e.fill(out);
  EXPECT_EQ(out.flows, 3u);
  EXPECT_EQ(out.bytes, 300u);
  EXPECT_EQ(out.sample_peers.size(), 2u);
  EXPECT_EQ(out.ports, (std::vector<std::uint16_t>{443}));
  for (std::uint32_t i = 0; i < 1000; ++i) e.add(f, IpAddress::v4(0x0a000000u + i), 443);
  EXPECT_NEAR(static_cast<double>(e.distinct_peers()), 1002.0, 100.0);
}

}  // namespace
}  // namespace mamori::detect
