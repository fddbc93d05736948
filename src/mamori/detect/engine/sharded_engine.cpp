#include "mamori/detect/engine/sharded_engine.hpp"

#include <algorithm>

namespace mamori::detect {

namespace {
// Flows a worker's pending buffer collects before it is handed over, and how
// many handed-over buffers may wait: bounds memory when workers fall behind.
constexpr std::size_t kDispatchFlows = 8192;
constexpr std::size_t kMaxQueued = 4;
}  // namespace

Result<std::unique_ptr<ShardedEngine>> ShardedEngine::create(const DetectorRegistry& registry,
                                                             const EngineConfig& config,
                                                             std::shared_ptr<const LocalityClassifier> classifier,
                                                             std::shared_ptr<const Allowlist> allowlist) {
  std::vector<std::unique_ptr<Worker>> workers;
  for (std::size_t i = 0; i < std::max<std::size_t>(1, config.workers); ++i) {
    auto shard = Shard::create(registry, config, allowlist);
    if (!shard) return tl::unexpected(shard.error());
    workers.push_back(std::make_unique<Worker>(std::move(*shard)));
  }
  return std::unique_ptr<ShardedEngine>(new ShardedEngine(std::move(workers), std::move(classifier),
                                                          config.emit_interval));
}

ShardedEngine::ShardedEngine(std::vector<std::unique_ptr<Worker>> workers,
                             std::shared_ptr<const LocalityClassifier> classifier, TimeNs interval)
    : workers_(std::move(workers)), classifier_(std::move(classifier)), clock_(interval) {
  names_ = workers_.front()->shard.detector_names();
  for (auto& w : workers_) w->thread = std::thread([this, &w = *w] { run(w); });
}

ShardedEngine::~ShardedEngine() { finish(); }

void ShardedEngine::run(Worker& w) {
  for (;;) {
    Work work;
    {
      std::unique_lock lock(w.mutex);
      w.changed.wait(lock, [&] { return !w.queue.empty(); });
      work = std::move(w.queue.front());
      w.queue.pop_front();
    }
    w.changed.notify_all();
    if (work.stop) return;
    for (std::size_t i = 0; i < work.events.size(); ++i) work.events[i].flow = &work.records[i];
    w.shard.observe(work.events);
    if (work.emit) w.shard.emit(work.emit_at, work.final);
    if (work.records.capacity() == 0) continue;  // an emit marker: nothing worth reusing
    work.records.clear();
    work.events.clear();
    work.emit = false;
    work.final = false;
    std::lock_guard lock(w.mutex);
    if (w.spare.size() < kMaxQueued) w.spare.push_back(std::move(work));
  }
}

void ShardedEngine::push(Worker& w, Work work) {
  {
    std::unique_lock lock(w.mutex);
    w.changed.wait(lock, [&] { return w.queue.size() < kMaxQueued; });
    w.queue.push_back(std::move(work));
  }
  w.changed.notify_all();
}

void ShardedEngine::dispatch_pending() {
  for (auto& w : workers_) {
    if (w->pending.records.empty()) continue;
    Work next;
    {
      std::lock_guard lock(w->mutex);
      if (!w->spare.empty()) {
        next = std::move(w->spare.back());
        w->spare.pop_back();
      }
    }
    push(*w, std::exchange(w->pending, std::move(next)));
  }
}

void ShardedEngine::emit_all(TimeNs at, bool final) {
  dispatch_pending();
  for (auto& w : workers_) {
    Work work;
    work.emit = true;
    work.emit_at = at;
    work.final = final;
    push(*w, std::move(work));
  }
}

void ShardedEngine::add(std::span<const flow::FlowRecord> flows) {
  if (finished_) return;
  flows_ += flows.size();
  const std::size_t n = workers_.size();
  for (const auto& f : flows) {
    const TimeNs t = EmitClock::time_of(f);
    last_time_ = std::max(last_time_, t);
    if (const TimeNs at = clock_.advance(t); at != 0) {
      emit_all(at, false);
      ++emits_;
    }
    const FlowEvent e = orient(f, classifier_.get());
    Worker& w = *workers_[worker_of(e.shard_key, n)];
    w.pending.records.push_back(f);
    w.pending.events.push_back(e);
    if (w.pending.records.size() >= kDispatchFlows) {
      Work next;
      {
        std::lock_guard lock(w.mutex);
        if (!w.spare.empty()) {
          next = std::move(w.spare.back());
          w.spare.pop_back();
        }
      }
      push(w, std::exchange(w.pending, std::move(next)));
    }
  }
}

void ShardedEngine::finish() {
  if (finished_) return;
  finished_ = true;
  emit_all(last_time_, true);
  for (auto& w : workers_) {
    Work stop;
    stop.stop = true;
    push(*w, std::move(stop));
  }
  for (auto& w : workers_) w->thread.join();
  // The merge step: worker order is fixed, so the result does not depend on thread timing.
  merged_stats_ = EngineStats{};
  for (auto& w : workers_) {
    merged_stats_.merge(w->shard.stats());
    merged_.merge(std::move(w->shard.findings()));
  }
}

EngineStats ShardedEngine::stats() const {
  EngineStats s = merged_stats_;
  s.workers = workers_.size();
  s.flows = flows_;
  s.emits = emits_;
  s.findings = merged_.size();
  return s;
}

}  // namespace mamori::detect
