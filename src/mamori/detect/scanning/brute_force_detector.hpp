#pragma once
// Brute force: one source making many short, alike connections to one
// service (authentication attempts), whatever the port number. State per
// (source, target, target port, protocol); both ends are in the key, so the
// worker owning the shard key sees every attempt of the pair.
#include <cstdint>
#include <memory>
#include <vector>

#include "mamori/detect/detector.hpp"
#include "mamori/detect/sketch/bounded_table.hpp"
#include "mamori/detect/sketch/pair_admission.hpp"
#include "mamori/detect/sketch/random.hpp"
#include "mamori/detect/sketch/reservoir.hpp"

namespace mamori::detect {

struct BruteForceOptions {
  std::uint64_t min_attempts = 20;          // connections before a pair is scored
  TimeNs max_duration = 30 * kNsPerSecond;  // an attempt is short up to this long ...
  std::uint64_t max_bytes = 64 * 1024;      // ... and this many bytes from the source
  double full_rate = 20;                    // attempts in one minute for a full rate score
  double full_duty = 0.3;                   // attempts' total duration / active span for a full duty score
  double threshold = 60;
  double rereport_delta = 10;
  TimeNs idle_timeout = 3600 * kNsPerSecond;
  bool tcp_only = true;
  // Pairs get state from their second attempt on (see BeaconingOptions).
  bool admission = true;
  std::uint64_t admission_capacity = 0;
  std::uint64_t seed = 1;
};

class BruteForceDetector final : public Detector {
 public:
  struct PairKey {
    IpAddress source;
    IpAddress target;
    std::uint16_t port = 0;
    std::uint8_t proto = 0;
    friend bool operator==(const PairKey&, const PairKey&) = default;
  };
  struct PairState {
    TimeNs first_seen = 0;
    TimeNs last_seen = 0;
    TimeNs minute_start = 0;  // the current one-minute rate bin
    std::uint64_t bytes = 0;
    std::uint64_t reply_bytes = 0;
    TimeNs busy = 0;  // summed attempt durations
    std::uint32_t packets = 0;
    std::uint32_t attempts = 0;
    std::uint32_t short_attempts = 0;
    std::uint32_t failed = 0;
    std::uint32_t next_check = 0;
    std::uint32_t reported_attempts = 0;  // attempts when last reported
    std::uint16_t minute_count = 0;
    std::uint16_t peak_per_minute = 0;
    std::uint8_t reported_score = 0;
    sketch::Reservoir<std::uint32_t, 16> sizes;
    sketch::Reservoir<std::uint32_t, 16> durations_ms;
  };
  using Table = sketch::BoundedTable<PairKey, PairState>;

  BruteForceDetector(BruteForceOptions options, DetectorLimits limits);

  std::string_view name() const noexcept override { return "brute_force"; }
  void observe(std::span<const FlowEvent> events) override;
  void emit(TimeNs now, bool final, std::vector<Finding>& out) override;
  std::size_t tracked() const noexcept override { return table_.size(); }
  std::size_t memory_bytes() const noexcept override;
  std::uint64_t evictions() const noexcept { return table_.evictions(); }
  std::uint64_t evicted() const noexcept override { return evictions(); }
  bool uses_pair_seen() const noexcept override { return options_.admission && admission_.uses_shared(); }

 private:
  // `h` is the pair key's hash, computed once per event by observe().
  void observe_one(const FlowEvent& e, std::uint64_t h);
  // At the end of input (`final`) a pair whose evidence grew is reported again with it.
  void check(const PairKey& key, PairState& s, std::vector<Finding>& out, bool final = false);

  BruteForceOptions options_;
  Table table_;
  sketch::SplitMix64 rng_;
  sketch::PairAdmission admission_;
  TimeNs latest_ = 0;
  TimeNs next_sweep_ = 0;
  std::vector<Finding> pending_;
};

Result<std::unique_ptr<Detector>> make_brute_force_detector(const DetectorOptions& options,
                                                            const DetectorLimits& limits);

}  // namespace mamori::detect
