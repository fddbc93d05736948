#include <gtest/gtest.h>

#include <cmath>

#include "mamori/flow/simulate/alias_table.hpp"
#include "mamori/flow/simulate/background_traffic.hpp"
#include "mamori/flow/simulate/diurnal.hpp"
#include "mamori/flow/simulate/time_wheel.hpp"
#include "mamori/flow/simulate/traffic_source.hpp"

namespace mamori::flow::sim {
namespace {

constexpr TimeNs kStart = 1'748'862'000ULL * kNsPerSecond;

// A labelled source with one flow every `period`, as an attack generator would be.
class PeriodicSource final : public TrafficSource {
 public:
  PeriodicSource(TimeNs first, TimeNs period, FlowLabel label) : next_(first), period_(period), label_(label) {}
  void emit_until(TimeNs until, FlowBatch& out) override {
    for (; next_ < until; next_ += period_) {
      FlowRecord f;
      f.start_ns = f.end_ns = next_;
      f.src_addr = IpAddress::v4(0x7e000001);
      f.dst_addr = IpAddress::v4(0x5db8d822);
      f.proto = kProtoTcp;
      f.packets = 1;
      f.bytes = 40;
      out.flows.push_back(f);
      out.labels.push_back(label_);
    }
  }
  double rate_at(TimeNs) const noexcept override { return 1e9 / static_cast<double>(period_); }

 private:
  TimeNs next_;
  TimeNs period_;
  FlowLabel label_;
};

TEST(TrafficMix, MergesSourcesInStartOrderAndKeepsLabels) {
  BackgroundConfig config;
  config.subscribers = 500;
  config.servers = 100;
  config.flows_per_second = 500;
  config.start_ns = kStart;
  MixLimits limits;
  limits.start_ns = kStart;
  limits.end_ns = kStart + 60 * kNsPerSecond;
  TrafficMix mix(limits);
  mix.add(std::move(*BackgroundTraffic::create(config)));
  mix.add(std::make_unique<PeriodicSource>(kStart + 500 * kNsPerMs, 10 * kNsPerSecond, 7));
  FlowBatch batch;
  TimeNs last = 0;
  std::size_t beacons = 0, background = 0;
  while (mix.next(batch)) {
    ASSERT_EQ(batch.flows.size(), batch.labels.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
      ASSERT_LE(last, batch.flows[i].start_ns);
      last = batch.flows[i].start_ns;
      if (batch.labels[i] == 7) {
        ++beacons;
        EXPECT_EQ((batch.flows[i].start_ns - kStart) % (10 * kNsPerSecond), 500 * kNsPerMs);
      } else {
        ++background;
      }
    }
  }
  EXPECT_EQ(beacons, 6u);
  EXPECT_GT(background, 10'000u);
}

TEST(TrafficMix, QuietSourcesDoNotStall) {
  MixLimits limits;
  limits.start_ns = kStart;
  limits.end_ns = kStart + 3600 * kNsPerSecond;
  TrafficMix mix(limits);
  mix.add(std::make_unique<PeriodicSource>(kStart, 600 * kNsPerSecond, 1));
  FlowBatch batch;
  std::size_t flows = 0;
  while (mix.next(batch)) flows += batch.size();
  EXPECT_EQ(flows, 6u);
  EXPECT_FALSE(mix.next(batch));
}

TEST(AliasTable, DrawsInProportionToWeights) {
  const std::vector<double> weights = {1, 0, 3, 6};
  AliasTable table(weights);
  Rng rng(42);
  std::array<int, 4> counts{};
  constexpr int kDraws = 200'000;
  for (int i = 0; i < kDraws; ++i) counts[table.pick(rng)]++;
  EXPECT_EQ(counts[1], 0);
  EXPECT_NEAR(counts[0] / double(kDraws), 0.1, 0.005);
  EXPECT_NEAR(counts[2] / double(kDraws), 0.3, 0.005);
  EXPECT_NEAR(counts[3] / double(kDraws), 0.6, 0.005);
  EXPECT_TRUE(AliasTable(std::vector<double>{0, 0}).empty());
}

TEST(Rng, IsDeterministicAndRoughlyNormal) {
  Rng a(5), b(5);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next(), b.next());
  Rng r(9);
  double sum = 0, sq = 0;
  constexpr int kN = 100'000;
  for (int i = 0; i < kN; ++i) {
    const double z = r.normal();
    sum += z;
    sq += z * z;
  }
  EXPECT_NEAR(sum / kN, 0.0, 0.02);
  EXPECT_NEAR(sq / kN, 1.0, 0.02);
  for (int i = 0; i < 1000; ++i) EXPECT_LT(r.below(7), 7u);
}

TEST(DiurnalProfile, AveragesToOneWithTheTroughAtNight) {
  DiurnalProfile p;
  double sum = 0.0;
  const TimeNs midnight_jst = 1'748'790'000ULL * kNsPerSecond;
  for (int m = 0; m < 1440; ++m) sum += p.factor(midnight_jst + static_cast<TimeNs>(m) * 60 * kNsPerSecond);
  EXPECT_NEAR(sum / 1440.0, 1.0, 1e-6);
  EXPECT_NEAR(p.local_hour(midnight_jst), 0.0, 1e-9);
  EXPECT_NEAR(p.factor(midnight_jst + static_cast<TimeNs>(4.5 * 3600) * kNsPerSecond), 1.0 - p.amplitude, 1e-9);
  EXPECT_NEAR(p.factor(midnight_jst + static_cast<TimeNs>(16.5 * 3600) * kNsPerSecond), 1.0 + p.amplitude, 1e-9);
}

TEST(TimeWheel, DrainsEverythingDueAndKeepsTheRest) {
  TimeWheel<int> wheel(2 * kNsPerSecond, kStart);
  std::vector<TimeNs> due;
  Rng rng(3);
  for (int i = 0; i < 5000; ++i) {
    const TimeNs t = kStart + rng.below(20 * kNsPerSecond);  // ten times the horizon
    due.push_back(t);
    wheel.push(t, i);
  }
  std::vector<int> seen(due.size(), 0);
  TimeNs until = kStart;
  while (!wheel.empty()) {
    until += rng.below(3 * kNsPerSecond / 2) + 1;
    wheel.drain_before(until, [&](int&& i) {
      ASSERT_LT(due[static_cast<std::size_t>(i)], until);
      seen[static_cast<std::size_t>(i)]++;
      if (i % 7 == 0 && due[static_cast<std::size_t>(i)] + 5 * kNsPerSecond < kStart + 40 * kNsPerSecond) {
        // Re-arm some items later, as a long session's next piece is.
        due.push_back(until + 5 * kNsPerSecond);
        seen.push_back(0);
        wheel.push(due.back(), static_cast<int>(due.size() - 1));
      }
    });
    for (std::size_t i = 0; i < due.size(); ++i) {
      if (due[i] >= until) {
        ASSERT_EQ(seen[i], 0) << i;
      }
    }
  }
  for (int s : seen) EXPECT_EQ(s, 1);
}

}  // namespace
}  // namespace mamori::flow::sim
