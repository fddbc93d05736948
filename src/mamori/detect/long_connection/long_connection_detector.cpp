#include "mamori/detect/long_connection/long_connection_detector.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "mamori/detect/builtin.hpp"
#include "mamori/detect/evidence.hpp"
#include "mamori/detect/sketch/batch_prefetch.hpp"
#include "mamori/detect/sketch/flow_traits.hpp"

namespace mamori::detect {

Result<LongConnectionOptions> LongConnectionOptions::from(const DetectorOptions& o) {
  LongConnectionOptions out;
  auto min_duration = o.duration("min_duration", out.min_duration);
  if (!min_duration) return tl::unexpected(min_duration.error());
  auto max_rate = o.number("max_bytes_per_second", out.max_bytes_per_second);
  if (!max_rate) return tl::unexpected(max_rate.error());
  auto gap = o.duration("gap", out.gap);
  if (!gap) return tl::unexpected(gap.error());
  auto split_gap = o.duration("split_gap", out.split_gap);
  if (!split_gap) return tl::unexpected(split_gap.error());
  auto min_flows = o.count("min_flows", out.min_flows);
  if (!min_flows) return tl::unexpected(min_flows.error());
  auto admission_capacity = o.count("admission_capacity", out.admission_capacity);
  if (!admission_capacity) return tl::unexpected(admission_capacity.error());
  auto seed = o.count("seed", out.seed);
  if (!seed) return tl::unexpected(seed.error());
  if (*min_duration == 0) return fail(Errc::invalid_argument, "min_duration must be positive");
  if (!(*max_rate > 0)) return fail(Errc::invalid_argument, "max_bytes_per_second must be positive");
  out.min_duration = *min_duration;
  out.max_bytes_per_second = *max_rate;
  out.gap = *gap;
  out.split_gap = *split_gap;
  out.min_flows = *min_flows;
  out.admission_capacity = *admission_capacity;
  out.seed = *seed;
  return out;
}

LongConnectionDetector::LongConnectionDetector(const LongConnectionOptions& options,
                                               const DetectorLimits& limits)
    : options_(options),
      pairs_(limits.max_tracked),
      rng_(options.seed),
      admission_(options.admission_capacity ? options.admission_capacity : 4 * limits.max_tracked,
                 options.admission_capacity == 0) {}

namespace {

bool tracked_flow(const FlowEvent& e) noexcept {
  // Only pairs with a foreign end matter; ICMP has no sessions to hold open.
  return (e.initiator_foreign || e.responder_foreign) && !flow::is_icmp(e.flow->proto);
}

LongConnectionDetector::PairKey key_of(const FlowEvent& e) noexcept {
  return {e.initiator, e.responder, e.responder_port, e.flow->proto, e.responder_foreign};
}

}  // namespace

LongConnectionDetector::Admission LongConnectionDetector::admission_of(const FlowEvent& e) noexcept {
  if (!tracked_flow(e)) return Admission::none;
  const flow::FlowRecord& f = *e.flow;
  if (f.end_ns >= f.start_ns + sketch::kSessionPieceNs) return Admission::open;
  if (f.proto == flow::kProtoTcp && f.tcp_flags != 0) {
    return (f.tcp_flags & (sketch::kTcpFin | sketch::kTcpRst)) != 0 ? Admission::update_only
                                                                    : Admission::open;
  }
  return Admission::second_record;
}

void LongConnectionDetector::observe(std::span<const FlowEvent> events) {
  // The pair table is far larger than the caches: each event's index slot is
  // requested 2d events ahead and its entry d ahead, so the two dependent
  // misses overlap with the work on earlier events.
  struct Hashed {
    std::size_t hash = 0;
    Admission admission = Admission::none;
  };
  sketch::for_each_prefetched(
      events,
      [](const FlowEvent& e) -> Hashed {
        const Admission a = admission_of(e);
        if (a == Admission::none) return {};
        return {e.pair_hash, a};
      },
      [this](const FlowEvent& e, const Hashed& h) {
        if (h.admission == Admission::none) return;
        pairs_.prefetch_slot(h.hash);
        if (h.admission == Admission::second_record) admission_.prefetch(e, h.hash);
      },
      [this](const FlowEvent&, const Hashed& h) {
        if (h.admission != Admission::none) pairs_.prefetch_entry(h.hash);
      },
      [this](const FlowEvent& e, const Hashed& h) {
        if (h.admission != Admission::none) observe_one(e, h.hash, h.admission);
      });
}

void LongConnectionDetector::observe_one(const FlowEvent& e, std::size_t hash, Admission admission) {
  const flow::FlowRecord& f = *e.flow;
  const PairKey key = key_of(e);
  bool inserted = false;
  auto* entry = pairs_.find(key, hash);
  if (entry == nullptr) {
    if (admission == Admission::update_only) return;
    // The first record of a flagless pair is remembered, not kept.
    if (admission == Admission::second_record && !admission_.seen_before(e, hash)) return;
    std::tie(entry, inserted) = pairs_.find_or_insert(key, hash, rng_, [](const auto& x) {
      // Keep the pairs nearest to a report (longest contact), then the freshest.
      const TimeNs d = std::min<TimeNs>(x.value.duration() / kNsPerSecond, (TimeNs{1} << 20) - 1);
      return (static_cast<std::uint64_t>(d) << 43) | ((x.value.last >> 21) & ((std::uint64_t{1} << 43) - 1));
    });
  }
  PairState& s = entry->value;
  const TimeNs start = f.start_ns;
  const TimeNs end = std::max(f.end_ns, f.start_ns);
  if (inserted) {
    s.first = start;
    s.last = end;
    s.run_start = start;
    s.run_end = end;
  } else {
    const TimeNs gap = e.initiator_port == s.client_port ? options_.split_gap : options_.gap;
    if (start <= s.run_end + gap && end + gap >= s.run_start) {
      s.run_start = std::min(s.run_start, start);
      s.run_end = std::max(s.run_end, end);
    } else if (start > s.run_end) {
      s.covered += s.run_end - s.run_start;
      s.run_start = start;
      s.run_end = end;
    } else {
      // A late record before the current span: counted on its own (it may overlap an
      // earlier closed span, which overstates by at most that record).
      s.covered += end - start;
    }
    s.first = std::min(s.first, start);
    s.last = std::max(s.last, end);
  }
  s.client_port = e.initiator_port;
  ++s.flows;
  s.packets += f.packets;
  s.bytes += f.bytes;
  if (end > start) {
    const double rate = static_cast<double>(f.bytes) * 1e9 / static_cast<double>(end - start);
    ++s.rated;
    const double delta = rate - s.rate_mean;
    s.rate_mean += delta / static_cast<double>(s.rated);
    s.rate_m2 += delta * (rate - s.rate_mean);
  }
  s.dirty = true;
}

namespace {

struct EndpointReport {
  Finding finding;
  bool any_dirty = false;
  double best_duration = 0, best_cv = 0, best_rate = 0, total_duration = 0;
  std::uint64_t pairs = 0;
};

}  // namespace

void LongConnectionDetector::emit(TimeNs, bool, std::vector<Finding>& out) {
  // One finding per foreign endpoint, over all its qualifying pairs (a later
  // report replaces an earlier one, so each report carries the whole picture).
  std::map<IpAddress, EndpointReport> reports;
  pairs_.for_each([&](auto& entry) {
    const PairKey& k = entry.key;
    PairState& s = entry.value;
    const TimeNs duration = s.duration();
    if (duration < options_.min_duration || s.flows < options_.min_flows) return;
    const double seconds = static_cast<double>(duration) / 1e9;
    const double rate = static_cast<double>(s.bytes) / seconds;
    if (rate > options_.max_bytes_per_second) return;
    const IpAddress endpoint = k.responder_foreign ? k.responder : k.initiator;
    const IpAddress peer = k.responder_foreign ? k.initiator : k.responder;
    EndpointReport& r = reports[endpoint];
    r.any_dirty = r.any_dirty || s.dirty;
    s.dirty = false;
    Finding& f = r.finding;
    if (r.pairs == 0) {
      f.kind = FindingKind::long_connection;
      f.detector = "long_connection";
      f.endpoint = endpoint;
      f.role = k.responder_foreign ? "c2_server" : "remote_client";
      f.proto = k.proto;
      f.first_seen = s.first;
    }
    ++r.pairs;
    f.first_seen = std::min(f.first_seen, s.first);
    f.last_seen = std::max(f.last_seen, s.last);
    f.flows += s.flows;
    f.packets += s.packets;
    f.bytes += s.bytes;
    if (std::find(f.ports.begin(), f.ports.end(), k.port) == f.ports.end() &&
        f.ports.size() < Evidence::kSamples) {
      f.ports.push_back(k.port);
    }
    if (f.sample_peers.size() < Evidence::kSamples) f.sample_peers.push_back(peer);
    if (f.sample_times.size() < Evidence::kSamples) f.sample_times.push_back(s.first);
    const double cv = s.rated > 1 && s.rate_mean > 0
                          ? std::sqrt(s.rate_m2 / static_cast<double>(s.rated - 1)) / s.rate_mean
                          : 0.0;
    r.total_duration += seconds;
    if (seconds > r.best_duration) {
      r.best_duration = seconds;
      r.best_cv = cv;
      r.best_rate = rate;
    }
  });
  const double min_hours = static_cast<double>(options_.min_duration) / 3.6e12;
  for (auto& [endpoint, r] : reports) {
    if (!r.any_dirty) continue;
    Finding& f = r.finding;
    f.peers = r.pairs;
    std::sort(f.ports.begin(), f.ports.end());
    std::sort(f.sample_times.begin(), f.sample_times.end());
    const double hours = r.best_duration / 3600.0;
    // 40 at the threshold, +30 by a day of contact (log scale), +30 for a perfectly steady rate.
    const double length =
        std::clamp(std::log2(hours / min_hours) / std::log2(std::max(24.0 / min_hours, 2.0)), 0.0, 1.0);
    const double steady = 1.0 - std::min(r.best_cv, 1.0);
    f.score = std::clamp(40.0 + 30.0 * length + 30.0 * steady, 0.0, 100.0);
    f.metrics = {{"duration_s", r.best_duration},
                 {"total_duration_s", r.total_duration},
                 {"bytes_per_s", r.best_rate},
                 {"rate_cv", r.best_cv},
                 {"pairs", static_cast<double>(r.pairs)}};
    f.summary = fmt::format(
        "{} held {} long low-volume connection(s); longest {:.1f} h at {:.1f} B/s (rate CV {:.2f})",
        endpoint.to_string(), r.pairs, hours, r.best_rate, r.best_cv);
    out.push_back(std::move(f));
  }
}

void register_long_connection(DetectorRegistry& registry) {
  registry.add(DetectorInfo{
      "long_connection",
      "Long-lived, low-volume connections to or from a foreign endpoint (interactive C2, held-open channels)",
      [](const DetectorOptions& options, const DetectorLimits& limits) -> Result<std::unique_ptr<Detector>> {
        auto o = LongConnectionOptions::from(options);
        if (!o) return tl::unexpected(o.error());
        return std::unique_ptr<Detector>(std::make_unique<LongConnectionDetector>(*o, limits));
      },
      true,
      {{"min_duration", "1h", "joined contact time of a pair before it reports"},
       {"max_bytes_per_second", "1000", "mean throughput over that time must stay below this"},
       {"gap", "5s", "gap bridged between any two records of a pair"},
       {"split_gap", "5m",
        "gap bridged between records of the same session (same client port), e.g. active-timeout splits"},
       {"min_flows", "1", "records a pair needs before it reports"},
       {"admission_capacity", "0",
        "first records of flagless pairs (UDP) per generation of an own first-contact filter (0: the "
        "engine's shared pair filter)"},
       {"seed", "1", "seed of eviction sampling"}}});
}

}  // namespace mamori::detect
