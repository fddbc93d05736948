#include "mamori/flow/simulate/attacks/actor_source.hpp"

#include <algorithm>

namespace mamori::flow::sim::attacks {

namespace {
struct LaterWake {
  template <class W>
  bool operator()(const W& a, const W& b) const noexcept {
    return a.at != b.at ? a.at > b.at : a.actor > b.actor;
  }
};
struct LaterFlow {
  template <class P>
  bool operator()(const P& a, const P& b) const noexcept {
    return a.flow.start_ns != b.flow.start_ns ? a.flow.start_ns > b.flow.start_ns : a.order > b.order;
  }
};
}  // namespace

void ActorSource::schedule(std::uint32_t actor, TimeNs at) {
  if (actor >= made_.size()) made_.resize(actor + 1, 0);
  wakes_.push_back({at - at % kNsPerMs, actor});
  std::push_heap(wakes_.begin(), wakes_.end(), LaterWake{});
}

void ActorSource::emit_until(TimeNs until, FlowBatch& out) {
  while (!wakes_.empty() && wakes_.front().at < until) {
    std::pop_heap(wakes_.begin(), wakes_.end(), LaterWake{});
    const Wake wake = wakes_.back();
    wakes_.pop_back();
    scratch_.clear();
    const TimeNs next = act(wake.actor, wake.at, scratch_);
    for (std::size_t i = 0; i < scratch_.size(); ++i) {
      FlowRecord& f = scratch_.flows[i];
      // An actor's flows never start before it woke; holding to that keeps
      // the output ordered across windows.
      if (f.start_ns < wake.at) {
        f.end_ns += wake.at - f.start_ns;
        f.start_ns = wake.at;
      }
      pending_.push_back({f, (static_cast<std::uint64_t>(wake.actor) << 40) | made_[wake.actor]++, scratch_.labels[i]});
      std::push_heap(pending_.begin(), pending_.end(), LaterFlow{});
    }
    if (next != kNever) {
      wakes_.push_back({std::max(next - next % kNsPerMs, wake.at + kNsPerMs), wake.actor});
      std::push_heap(wakes_.begin(), wakes_.end(), LaterWake{});
    }
  }
  while (!pending_.empty() && pending_.front().flow.start_ns < until) {
    std::pop_heap(pending_.begin(), pending_.end(), LaterFlow{});
    out.flows.push_back(pending_.back().flow);
    out.labels.push_back(pending_.back().label);
    pending_.pop_back();
  }
}

}  // namespace mamori::flow::sim::attacks
