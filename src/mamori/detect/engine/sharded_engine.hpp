#pragma once
// N worker threads, each owning its own detector instances (shared-nothing).
// The caller's thread orients every flow and hands it to the worker that owns
// its shard key (the foreign endpoint), so all of one endpoint's state lives
// in one worker. Emit points are decided once, in flow time, by the caller
// and sent to every worker in the same place of its stream, so a worker sees
// exactly the flows and emits a single engine would for its keys. Findings
// are combined in an explicit merge step after the final emit.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "mamori/detect/engine/engine.hpp"

namespace mamori::detect {

class ShardedEngine final : public DetectionEngine {
 public:
  static Result<std::unique_ptr<ShardedEngine>> create(const DetectorRegistry& registry, const EngineConfig& config,
                                                       std::shared_ptr<const LocalityClassifier> classifier,
                                                       std::shared_ptr<const Allowlist> allowlist);
  ~ShardedEngine() override;
  ShardedEngine(const ShardedEngine&) = delete;
  ShardedEngine& operator=(const ShardedEngine&) = delete;

  void add(std::span<const flow::FlowRecord> flows) override;
  void finish() override;
  std::vector<Finding> findings() const override { return merged_.sorted(); }
  EngineStats stats() const override;
  std::vector<std::string> detector_names() const override { return names_; }

  // The worker that owns `key` among `workers`: the hash's high bits, so that
  // the low bits stay uniform for each worker's own hash tables.
  static std::size_t worker_of(const IpAddress& key, std::size_t workers) noexcept {
    const std::uint64_t h = IpAddressHash{}(key);
    return static_cast<std::size_t>(((h >> 32) * workers) >> 32);
  }

 private:
  struct Work {
    std::vector<flow::FlowRecord> records;
    std::vector<FlowEvent> events;  // flow pointers are set by the worker, once records stop moving
    TimeNs emit_at = 0;
    bool emit = false;
    bool final = false;
    bool stop = false;
  };
  struct Worker {
    explicit Worker(Shard s) : shard(std::move(s)) {}
    Shard shard;
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<Work> queue;
    std::vector<Work> spare;  // emptied buffers handed back for reuse
    Work pending;             // being filled by the caller
    std::thread thread;
  };

  ShardedEngine(std::vector<std::unique_ptr<Worker>> workers, std::shared_ptr<const LocalityClassifier> classifier,
                TimeNs interval);
  void run(Worker& w);
  void push(Worker& w, Work work);
  void dispatch_pending();
  void emit_all(TimeNs at, bool final);

  std::vector<std::unique_ptr<Worker>> workers_;
  std::shared_ptr<const LocalityClassifier> classifier_;
  EmitClock clock_;
  std::vector<std::string> names_;
  FindingSet merged_;
  EngineStats merged_stats_;
  std::uint64_t flows_ = 0, emits_ = 0;
  TimeNs last_time_ = 0;
  bool finished_ = false;
};

}  // namespace mamori::detect
