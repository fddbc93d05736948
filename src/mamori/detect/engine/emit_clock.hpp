#pragma once
// When to call Detector::emit: at multiples of an interval of *flow* time,
// so that replaying a day of flows in a minute emits as often as living
// through it, and results do not depend on how fast input arrives.
#include "mamori/core/time.hpp"
#include "mamori/flow/flow_record.hpp"

namespace mamori::detect {

class EmitClock {
 public:
  explicit EmitClock(TimeNs interval) noexcept : interval_(interval == 0 ? 1 : interval) {}

  // Moves the clock to a flow of time `t`. Returns the boundary to emit at
  // before that flow is observed, or 0 when none was crossed. Late flows
  // never move the clock back; a long quiet gap emits once, at the last
  // boundary before `t`.
  TimeNs advance(TimeNs t) noexcept {
    if (!started_) {
      started_ = true;
      next_ = (t / interval_ + 1) * interval_;
      return 0;
    }
    if (t < next_) return 0;
    const TimeNs at = t / interval_ * interval_;
    next_ = at + interval_;
    return at;
  }

  // A flow's time for the clock: when it was last seen.
  static TimeNs time_of(const flow::FlowRecord& f) noexcept { return f.end_ns > f.start_ns ? f.end_ns : f.start_ns; }

 private:
  TimeNs interval_;
  TimeNs next_ = 0;
  bool started_ = false;
};

}  // namespace mamori::detect
