#pragma once
// Shared by the attack source tests: a small simulated world, and a run of
// planted sources (alone or with the background) collected into memory.
#include <memory>
#include <vector>

#include "mamori/flow/simulate/attacks/catalog.hpp"
#include "mamori/flow/simulate/attacks/environment.hpp"
#include "mamori/flow/simulate/attacks/ground_truth.hpp"
#include "mamori/flow/simulate/background_traffic.hpp"

namespace mamori::flow::sim::attacks::plant_test {

inline constexpr TimeNs kStart = 1'748'862'000ULL * kNsPerSecond;  // 2025-06-02T11:00:00Z
inline constexpr TimeNs kHour = 3600 * kNsPerSecond;

inline BackgroundConfig world_config(std::uint64_t seed = 1) {
  BackgroundConfig c;
  c.seed = seed;
  c.subscribers = 3'000;
  c.servers = 300;
  c.flows_per_second = 300;
  c.start_ns = kStart;
  return c;
}

// A background (not added to any mix) that attacks aim into.
struct World {
  BackgroundConfig config;
  std::unique_ptr<BackgroundTraffic> background;
  std::unique_ptr<AttackEnvironment> env;

  explicit World(TimeNs horizon = kHour, double intensity = 1.0, std::uint64_t seed = 1)
      : config(world_config(seed)), background(std::move(*BackgroundTraffic::create(config))),
        env(std::make_unique<AttackEnvironment>(*background, config, horizon, intensity)) {}
};

struct PlantedRun {
  std::vector<FlowRecord> flows;
  std::vector<FlowLabel> labels;
  std::vector<PlantedInstance> instances;
  std::vector<LabelRow> rows;
  std::uint64_t undeclared = 0;
  std::uint64_t supporting = 0;

  std::vector<FlowRecord> with_label(FlowLabel label) const {
    std::vector<FlowRecord> out;
    for (std::size_t i = 0; i < flows.size(); ++i) {
      if (labels[i] == label) out.push_back(flows[i]);
    }
    return out;
  }
};

// Runs `sources` (and nothing else) from kStart for `duration`.
template <class SourcePtr>
PlantedRun run_sources(std::vector<SourcePtr> sources, TimeNs duration, std::size_t batch_flows = 8192,
                std::uint64_t max_flows = ~0ULL) {
  PlantedRun run;
  GroundTruth truth;
  MixLimits limits;
  limits.start_ns = kStart;
  limits.end_ns = kStart + duration;
  limits.batch_flows = batch_flows;
  limits.max_flows = max_flows;
  TrafficMix mix(limits);
  for (auto& s : sources) {
    for (const auto& inst : s->planted()) {
      run.instances.push_back(inst);
      EXPECT_TRUE(truth.declare(inst));
    }
    mix.add(std::move(s));
  }
  FlowBatch batch;
  while (mix.next(batch)) {
    truth.observe(batch.flows, batch.labels);
    run.flows.insert(run.flows.end(), batch.flows.begin(), batch.flows.end());
    run.labels.insert(run.labels.end(), batch.labels.begin(), batch.labels.end());
  }
  run.rows = truth.rows();
  run.undeclared = truth.undeclared_flows();
  run.supporting = truth.supporting_flows();
  return run;
}

template <class Source>
PlantedRun run_one(Result<std::unique_ptr<Source>> made, TimeNs duration) {
  EXPECT_TRUE(made) << (made ? "" : made.error().message);
  std::vector<std::unique_ptr<Source>> v;
  v.push_back(std::move(*made));
  return run_sources(std::move(v), duration);
}

inline bool is_home_access(const AttackEnvironment& env, const IpAddress& a) {
  for (const auto& p : env.plan().home().access_v4) {
    if (p.contains(a)) return true;
  }
  for (const auto& p : env.plan().home().access_v6) {
    if (p.contains(a)) return true;
  }
  return false;
}

inline bool is_home(const AttackEnvironment& env, const IpAddress& a) {
  if (is_home_access(env, a)) return true;
  const auto& h = env.plan().home();
  for (const auto* list : {&h.hosting_v4, &h.hosting_v6}) {
    for (const auto& p : *list) {
      if (p.contains(a)) return true;
    }
  }
  return false;
}

}  // namespace mamori::flow::sim::attacks::plant_test
