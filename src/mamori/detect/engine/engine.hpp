#pragma once
// The detection engine: orients each flow (orient(), with a locality
// classifier for data whose locality is unknown), feeds the enabled
// detectors in batches, calls emit at every interval of flow time and once
// more at the end (final), drops allow-listed findings and folds re-reports
// of the same (detector, kind, endpoint) into one finding.
//
// Engine runs in the caller's thread. ShardedEngine (sharded_engine.hpp)
// runs N workers with their own detectors, flows partitioned by shard key.
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "mamori/detect/allowlist/allowlist.hpp"
#include "mamori/detect/detector.hpp"
#include "mamori/detect/engine/emit_clock.hpp"
#include "mamori/detect/engine/engine_config.hpp"
#include "mamori/detect/engine/engine_stats.hpp"
#include "mamori/detect/engine/shard.hpp"
#include "mamori/flow/flow_record.hpp"

namespace mamori::detect {

class DetectionEngine {
 public:
  virtual ~DetectionEngine() = default;
  // Feeds flows, roughly in time order (as exported or replayed).
  virtual void add(std::span<const flow::FlowRecord> flows) = 0;
  // Emits the final findings; add() must not be called after.
  virtual void finish() = 0;
  // The collected findings, highest score first. Complete after finish();
  // before it, Engine shows those emitted so far and ShardedEngine none.
  virtual std::vector<Finding> findings() const = 0;
  // Exact after finish().
  virtual EngineStats stats() const = 0;
  virtual std::vector<std::string> detector_names() const = 0;
};

// The allow-list a configuration asks for: the compiled-in default (unless
// disabled), then its files in order.
Result<Allowlist> build_allowlist(const EngineConfig& config);

// One worker when config.workers == 1, else a ShardedEngine. `classifier`
// may be null when every flow's locality is known (selected data).
Result<std::unique_ptr<DetectionEngine>> make_engine(const DetectorRegistry& registry, const EngineConfig& config,
                                                     std::shared_ptr<const LocalityClassifier> classifier,
                                                     std::shared_ptr<const Allowlist> allowlist);

class Engine final : public DetectionEngine {
 public:
  static Result<std::unique_ptr<Engine>> create(const DetectorRegistry& registry, const EngineConfig& config,
                                                std::shared_ptr<const LocalityClassifier> classifier,
                                                std::shared_ptr<const Allowlist> allowlist);

  void add(std::span<const flow::FlowRecord> flows) override;
  void finish() override;
  std::vector<Finding> findings() const override { return shard_.findings().sorted(); }
  EngineStats stats() const override;
  std::vector<std::string> detector_names() const override { return shard_.detector_names(); }

 private:
  Engine(Shard shard, std::shared_ptr<const LocalityClassifier> classifier, TimeNs interval)
      : shard_(std::move(shard)), classifier_(std::move(classifier)), clock_(interval) {}

  Shard shard_;
  std::shared_ptr<const LocalityClassifier> classifier_;
  EmitClock clock_;
  std::vector<FlowEvent> events_;
  std::uint64_t flows_ = 0, emits_ = 0;
  TimeNs last_time_ = 0;
  bool finished_ = false;
};

}  // namespace mamori::detect
