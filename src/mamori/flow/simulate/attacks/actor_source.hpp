#pragma once
// A TrafficSource made of independent actors (an infected host, a scanner, a
// reflector), each with its own clock and random stream. An actor is woken at
// the time it asked for, appends the flows of what it does then (all starting
// at or after that time) and names its next wake-up. Flows wait in a heap
// until their window comes, so output is in start order and, because actors
// never share random state, independent of how the driver slices time.
#include <cstdint>
#include <vector>

#include "mamori/flow/simulate/traffic_source.hpp"

namespace mamori::flow::sim::attacks {

class ActorSource : public TrafficSource {
 public:
  void emit_until(TimeNs until, FlowBatch& out) final;

 protected:
  // Wakes `actor` first at `at` (rounded down to the millisecond).
  void schedule(std::uint32_t actor, TimeNs at);

  // Appends what `actor` does at `now` to `out` (flows starting at or after
  // `now`) and returns its next wake-up, or kNever when it is done.
  virtual TimeNs act(std::uint32_t actor, TimeNs now, FlowBatch& out) = 0;

  // Flows that actors produced and that are not handed out yet (for tests of
  // bounded memory).
  std::size_t pending() const noexcept { return pending_.size(); }

 private:
  struct Wake {
    TimeNs at;
    std::uint32_t actor;
  };
  struct Pending {
    FlowRecord flow;
    std::uint64_t order;  // (actor << 40) | the actor's flow count: ties broken per actor
    FlowLabel label;
  };
  std::vector<Wake> wakes_;         // min-heap by (at, actor)
  std::vector<Pending> pending_;    // min-heap by (start, order)
  std::vector<std::uint64_t> made_; // flows made per actor
  FlowBatch scratch_;
};

}  // namespace mamori::flow::sim::attacks
