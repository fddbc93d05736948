#pragma once
// Sources of simulated flows and the driver that interleaves them in time.
// The background model is one source; labelled attack generators (beacons,
// scans, fan-in, reflection DDoS) are meant to be further sources added to
// the same TrafficMix, so their flows land among the background in start order
// and keep a label that an evaluation harness can score detectors against.
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "mamori/core/time.hpp"
#include "mamori/flow/flow_record.hpp"

namespace mamori::flow::sim {

// Ground truth of a simulated flow. 0 is background; attack sources define
// their own non-zero values.
using FlowLabel = std::uint16_t;
inline constexpr FlowLabel kBackgroundLabel = 0;

inline constexpr TimeNs kNever = std::numeric_limits<TimeNs>::max();

// Flows sorted by start_ns, with one label per flow.
struct FlowBatch {
  std::vector<FlowRecord> flows;
  std::vector<FlowLabel> labels;

  void clear() noexcept {
    flows.clear();
    labels.clear();
  }
  std::size_t size() const noexcept { return flows.size(); }
  bool empty() const noexcept { return flows.empty(); }
};

class TrafficSource {
 public:
  virtual ~TrafficSource() = default;

  // Appends every flow of this source that starts before `until` and was not
  // appended before, sorted by start_ns (ties in a fixed order, so output is
  // reproducible). `until` never decreases between calls.
  virtual void emit_until(TimeNs until, FlowBatch& out) = 0;

  // Expected flows per second around `t`: the driver sizes its time windows by it.
  virtual double rate_at(TimeNs t) const noexcept = 0;
};

struct MixLimits {
  TimeNs start_ns = 0;
  TimeNs end_ns = kNever;                                          // flows start before this
  std::uint64_t max_flows = std::numeric_limits<std::uint64_t>::max();  // stop after this many
  std::size_t batch_flows = 8192;                                  // aim of one batch's size
};

// Pulls time windows from every source and hands out one time-ordered batch
// at a time: batch k's flows all start no later than batch k+1's.
class TrafficMix {
 public:
  explicit TrafficMix(MixLimits limits) noexcept : limits_(limits), cursor_(limits.start_ns) {}

  void add(std::unique_ptr<TrafficSource> source) { sources_.push_back(std::move(source)); }

  // Fills `out` (cleared first) with the next batch; false once the limits
  // are reached and nothing is left. An empty window in a quiet period is
  // skipped, so a true return always carries flows.
  bool next(FlowBatch& out);

  std::uint64_t flows_emitted() const noexcept { return emitted_; }
  // Start of the next window: everything before it has been handed out.
  TimeNs cursor() const noexcept { return cursor_; }

 private:
  void merge_window(TimeNs until, FlowBatch& out);

  MixLimits limits_;
  TimeNs cursor_;
  std::uint64_t emitted_ = 0;
  bool done_ = false;
  std::vector<std::unique_ptr<TrafficSource>> sources_;
  FlowBatch scratch_;
};

}  // namespace mamori::flow::sim
