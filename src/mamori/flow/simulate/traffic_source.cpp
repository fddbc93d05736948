#include "mamori/flow/simulate/traffic_source.hpp"

#include <algorithm>
#include <numeric>

namespace mamori::flow::sim {

namespace {
// Windows stay within these bounds whatever the rate, so a near-zero rate
// cannot stall the driver and a huge one cannot make a window empty of time.
constexpr TimeNs kMinWindow = kNsPerMs;
constexpr TimeNs kMaxWindow = 60 * kNsPerSecond;
}  // namespace

bool TrafficMix::next(FlowBatch& out) {
  out.clear();
  if (sources_.empty()) return false;
  while (!done_) {
    if (cursor_ >= limits_.end_ns || emitted_ >= limits_.max_flows) {
      done_ = true;
      break;
    }
    double rate = 0.0;
    for (const auto& s : sources_) rate += s->rate_at(cursor_);
    TimeNs window = kMaxWindow;
    if (rate > 0.0) {
      const double seconds = static_cast<double>(limits_.batch_flows) / rate;
      window = static_cast<TimeNs>(std::min(seconds * 1e9, static_cast<double>(kMaxWindow)));
    }
    window = std::clamp(window, kMinWindow, kMaxWindow);
    TimeNs until = cursor_ + window;
    if (until < cursor_ || until > limits_.end_ns) until = limits_.end_ns;  // overflow or the end
    if (sources_.size() == 1) {
      sources_.front()->emit_until(until, out);
    } else {
      merge_window(until, out);
    }
    cursor_ = until;
    const std::uint64_t room = limits_.max_flows - emitted_;
    if (out.size() > room) {
      out.flows.resize(room);
      out.labels.resize(room);
    }
    emitted_ += out.size();
    if (!out.empty()) return true;
  }
  return false;
}

void TrafficMix::merge_window(TimeNs until, FlowBatch& out) {
  scratch_.clear();
  for (auto& s : sources_) {
    s->emit_until(until, scratch_);
  }
  // Each source's run is sorted; a stable sort by start keeps the source order
  // for ties, which makes the mix reproducible.
  std::vector<std::uint32_t> order(scratch_.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return scratch_.flows[a].start_ns < scratch_.flows[b].start_ns;
  });
  out.flows.reserve(out.flows.size() + order.size());
  out.labels.reserve(out.labels.size() + order.size());
  for (std::uint32_t i : order) {
    out.flows.push_back(scratch_.flows[i]);
    out.labels.push_back(scratch_.labels[i]);
  }
}

}  // namespace mamori::flow::sim
