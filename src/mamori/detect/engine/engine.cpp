#include "mamori/detect/engine/engine.hpp"

#include <algorithm>

#include "mamori/detect/engine/sharded_engine.hpp"

namespace mamori::detect {

Result<Allowlist> build_allowlist(const EngineConfig& config) {
  Allowlist list = config.default_allowlist ? Allowlist::builtin_default() : Allowlist{};
  for (const auto& path : config.allowlists) {
    auto more = Allowlist::load(path);
    if (!more) return tl::unexpected(more.error());
    list.append(*more);
  }
  return list;
}

Result<std::unique_ptr<DetectionEngine>> make_engine(const DetectorRegistry& registry, const EngineConfig& config,
                                                     std::shared_ptr<const LocalityClassifier> classifier,
                                                     std::shared_ptr<const Allowlist> allowlist) {
  if (config.workers <= 1) {
    auto e = Engine::create(registry, config, std::move(classifier), std::move(allowlist));
    if (!e) return tl::unexpected(e.error());
    return std::unique_ptr<DetectionEngine>(std::move(*e));
  }
  auto e = ShardedEngine::create(registry, config, std::move(classifier), std::move(allowlist));
  if (!e) return tl::unexpected(e.error());
  return std::unique_ptr<DetectionEngine>(std::move(*e));
}

Result<std::unique_ptr<Engine>> Engine::create(const DetectorRegistry& registry, const EngineConfig& config,
                                               std::shared_ptr<const LocalityClassifier> classifier,
                                               std::shared_ptr<const Allowlist> allowlist) {
  auto shard = Shard::create(registry, config, std::move(allowlist));
  if (!shard) return tl::unexpected(shard.error());
  return std::unique_ptr<Engine>(new Engine(std::move(*shard), std::move(classifier), config.emit_interval));
}

void Engine::add(std::span<const flow::FlowRecord> flows) {
  if (finished_) return;
  flows_ += flows.size();
  events_.clear();
  for (const auto& f : flows) {
    const TimeNs t = EmitClock::time_of(f);
    last_time_ = std::max(last_time_, t);
    if (const TimeNs at = clock_.advance(t); at != 0) {
      shard_.observe(events_);
      events_.clear();
      shard_.emit(at, false);
      ++emits_;
    }
    events_.push_back(orient(f, classifier_.get()));
  }
  shard_.observe(events_);
  events_.clear();
}

void Engine::finish() {
  if (finished_) return;
  finished_ = true;
  shard_.emit(last_time_, true);
}

EngineStats Engine::stats() const {
  EngineStats s = shard_.stats();
  s.flows = flows_;
  s.emits = emits_;
  s.workers = 1;
  return s;
}

}  // namespace mamori::detect
