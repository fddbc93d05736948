#include "mamori/detect/engine/shard.hpp"

#include <algorithm>
#include <chrono>

namespace mamori::detect {

void EngineStats::merge(const EngineStats& o) {
  flows += o.flows;
  suppressed += o.suppressed;
  updates += o.updates;
  pair_filter_bytes += o.pair_filter_bytes;
  pair_filter_ns += o.pair_filter_ns;
  if (suppressed_by_entry.size() < o.suppressed_by_entry.size())
    suppressed_by_entry.resize(o.suppressed_by_entry.size());
  for (std::size_t i = 0; i < o.suppressed_by_entry.size(); ++i)
    suppressed_by_entry[i] += o.suppressed_by_entry[i];
  if (detectors.empty()) {
    detectors = o.detectors;
    return;
  }
  for (std::size_t i = 0; i < detectors.size() && i < o.detectors.size(); ++i) {
    DetectorStats& d = detectors[i];
    const DetectorStats& x = o.detectors[i];
    d.tracked += x.tracked;
    d.peak_tracked = std::max(d.peak_tracked, x.peak_tracked);
    d.memory_bytes += x.memory_bytes;
    d.peak_memory_bytes += x.peak_memory_bytes;
    d.evicted += x.evicted;
    d.reports += x.reports;
    d.over_limit += x.over_limit;
    d.observe_ns += x.observe_ns;
  }
}

Result<Shard> Shard::create(const DetectorRegistry& registry, const EngineConfig& config,
                            std::shared_ptr<const Allowlist> allowlist) {
  if (auto s = check_detector_names(config, registry); !s) return tl::unexpected(s.error());
  Shard shard;
  for (const auto& info : registry.all()) {
    auto it = config.settings.find(info.name);
    DetectorOptions options(it == config.settings.end() ? std::map<std::string, std::string>{} : it->second);
    // Settings of a disabled detector are checked too: a typo should not wait for the day it is enabled.
    auto detector = info.factory(options, config.limits);
    if (!detector) return fail(detector.error().code, "detector {}: {}", info.name, detector.error().message);
    if (auto s = options.check_all_used(); !s)
      return fail(Errc::invalid_argument, "detector {}: {}", info.name, s.error().message);
    if (!is_enabled(config, info)) continue;
    DetectorStats stats;
    stats.name = info.name;
    shard.stats_.push_back(std::move(stats));
    shard.detectors_.push_back(std::move(*detector));
  }
  shard.max_tracked_ = config.limits.max_tracked;
  // Sized as the detectors' own admission filters were: four times the keys a detector may hold.
  const bool pairs_used = std::any_of(shard.detectors_.begin(), shard.detectors_.end(),
                                      [](const auto& d) { return d->uses_pair_seen(); });
  if (pairs_used)
    shard.pairs_seen_ = std::make_unique<sketch::FirstContactFilter>(4 * config.limits.max_tracked, 0.05, 1);
  shard.allowlist_ = allowlist ? std::move(allowlist) : std::make_shared<const Allowlist>();
  shard.suppressed_by_entry_.assign(shard.allowlist_->entries().size(), 0);
  return shard;
}

void Shard::observe(std::span<FlowEvent> events) {
  if (events.empty()) return;
  // Each detector's time is measured per slice (a clock read per thousand
  // flows): operators see what each costs on their traffic.
  using Clock = std::chrono::steady_clock;
  auto since = [](Clock::time_point start) {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count());
  };
  if (pairs_seen_) {
    const auto start = Clock::now();
    mark_pairs_seen(events);
    pair_filter_ns_ += since(start);
  }
  // Every detector walks the events and their records; in slices that stay
  // in the core's cache the next detector finds them there instead of
  // fetching the whole batch again. Detectors handle events one at a time in
  // order and share no state, so slicing changes nothing they compute.
  for (std::size_t at = 0; at < events.size(); at += kSlice) {
    const std::span<const FlowEvent> slice = events.subspan(at, std::min(kSlice, events.size() - at));
    for (std::size_t i = 0; i < detectors_.size(); ++i) {
      const auto start = Clock::now();
      detectors_[i]->observe(slice);
      stats_[i].observe_ns += since(start);
    }
  }
  for (std::size_t i = 0; i < detectors_.size(); ++i) {
    DetectorStats& s = stats_[i];
    const std::size_t tracked = detectors_[i]->tracked();
    s.peak_tracked = std::max(s.peak_tracked, tracked);
    // The bound is each detector's to keep; the engine checks it after every batch.
    if (tracked > max_tracked_) ++s.over_limit;
    s.peak_memory_bytes = std::max(s.peak_memory_bytes, detectors_[i]->memory_bytes());
  }
}

void Shard::mark_pairs_seen(std::span<FlowEvent> events) {
  // In stream order, so each record learns whether one of its pair came before it.
  constexpr std::size_t kAhead = 32;
  for (std::size_t i = 0; i < std::min(kAhead, events.size()); ++i)
    pairs_seen_->prefetch(events[i].pair_hash);
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (i + kAhead < events.size()) pairs_seen_->prefetch(events[i + kAhead].pair_hash);
    events[i].pair_seen = pairs_seen_->test_and_set(events[i].pair_hash) ? 1 : 0;
  }
}

void Shard::emit(TimeNs now, bool final) {
  for (std::size_t i = 0; i < detectors_.size(); ++i) {
    scratch_.clear();
    detectors_[i]->emit(now, final, scratch_);
    stats_[i].reports += scratch_.size();
    for (auto& f : scratch_) {
      if (const long entry = allowlist_->match(f); entry >= 0) {
        ++suppressed_;
        ++suppressed_by_entry_[static_cast<std::size_t>(entry)];
        continue;
      }
      findings_.update(std::move(f));
    }
  }
}

EngineStats Shard::stats() const {
  EngineStats s;
  s.detectors = stats_;
  for (std::size_t i = 0; i < detectors_.size(); ++i) {
    s.detectors[i].tracked = detectors_[i]->tracked();
    s.detectors[i].memory_bytes = detectors_[i]->memory_bytes();
    s.detectors[i].evicted = detectors_[i]->evicted();
    s.detectors[i].status = detectors_[i]->status();
  }
  s.suppressed = suppressed_;
  s.suppressed_by_entry = suppressed_by_entry_;
  s.updates = findings_.updates();
  s.findings = findings_.size();
  s.pair_filter_bytes = pairs_seen_ ? pairs_seen_->memory_bytes() : 0;
  s.pair_filter_ns = pair_filter_ns_;
  return s;
}

std::vector<std::string> Shard::detector_names() const {
  std::vector<std::string> names;
  for (const auto& s : stats_) names.push_back(s.name);
  return names;
}

}  // namespace mamori::detect
