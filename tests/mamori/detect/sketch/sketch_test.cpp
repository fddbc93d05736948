#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <unordered_map>
#include <vector>

#include "mamori/detect/sketch/bounded_table.hpp"
#include "mamori/detect/sketch/doubling_histogram.hpp"
#include "mamori/detect/sketch/first_contact_filter.hpp"
#include "mamori/detect/sketch/hash.hpp"
#include "mamori/detect/sketch/heavy_hitters.hpp"
#include "mamori/detect/sketch/hyperloglog.hpp"
#include "mamori/detect/sketch/reservoir.hpp"
#include "mamori/detect/sketch/robust_stats.hpp"

namespace mamori::detect::sketch {
namespace {

TEST(HyperLogLog, CountsExactlyWhileSmall) {
  HyperLogLog<6> h;
  for (int round = 0; round < 3; ++round)
    for (std::uint64_t i = 0; i < 16; ++i) h.add(mix64(i));
  EXPECT_TRUE(h.exact());
  EXPECT_EQ(h.count(), 16u);
  h.add(mix64(99));
  EXPECT_FALSE(h.exact());
  EXPECT_NEAR(h.estimate(), 17, 4);
  EXPECT_LE(sizeof(HyperLogLog<6>), 68u);
}

template <unsigned P>
void check_error(std::uint64_t n, int trials) {
  double sum_sq = 0, sum = 0;
  for (int t = 0; t < trials; ++t) {
    HyperLogLog<P> h;
    for (std::uint64_t i = 0; i < n; ++i) h.add(mix64((std::uint64_t(t) << 40) + i));
    const double rel = (h.estimate() - static_cast<double>(n)) / static_cast<double>(n);
    sum += rel;
    sum_sq += rel * rel;
  }
  const double rmse = std::sqrt(sum_sq / trials);
  const double bias = sum / trials;
  // The RMSE stays within 1.5 standard errors and the estimator is unbiased to a third of one.
  EXPECT_LT(rmse, 1.5 * HyperLogLog<P>::standard_error()) << "P=" << P << " n=" << n;
  EXPECT_LT(std::fabs(bias), HyperLogLog<P>::standard_error() / 3 + 0.01) << "P=" << P << " n=" << n;
}

TEST(HyperLogLog, ErrorWithinTheoreticalBoundsAcrossRanges) {
  for (std::uint64_t n : {20u, 50u, 200u, 1000u, 10000u, 100000u}) check_error<6>(n, 200);
  for (std::uint64_t n : {100u, 5000u, 200000u}) check_error<10>(n, 60);
  check_error<12>(1'000'000, 10);
}

TEST(HyperLogLog, DuplicatesDoNotCount) {
  HyperLogLog<8> h;
  for (int r = 0; r < 50; ++r)
    for (std::uint64_t i = 0; i < 1000; ++i) h.add(mix64(i));
  EXPECT_NEAR(h.estimate(), 1000, 1000 * 3 * HyperLogLog<8>::standard_error());
}

TEST(Reservoir, KeepsEveryItemWithEqualProbability) {
  // 20 items through a reservoir of 5, 40,000 times: each item should be kept 1/4 of the time.
  constexpr int kItems = 20, kTrials = 40000;
  std::vector<int> kept(kItems, 0);
  SplitMix64 rng(7);
  for (int t = 0; t < kTrials; ++t) {
    Reservoir<int, 5> r;
    for (int i = 0; i < kItems; ++i) r.add(i, rng);
    ASSERT_EQ(r.size(), 5u);
    for (int v : r.items()) ++kept[v];
  }
  const double expected = kTrials * 5.0 / kItems;
  double chi2 = 0;
  for (int c : kept) chi2 += (c - expected) * (c - expected) / expected;
  // 19 degrees of freedom: the 99.9th percentile of χ² is 43.8.
  EXPECT_LT(chi2, 43.8);
}

TEST(Reservoir, HoldsAllWhileNotFull) {
  SplitMix64 rng;
  Reservoir<std::uint32_t, 8> r;
  for (std::uint32_t i = 0; i < 5; ++i) r.add(i, rng);
  ASSERT_EQ(r.size(), 5u);
  for (std::uint32_t i = 0; i < 5; ++i) EXPECT_EQ(r.items()[i], i);
  EXPECT_EQ(r.seen(), 5u);
}

TEST(RobustStats, QuartilesSkewAndMad) {
  std::vector<double> v = {10, 10, 10, 10, 10};
  auto d = dispersion(v, 1, 1, 0);
  EXPECT_DOUBLE_EQ(d.median, 10);
  EXPECT_DOUBLE_EQ(d.mad, 0);
  EXPECT_DOUBLE_EQ(d.score, 1);
  // A long right tail: Q1 = 2, Q2 = 3, Q3 = 20 -> skew (2 + 20 - 6) / 18.
  std::vector<double> w = {1, 2, 2, 3, 3, 3, 20, 20, 40};
  d = dispersion(w, 1, 1, 0);
  EXPECT_DOUBLE_EQ(d.median, 3);
  EXPECT_NEAR(d.skew, 16.0 / 18.0, 1e-9);
  EXPECT_DOUBLE_EQ(d.mad, 1);  // |x - 3| = 2 1 1 0 0 0 17 17 37
  EXPECT_NEAR(d.score, ((1 - 16.0 / 18.0) + (3 - 1) / 3.0) / 2, 1e-9);
  // A tight cluster: the IQR below min_iqr leaves the skewness at zero.
  std::vector<double> x = {60, 60.5, 61, 59, 60.2, 64};
  d = dispersion(x, 10, 1, 0);
  EXPECT_DOUBLE_EQ(d.skew, 0);
  EXPECT_GT(d.score, 0.99);
  // A median below min_median takes the given score for the MAD part.
  std::vector<double> y = {0.1, 0.2, 0.3};
  d = dispersion(y, 10, 1, 0);
  EXPECT_DOUBLE_EQ(d.score, 0.5);
}

TEST(BoundedTable, BehavesLikeAMapUnderRandomOperations) {
  BoundedTable<std::uint64_t, std::uint64_t> table(1'000'000);
  std::unordered_map<std::uint64_t, std::uint64_t> reference;
  SplitMix64 rng(3);
  for (int i = 0; i < 200000; ++i) {
    const std::uint64_t key = rng.below(5000);
    const int op = static_cast<int>(rng.below(10));
    if (op < 7) {
      auto [e, inserted] = table.find_or_insert(key, mix64(key), rng, [](const auto&) { return 0; });
      EXPECT_EQ(inserted, !reference.contains(key));
      e->value += 1;
      reference[key] += 1;
    } else if (op < 9) {
      auto* e = table.find(key, mix64(key));
      auto it = reference.find(key);
      ASSERT_EQ(e != nullptr, it != reference.end());
      if (e) {
        EXPECT_EQ(e->value, it->second);
      }
    } else {
      const std::uint64_t bucket = rng.below(7);
      table.erase_if([&](const auto& e) { return e.key % 7 == bucket && e.value % 2 == 0; });
      std::erase_if(reference, [&](const auto& kv) { return kv.first % 7 == bucket && kv.second % 2 == 0; });
    }
  }
  EXPECT_EQ(table.size(), reference.size());
  std::size_t visited = 0;
  table.for_each([&](auto& e) {
    ++visited;
    EXPECT_EQ(reference.at(e.key), e.value);
  });
  EXPECT_EQ(visited, reference.size());
}

TEST(BoundedTable, NeverExceedsItsBoundAndEvictsTheLeastValuable) {
  BoundedTable<std::uint64_t, std::uint64_t> table(1000);
  SplitMix64 rng(5);
  // Keys below 100 are valuable (score 1000); the rest are not.
  auto keep = [](const auto& e) { return e.value; };
  for (std::uint64_t k = 0; k < 100; ++k) table.find_or_insert(k, mix64(k), rng, keep).first->value = 1000;
  for (std::uint64_t k = 100; k < 100000; ++k) {
    table.find_or_insert(k, mix64(k), rng, keep).first->value = 1;
    ASSERT_LE(table.size(), 1000u);
  }
  EXPECT_EQ(table.size(), 1000u);
  EXPECT_EQ(table.evictions(), 100000u - 1000u);
  std::size_t valuable = 0;
  for (std::uint64_t k = 0; k < 100; ++k) valuable += table.find(k, mix64(k)) != nullptr;
  EXPECT_GE(valuable, 95u);  // sampled eviction rarely picks one of them
  table.release();
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.find(5, mix64(5)), nullptr);
}

TEST(DoublingHistogram, MergesExactlyWhenTheWidthDoubles) {
  DoublingHistogram<24> h;
  for (std::uint64_t t = 0; t < 24; ++t) h.add(t, 0);
  EXPECT_EQ(h.counts()[23], 1);
  h.align(1);
  for (std::size_t i = 0; i < 12; ++i) EXPECT_EQ(h.counts()[i], 2);
  for (std::size_t i = 12; i < 24; ++i) EXPECT_EQ(h.counts()[i], 0);
  h.add(47, covering_level<24>(47));
  EXPECT_EQ(h.counts()[23], 1);
  EXPECT_EQ(covering_level<24>(23), 0);
  EXPECT_EQ(covering_level<24>(24), 1);
  EXPECT_EQ(covering_level<24>(24 * 4096 - 1), 12);
}

TEST(FirstContactFilter, RemembersPairsAndKeepsItsFalsePositiveRate) {
  FirstContactFilter filter(100000, 0.01);
  std::size_t false_positives = 0;
  for (std::uint64_t i = 0; i < 100000; ++i) false_positives += filter.test_and_set(mix64(i));
  EXPECT_LT(false_positives, 100000 * 0.01);
  for (std::uint64_t i = 0; i < 100000; ++i) ASSERT_TRUE(filter.test_and_set(mix64(i)));
  // A further generation rotates; what was seen in the previous one is still remembered.
  for (std::uint64_t i = 200000; i < 300000; ++i) filter.test_and_set(mix64(i));
  EXPECT_EQ(filter.rotations(), 1u);
  std::size_t remembered = 0;
  for (std::uint64_t i = 200000; i < 200100; ++i) remembered += filter.test_and_set(mix64(i));
  EXPECT_EQ(remembered, 100u);
}

TEST(FirstContactFilter, OneProbeAdmissionFilterKeepsItsRate) {
  FirstContactFilter filter(200000, 0.05, 1);
  EXPECT_EQ(filter.probes(), 1u);
  std::size_t false_positives = 0;
  for (std::uint64_t i = 0; i < 200000; ++i) false_positives += filter.test_and_set(mix64(i + 7));
  EXPECT_LT(false_positives, 200000 * 0.05);
  for (std::uint64_t i = 0; i < 200000; ++i) ASSERT_TRUE(filter.test_and_set(mix64(i + 7)));
}

TEST(FirstContactFilter, RefreshAnswersWithoutAdmittingAndKeepsKeysInUse) {
  FirstContactFilter filter(1000, 0.01);
  EXPECT_FALSE(filter.refresh(mix64(1)));
  EXPECT_FALSE(filter.refresh(mix64(1))) << "a refresh never inserts";
  EXPECT_FALSE(filter.test_and_set(mix64(1)));
  EXPECT_TRUE(filter.refresh(mix64(1)));
  // Key 1 is refreshed in every generation; key 2 only inserted once: two rotations forget it.
  EXPECT_FALSE(filter.test_and_set(mix64(2)));
  for (std::uint64_t i = 100; i < 2200; ++i) {
    filter.test_and_set(mix64(i));
    if (i % 100 == 0) {
      ASSERT_TRUE(filter.refresh(mix64(1))) << i;
    }
  }
  EXPECT_EQ(filter.rotations(), 2u);
  EXPECT_TRUE(filter.refresh(mix64(1)));
  EXPECT_FALSE(filter.refresh(mix64(2)));
}

TEST(BoundedTable, EraseRemovesOneKeyAndKeepsTheOthersFindable) {
  BoundedTable<std::uint64_t, std::uint64_t> table(1000);
  SplitMix64 rng(7);
  for (std::uint64_t k = 0; k < 500; ++k)
    table.find_or_insert(k, mix64(k), rng, [](const auto&) { return 0; }).first->value = k;
  for (std::uint64_t k = 0; k < 500; k += 3) EXPECT_TRUE(table.erase(k, mix64(k)));
  EXPECT_FALSE(table.erase(0, mix64(0)));
  EXPECT_FALSE(table.erase(5000, mix64(5000)));
  EXPECT_EQ(table.size(), 500u - 167u);
  EXPECT_EQ(table.evictions(), 0u);
  for (std::uint64_t k = 0; k < 500; ++k) {
    auto* e = table.find(k, mix64(k));
    ASSERT_EQ(e != nullptr, k % 3 != 0) << k;
    if (e) {
      EXPECT_EQ(e->value, k);
    }
  }
}

TEST(HeavyHitters, KeepsTheDominantValues) {
  HeavyHitters<std::uint16_t, 4> hh;
  for (int i = 0; i < 1000; ++i) {
    hh.add(22);
    if (i % 3 != 0) hh.add(23);
    hh.add(static_cast<std::uint16_t>(1000 + i));  // noise, each once
  }
  auto top = hh.sorted();
  EXPECT_EQ(top[0].value, 22);
  EXPECT_EQ(top[1].value, 23);
}

}  // namespace
}  // namespace mamori::detect::sketch
