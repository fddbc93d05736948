#include "mamori/detect/scanning/brute_force_detector.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <tuple>

#include "mamori/detect/builtin.hpp"
#include "mamori/detect/sketch/batch_prefetch.hpp"
#include "mamori/detect/sketch/flow_traits.hpp"
#include "mamori/detect/sketch/hash.hpp"
#include "mamori/detect/sketch/option_reader.hpp"
#include "mamori/detect/sketch/robust_stats.hpp"

namespace mamori::detect {

namespace {

struct Grade {
  double volume = 0, rate = 0, duty = 0, similarity = 0, shortness = 0, failure = 0;
  double duty_cycle = 0;
  double size_median = 0, size_mad = 0, duration_median_s = 0;
  double total = 0;
};

}  // namespace

BruteForceDetector::BruteForceDetector(BruteForceOptions options, DetectorLimits limits)
    : options_(options),
      table_(limits.max_tracked),
      rng_(options.seed),
      admission_(options.admission_capacity ? options.admission_capacity : 4 * limits.max_tracked,
                 options.admission_capacity == 0) {}

void BruteForceDetector::observe(std::span<const FlowEvent> events) {
  sketch::for_each_prefetched(
      events,
      [this](const FlowEvent& e) -> std::uint64_t {
        const std::uint8_t proto = e.flow->proto;
        if (proto != flow::kProtoTcp && (options_.tcp_only || flow::is_icmp(proto))) return 0;
        return e.pair_hash;
      },
      [this](const FlowEvent& e, std::uint64_t h) {
        if (h == 0) return;
        table_.prefetch_slot(h);
        if (options_.admission && e.initiator_is_src) admission_.prefetch(e, h);
      },
      [this](const FlowEvent&, std::uint64_t h) {
        if (h != 0) table_.prefetch_entry(h);
      },
      [this](const FlowEvent& e, std::uint64_t h) { observe_one(e, h); });
}

void BruteForceDetector::observe_one(const FlowEvent& e, std::uint64_t h) {
  const flow::FlowRecord& f = *e.flow;
  if (options_.tcp_only && f.proto != flow::kProtoTcp) return;
  if (flow::is_icmp(f.proto)) return;
  latest_ = std::max(latest_, f.start_ns);
  const PairKey key{e.initiator, e.responder, e.responder_port, f.proto};
  if (!e.initiator_is_src) {
    // The target's answers only add to a pair already followed.
    if (auto* entry = table_.find(key, h)) {
      entry->value.reply_bytes += f.bytes;
      entry->value.packets += static_cast<std::uint32_t>(std::min<std::uint64_t>(f.packets, 1u << 20));
    }
    return;
  }
  if (!sketch::opens_connection(e)) return;
  Table::Entry* entry = table_.find(key, h);
  bool inserted = false, admitted_now = false;
  if (entry == nullptr) {
    if (options_.admission) {
      if (!admission_.seen_before(e, h)) return;  // the first attempt is remembered, not kept
      admitted_now = true;
    }
    std::tie(entry, inserted) = table_.find_or_insert(key, h, rng_, [](const Table::Entry& x) {
      return (std::uint64_t{std::min<std::uint32_t>(x.value.attempts, 255)} << 55) |
             ((x.value.last_seen >> 10) & ((std::uint64_t{1} << 55) - 1));
    });
  }
  PairState& s = entry->value;
  if (inserted) {
    s.first_seen = f.start_ns;
    s.minute_start = f.start_ns;
    s.next_check = static_cast<std::uint32_t>(std::min<std::uint64_t>(options_.min_attempts, UINT32_MAX));
    if (admitted_now) s.attempts = 1;  // the first attempt, counted but not measured
  }
  s.first_seen = std::min(s.first_seen, f.start_ns);
  s.last_seen = std::max(s.last_seen, f.end_ns);
  s.bytes += f.bytes;
  s.packets += static_cast<std::uint32_t>(std::min<std::uint64_t>(f.packets, 1u << 20));
  if (s.attempts != UINT32_MAX) ++s.attempts;
  const TimeNs duration = f.duration_ns();
  s.busy += duration;
  if (duration <= options_.max_duration && f.bytes <= options_.max_bytes) ++s.short_attempts;
  if (sketch::tcp_attempt_outcome(e) == sketch::AttemptOutcome::failed) ++s.failed;
  s.sizes.add(static_cast<std::uint32_t>(std::min<std::uint64_t>(f.bytes, UINT32_MAX)), rng_);
  s.durations_ms.add(static_cast<std::uint32_t>(std::min<TimeNs>(duration / kNsPerMs, UINT32_MAX)), rng_);
  // Attempts per minute in consecutive one-minute bins; out-of-order starts fall into the current bin.
  if (f.start_ns >= s.minute_start + 60 * kNsPerSecond) {
    s.minute_start = f.start_ns;
    s.minute_count = 0;
  }
  if (s.minute_count != UINT16_MAX) ++s.minute_count;
  s.peak_per_minute = std::max(s.peak_per_minute, s.minute_count);
  if (s.attempts >= s.next_check) {
    s.next_check = s.next_check >= (1u << 30) ? UINT32_MAX : s.next_check * 2;
    check(key, s, pending_);
  }
}

void BruteForceDetector::check(const PairKey& key, PairState& s, std::vector<Finding>& out, bool final) {
  if (s.attempts < options_.min_attempts) return;
  Grade g;
  g.volume = std::min(1.0, 0.5 + 0.5 * std::log10(static_cast<double>(s.attempts) / options_.min_attempts));
  g.rate = std::min(1.0, s.peak_per_minute / options_.full_rate);
  std::array<double, 16> values;
  std::size_t n = 0;
  for (auto v : s.sizes.items()) values[n++] = v;
  const auto sizes = sketch::dispersion({values.data(), n}, 10, 1, 0);
  g.similarity = sizes.score;
  g.size_median = sizes.median;
  g.size_mad = sizes.mad;
  n = 0;
  for (auto v : s.durations_ms.items()) values[n++] = v;
  std::sort(values.begin(), values.begin() + n);
  g.duration_median_s = sketch::quantile_sorted({values.data(), n}, 0.5) / 1000.0;
  g.shortness = static_cast<double>(s.short_attempts) / s.attempts;
  g.failure = static_cast<double>(s.failed) / s.attempts;
  // The duty cycle: attempts follow each other back to back (or run in
  // parallel, above 1), where a beacon or a polling client idles between
  // contacts on a timer. From metadata alone it is what tells a fast TLS
  // beacon from a sequential password guesser. Refused attempts last no
  // time; a beacon is answered, so their share stands in for the duty.
  const double span = static_cast<double>(std::max<TimeNs>(s.last_seen - s.first_seen, kNsPerSecond));
  g.duty_cycle = static_cast<double>(s.busy) / span;
  g.duty = std::min(1.0, g.duty_cycle / options_.full_duty);
  // Alike short attempts in volume; the intensity (rate and duty cycle)
  // scales it, so that a monitoring job logging in every few minutes and a
  // client polling on a timer stay low.
  const double shape = 0.25 * g.volume + 0.30 * g.similarity + 0.30 * g.shortness + 0.15 * g.failure;
  g.total = 100.0 * shape * (0.3 + 0.7 * std::min(g.rate, std::max(g.duty, g.failure)));
  if (g.total < options_.threshold) return;
  if (s.reported_score > 0 && g.total < s.reported_score + options_.rereport_delta &&
      !(final && s.attempts > s.reported_attempts))
    return;
  s.reported_score = static_cast<std::uint8_t>(std::clamp(g.total, 1.0, 100.0));
  s.reported_attempts = s.attempts;
  Finding f;
  f.kind = FindingKind::brute_force;
  f.detector = "brute_force";
  f.endpoint = key.source;
  f.role = "brute_forcer";
  f.ports = {key.port};
  f.proto = key.proto;
  f.score = std::round(g.total * 10) / 10;
  f.first_seen = s.first_seen;
  f.last_seen = s.last_seen;
  f.flows = s.attempts;
  f.packets = s.packets;
  f.bytes = s.bytes + s.reply_bytes;
  f.peers = 1;
  f.sample_peers = {key.target};
  f.sample_times = {s.first_seen, s.last_seen};
  f.metrics = {{"attempts", s.attempts},
               {"short_attempts", s.short_attempts},
               {"failed_attempts", s.failed},
               {"peak_attempts_per_minute", s.peak_per_minute},
               {"size_median_bytes", g.size_median},
               {"size_mad_bytes", g.size_mad},
               {"duration_median_s", g.duration_median_s},
               {"score_volume", g.volume},
               {"duty_cycle", g.duty_cycle},
               {"score_rate", g.rate},
               {"score_duty", g.duty},
               {"score_similarity", g.similarity},
               {"score_shortness", g.shortness},
               {"score_failure", g.failure}};
  f.summary = fmt::format(
      "{} attempts from {} to {}:{} in {:.0f} s (peak {}/min), ~{:.0f} bytes each (MAD {:.0f}), median "
      "{:.1f} s, {} unanswered",
      s.attempts, key.source.to_string(), key.target.to_string(), key.port,
      static_cast<double>(s.last_seen - s.first_seen) / kNsPerSecond, s.peak_per_minute, g.size_median,
      g.size_mad, g.duration_median_s, s.failed);
  out.push_back(std::move(f));
}

void BruteForceDetector::emit(TimeNs now, bool final, std::vector<Finding>& out) {
  for (auto& f : pending_) out.push_back(std::move(f));
  pending_.clear();
  now = std::max(now, latest_);
  if (final) {
    table_.for_each([&](Table::Entry& e) { check(e.key, e.value, out, true); });
    return;
  }
  if (now >= next_sweep_) {
    const TimeNs horizon = now > options_.idle_timeout ? now - options_.idle_timeout : 0;
    table_.erase_if([&](const Table::Entry& e) { return e.value.last_seen < horizon; });
    next_sweep_ = now + std::max<TimeNs>(options_.idle_timeout / 4, kNsPerSecond);
  }
}

std::size_t BruteForceDetector::memory_bytes() const noexcept {
  return sizeof(*this) + table_.memory_bytes() + admission_.memory_bytes() +
         pending_.capacity() * sizeof(Finding);
}

Result<std::unique_ptr<Detector>> make_brute_force_detector(const DetectorOptions& options,
                                                            const DetectorLimits& limits) {
  BruteForceOptions b;
  sketch::OptionReader o(options, "brute_force");
  b.min_attempts = o.count("min_attempts", b.min_attempts, 3, UINT32_MAX);
  b.max_duration = o.duration("max_duration", b.max_duration, kNsPerMs);
  b.max_bytes = o.count("max_bytes", b.max_bytes, 40);
  b.full_rate = o.number("full_rate", b.full_rate, 1, 1e6);
  b.full_duty = o.number("full_duty", b.full_duty, 0.001, 100);
  b.threshold = o.number("threshold", b.threshold, 0, 100);
  b.rereport_delta = o.number("rereport_delta", b.rereport_delta, 0, 100);
  b.idle_timeout = o.duration("idle_timeout", b.idle_timeout, kNsPerSecond);
  b.tcp_only = o.flag("tcp_only", b.tcp_only);
  b.admission = o.flag("admission", b.admission);
  b.admission_capacity = o.count("admission_capacity", b.admission_capacity);
  b.seed = o.count("seed", b.seed);
  if (auto st = o.finish(); !st) return tl::unexpected(st.error());
  return std::unique_ptr<Detector>(std::make_unique<BruteForceDetector>(b, limits));
}

void register_brute_force(DetectorRegistry& registry) {
  registry.add(
      DetectorInfo{"brute_force",
                   "brute force: many short, alike connections from one source to one service, on any port",
                   make_brute_force_detector,
                   true,
                   {{"min_attempts", "20", "connections before a (source, service) pair is scored"},
                    {"max_duration", "30s", "an attempt is short up to this long ..."},
                    {"max_bytes", "65536", "... and this many bytes from the source"},
                    {"full_rate", "20", "attempts in one minute for a full rate score"},
                    {"full_duty", "0.3", "attempts' total duration / active span for a full duty score"},
                    {"threshold", "60", "report pairs scoring at least this (0-100)"},
                    {"rereport_delta", "10", "report a pair again when its score rose this much"},
                    {"idle_timeout", "1h", "pairs quiet this long are dropped"},
                    {"tcp_only", "true", "only TCP services (authentication runs over TCP)"},
                    {"admission", "true", "pairs get state from their second connection"},
                    {"admission_capacity", "0",
                     "first contacts per generation of an own filter (0: the engine's shared pair filter, "
                     "four times max_tracked)"},
                    {"seed", "1", "seed of eviction sampling"}}});
}

}  // namespace mamori::detect
