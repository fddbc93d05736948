#include "mamori/detect/beaconing/beaconing_detector.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <tuple>
#include <unordered_map>

#include "mamori/detect/builtin.hpp"
#include "mamori/detect/sketch/batch_prefetch.hpp"
#include "mamori/detect/sketch/flow_traits.hpp"
#include "mamori/detect/sketch/hash.hpp"
#include "mamori/detect/sketch/option_reader.hpp"

namespace mamori::detect {

namespace {

struct ServerKey {
  IpAddress server;
  std::uint16_t port = 0;
  std::uint8_t proto = 0;
  friend bool operator==(const ServerKey&, const ServerKey&) = default;
};
struct ServerKeyHash {
  std::size_t operator()(const ServerKey& k) const noexcept {
    return sketch::hash_combine(sketch::hash_address(k.server), (std::uint64_t{k.port} << 8) | k.proto);
  }
};

std::string proto_name(std::uint8_t proto) {
  switch (proto) {
    case flow::kProtoTcp:
      return "tcp";
    case flow::kProtoUdp:
      return "udp";
    case flow::kProtoIcmp:
      return "icmp";
    case flow::kProtoIcmpV6:
      return "icmpv6";
    default:
      return fmt::format("proto {}", proto);
  }
}

}  // namespace

BeaconingDetector::BeaconingDetector(BeaconingOptions options, DetectorLimits limits)
    : options_(options),
      table_(limits.max_tracked),
      rng_(options.seed),
      // The engine's shared answer is keyed with the port: it applies when pairs are.
      admission_(options.admission_capacity ? options.admission_capacity : 4 * limits.max_tracked,
                 options.by_port && options.admission_capacity == 0) {
  // Level 12 of the schedule is one bucket per window/24 (an hour for a day).
  finest_ns_ = std::max<TimeNs>(kNsPerMs, options_.window / BeaconingDetector::kBuckets >> 12);
}

std::uint64_t BeaconingDetector::finest_units(TimeNs t) const noexcept {
  return t > anchor_ ? (t - anchor_) / finest_ns_ : 0;
}

void BeaconingDetector::start_epoch(TimeNs at) {
  table_.clear();
  clients_.clear();
  anchor_ = at;
  latest_ = at;
  level_ = 0;
  next_check_ = at + options_.check_interval;
  started_ = true;
}

void BeaconingDetector::observe(std::span<const FlowEvent> events) {
  sketch::for_each_prefetched(
      events,
      [this](const FlowEvent& e) -> std::uint64_t {
        if (!sketch::responder_is_candidate_server(e)) return 0;
        return options_.by_port ? e.pair_hash
                                : pair_hash_of(e.initiator_hash, e.responder_hash, 0, e.flow->proto);
      },
      [this](const FlowEvent& e, std::uint64_t h) {
        if (h == 0) return;
        table_.prefetch_slot(h);
        if (options_.admission) admission_.prefetch(e, h);
      },
      [this](const FlowEvent&, std::uint64_t h) {
        if (h != 0) table_.prefetch_entry(h);
      },
      [this](const FlowEvent& e, std::uint64_t h) { observe_one(e, h); });
}

void BeaconingDetector::observe_one(const FlowEvent& e, std::uint64_t h) {
  if (!sketch::responder_is_candidate_server(e)) return;
  if (!e.responder_foreign && !options_.include_domestic) return;
  const flow::FlowRecord& f = *e.flow;
  const TimeNs t = f.start_ns;
  if (!started_) {
    start_epoch(t);
  } else if (t >= anchor_ + options_.window) {
    score(anchor_ + options_.window, true, pending_findings_);
    start_epoch(anchor_ + (t - anchor_) / options_.window * options_.window);
  } else if (t < anchor_) {
    return;  // belongs to an epoch already scored
  }
  if (t > latest_) {
    latest_ = t;
    level_ = sketch::covering_level<kBuckets>(finest_units(t));
  }

  const PairKey key{e.initiator, e.responder, options_.by_port ? e.responder_port : std::uint16_t{0},
                    f.proto};
  Table::Entry* entry = table_.find(key, h);
  bool inserted = false, admitted_now = false;
  if (entry == nullptr) {
    if (options_.admission) {
      // Only a connection admits a pair; its first one is remembered, not kept.
      if (!e.initiator_is_src || !sketch::opens_connection(e) || !admission_.seen_before(e, h)) return;
      admitted_now = true;
    }
    std::tie(entry, inserted) = table_.find_or_insert(key, h, rng_, [](const Table::Entry& x) {
      // Evict pairs with little evidence first, then the stalest.
      return (std::uint64_t{std::min<std::uint32_t>(x.value.connections, 15)} << 58) |
             ((x.value.last_seen >> 10) & ((std::uint64_t{1} << 58) - 1));
    });
  }
  PairState& s = entry->value;
  if (inserted) {
    s.first_seen = t;
    clients_.add(e.initiator_hash);
    if (admitted_now) s.connections = 1;  // the first connection, counted but not timed
  }
  s.first_seen = std::min(s.first_seen, t);
  s.last_seen = std::max(s.last_seen, std::max(t, f.end_ns));
  s.packets += f.packets;
  if (!e.initiator_is_src) {
    s.reply_bytes += f.bytes;
    return;
  }
  s.bytes += f.bytes;
  if (!sketch::opens_connection(e)) return;
  if (s.connections != UINT32_MAX) ++s.connections;
  s.dirty = true;
  if (!sketch::ntp_shaped(f, e.responder_port)) s.ntp_shaped = false;
  s.sizes.add(static_cast<std::uint32_t>(std::min<std::uint64_t>(f.bytes, UINT32_MAX)), rng_);
  s.histogram.add(finest_units(t), level_);
  s.pending_ms[s.pending_count++] =
      static_cast<std::uint32_t>(std::min<TimeNs>((t - anchor_) / kNsPerMs, UINT32_MAX - 1));
  if (s.pending_count == kPending) flush_pending(s);
}

void BeaconingDetector::flush_pending(PairState& s) {
  // Contacts arrive in export order, not start order: sorting a block before
  // taking differences undoes reordering within the block.
  std::sort(s.pending_ms.begin(), s.pending_ms.begin() + s.pending_count);
  std::uint32_t previous = s.bridge_ms;
  for (std::uint8_t i = 0; i < s.pending_count; ++i) {
    const std::uint32_t v = s.pending_ms[i];
    if (previous != UINT32_MAX && v > previous) s.intervals_ms.add(v - previous, rng_);
    if (previous == UINT32_MAX || v > previous) previous = v;
  }
  s.bridge_ms = previous;
  for (std::size_t i = 0; i < s.flushed_ms.size(); ++i)
    s.flushed_ms[i] = s.pending_ms[s.pending_count - s.flushed_ms.size() + i];
  s.pending_count = 0;
}

void BeaconingDetector::score(TimeNs now, bool all, std::vector<Finding>& out) {
  if (!started_) return;
  // The epoch is [anchor, anchor + window): its end is the last unit inside it,
  // or the histogram would step to a coarser level for one unit past the end.
  const TimeNs end = std::clamp(std::max(now, latest_), anchor_, anchor_ + options_.window - 1);
  const std::uint64_t end_units = finest_units(end);
  const std::uint8_t level = std::max(level_, sketch::covering_level<kBuckets>(end_units));
  const std::size_t elapsed = std::min<std::size_t>(kBuckets, (end_units >> level) + 1);
  const double window_span_s = static_cast<double>(end - anchor_) / kNsPerSecond;

  struct Scored {
    Table::Entry* entry;
    BeaconScore score;
    double final_score;
  };
  std::vector<Scored> candidates;
  std::array<double, kSample + kPending> intervals;
  std::array<double, kSample> sizes;
  std::array<std::uint32_t, kPending + 4> pending;  // room for the flushed contacts too
  table_.for_each([&](Table::Entry& entry) {
    PairState& s = entry.value;
    if (!(all || s.dirty) || s.connections < options_.min_connections) return;
    s.dirty = false;
    std::size_t n = 0;
    for (std::uint32_t v : s.intervals_ms.items()) intervals[n++] = v / 1000.0;
    std::copy_n(s.pending_ms.begin(), s.pending_count, pending.begin());
    std::sort(pending.begin(), pending.begin() + s.pending_count);
    std::uint32_t previous = s.bridge_ms;
    for (std::uint8_t i = 0; i < s.pending_count; ++i) {
      if (previous != UINT32_MAX && pending[i] > previous) intervals[n++] = (pending[i] - previous) / 1000.0;
      if (previous == UINT32_MAX || pending[i] > previous) previous = pending[i];
    }
    if (n < 3) return;  // RITA needs three non-zero intervals
    std::size_t m = 0;
    for (std::uint32_t v : s.sizes.items()) sizes[m++] = v;
    auto histogram = s.histogram;
    histogram.align(level);
    BeaconSample sample;
    sample.intervals_s = {intervals.data(), n};
    sample.sizes = {sizes.data(), m};
    sample.buckets = {histogram.counts().data(), elapsed};
    sample.pair_span_s = static_cast<double>(s.last_seen - s.first_seen) / kNsPerSecond;
    sample.window_span_s = window_span_s;
    sample.connections = s.connections;
    BeaconScore r = score_beacon(sample, options_.score);
    if (r.ts < options_.min_ts_score) return;
    double total = r.total;
    if (s.ntp_shaped) total *= options_.ntp_factor;
    if (total >= options_.threshold) candidates.push_back({&entry, r, total});
  });
  if (candidates.empty()) return;

  // Popularity: the share of all of the epoch's clients that talk to the server.
  std::unordered_map<ServerKey, std::uint32_t, ServerKeyHash> clients_per_server;
  const double population = clients_.estimate();
  for (const auto& c : candidates)
    clients_per_server.emplace(ServerKey{c.entry->key.server, c.entry->key.port, c.entry->key.proto}, 0);
  table_.for_each([&](Table::Entry& entry) {
    auto it = clients_per_server.find(ServerKey{entry.key.server, entry.key.port, entry.key.proto});
    if (it != clients_per_server.end()) ++it->second;
  });

  struct Group {
    std::vector<const Scored*> members;
    double best = -1;
    const Scored* top = nullptr;
    double reported = 0;
    bool any_reported = false;
    bool grown = false;  // more connections than when last reported
  };
  std::unordered_map<ServerKey, Group, ServerKeyHash> groups;
  for (auto& c : candidates) {
    const ServerKey k{c.entry->key.server, c.entry->key.port, c.entry->key.proto};
    const double share = population > 0 ? clients_per_server[k] / population : 0;
    if (population >= static_cast<double>(options_.prevalence_min_clients) &&
        share >= options_.prevalence_max)
      c.final_score *= options_.prevalence_factor;
    if (c.final_score < options_.threshold) continue;
    Group& g = groups[k];
    g.members.push_back(&c);
    if (c.final_score > g.best) {
      g.best = c.final_score;
      g.top = &c;
    }
    if (c.entry->value.connections > c.entry->value.reported_connections) g.grown = true;
    if (c.entry->value.reported_score > 0) {
      g.any_reported = true;
      g.reported = std::max<double>(g.reported, c.entry->value.reported_score);
    }
  }

  for (auto it = groups.begin(); it != groups.end();) {
    const double repeat_clients = clients_per_server[it->first];
    Group& g = it->second;
    if (repeat_clients >= static_cast<double>(options_.minority_min_clients) &&
        static_cast<double>(g.members.size()) < options_.minority_share * repeat_clients) {
      g.best *= options_.minority_factor;
      if (g.best < options_.threshold) {
        it = groups.erase(it);
        continue;
      }
    }
    ++it;
  }

  for (auto& [key, g] : groups) {
    // Within an epoch a server is reported again when its score rose; when the
    // epoch closes (or input ends), again with the latest evidence if it grew.
    if (g.any_reported && g.best < g.reported + options_.rereport_delta && !(all && g.grown)) continue;
    const Scored& top = *g.top;
    const PairState& ts = top.entry->value;
    const BeaconScore& r = top.score;
    Finding f;
    f.kind = FindingKind::beaconing;
    f.detector = "beaconing";
    f.endpoint = key.server;
    f.role = "c2_server";
    if (key.port != 0) f.ports.push_back(key.port);
    f.proto = key.proto;
    f.score = std::round(std::min(100.0, g.best) * 10) / 10;
    f.first_seen = UINT64_MAX;
    for (const Scored* m : g.members) {
      const PairState& s = m->entry->value;
      f.first_seen = std::min(f.first_seen, s.first_seen);
      f.last_seen = std::max(f.last_seen, s.last_seen);
      f.flows += s.connections;
      f.packets += s.packets;
      f.bytes += s.bytes + s.reply_bytes;
      if (f.sample_peers.size() < 5) f.sample_peers.push_back(m->entry->key.client);
    }
    f.peers = g.members.size();
    // The first contact and the latest few (from the open block, or the last flushed one).
    f.sample_times.push_back(ts.first_seen);
    std::size_t n = 0;
    if (ts.bridge_ms != UINT32_MAX)
      for (std::uint32_t v : ts.flushed_ms) pending[n++] = v;
    for (std::uint8_t i = 0; i < ts.pending_count && n < pending.size(); ++i) pending[n++] = ts.pending_ms[i];
    std::sort(pending.begin(), pending.begin() + n);
    for (std::size_t i = n > 5 ? n - 5 : 0; i < n; ++i) {
      const TimeNs t = anchor_ + TimeNs{pending[i]} * kNsPerMs;
      if (t > f.sample_times.back()) f.sample_times.push_back(t);
    }
    const double clients_total = clients_per_server[key];
    f.metrics = {{"score_ts", r.ts},
                 {"score_ds", r.ds},
                 {"score_hist", r.hist},
                 {"score_dur", r.dur},
                 {"score_count", r.count},
                 {"interval_median_s", r.interval_median_s},
                 {"interval_mad_s", r.interval_mad_s},
                 {"interval_skew", r.ts_skew},
                 {"size_median_bytes", r.size_median},
                 {"size_mad_bytes", r.size_mad},
                 {"size_skew", r.ds_skew},
                 {"hist_cv_score", r.cv_score},
                 {"hist_bimodal_score", r.bimodal_score},
                 {"buckets_seen", r.buckets_seen},
                 {"buckets_elapsed", static_cast<double>(elapsed)},
                 {"bucket_width_s", static_cast<double>(finest_ns_ << level) / kNsPerSecond},
                 {"longest_run", r.longest_run},
                 {"coverage", r.coverage},
                 {"connections", ts.connections},
                 {"beaconing_clients", static_cast<double>(g.members.size())},
                 {"server_clients", clients_total},
                 {"client_population", population},
                 {"ntp_shaped", ts.ntp_shaped ? 1.0 : 0.0}};
    char server_text[IpAddress::kMaxTextLength];
    const std::size_t server_length = key.server.format_to(server_text);
    f.summary = fmt::format(
        "{} client(s) beaconing to {}:{}/{} every ~{:.1f} s (MAD {:.1f} s), {} connections over {:.0f} s, "
        "~{:.0f} bytes each; "
        "{} of {} buckets of {:.0f} s active",
        g.members.size(), std::string_view(server_text, server_length), key.port, proto_name(key.proto),
        r.interval_median_s, r.interval_mad_s, ts.connections,
        static_cast<double>(ts.last_seen - ts.first_seen) / kNsPerSecond, r.size_median, r.buckets_seen,
        elapsed, static_cast<double>(finest_ns_ << level) / kNsPerSecond);
    out.push_back(std::move(f));
    for (const Scored* m : g.members) {
      m->entry->value.reported_score = static_cast<std::uint8_t>(std::clamp(m->final_score, 1.0, 100.0));
      m->entry->value.reported_connections = m->entry->value.connections;
    }
  }
}

void BeaconingDetector::emit(TimeNs now, bool final, std::vector<Finding>& out) {
  for (auto& f : pending_findings_) out.push_back(std::move(f));
  pending_findings_.clear();
  if (!started_) return;
  if (final) {
    score(now, true, out);
  } else if (now >= anchor_ + options_.window) {
    score(anchor_ + options_.window, true, out);
    start_epoch(anchor_ + (now - anchor_) / options_.window * options_.window);
  } else if (now >= next_check_) {
    score(now, false, out);
    next_check_ = now + options_.check_interval;
  }
}

std::size_t BeaconingDetector::memory_bytes() const noexcept {
  return sizeof(*this) + table_.memory_bytes() + admission_.memory_bytes() +
         pending_findings_.capacity() * sizeof(Finding);
}

Result<std::unique_ptr<Detector>> make_beaconing_detector(const DetectorOptions& options,
                                                          const DetectorLimits& limits) {
  BeaconingOptions b;
  sketch::OptionReader o(options, "beaconing");
  b.window = o.duration("window", b.window, 24 * kNsPerSecond);
  b.check_interval = o.duration("check_interval", b.check_interval, kNsPerSecond);
  b.min_connections = o.count("min_connections", b.min_connections, 4);  // three intervals at least
  b.threshold = o.number("threshold", b.threshold, 0, 100);
  b.min_ts_score = o.number("min_ts_score", b.min_ts_score, 0, 1);
  b.by_port = o.flag("by_port", b.by_port);
  b.include_domestic = o.flag("include_domestic", b.include_domestic);
  b.rereport_delta = o.number("rereport_delta", b.rereport_delta, 0, 100);
  b.ntp_factor = o.number("ntp_factor", b.ntp_factor, 0, 1);
  b.prevalence_max = o.number("prevalence_max", b.prevalence_max, 0, 1);
  b.prevalence_min_clients = o.count("prevalence_min_clients", b.prevalence_min_clients);
  b.prevalence_factor = o.number("prevalence_factor", b.prevalence_factor, 0, 1);
  b.minority_min_clients = o.count("minority_min_clients", b.minority_min_clients, 1);
  b.minority_share = o.number("minority_share", b.minority_share, 0, 1);
  b.minority_factor = o.number("minority_factor", b.minority_factor, 0, 1);
  b.admission = o.flag("admission", b.admission);
  b.admission_capacity = o.count("admission_capacity", b.admission_capacity);
  b.seed = o.count("seed", b.seed);
  BeaconScoreParams& s = b.score;
  s.ts_weight = o.number("ts_weight", s.ts_weight, 0, 1);
  s.ds_weight = o.number("ds_weight", s.ds_weight, 0, 1);
  s.hist_weight = o.number("hist_weight", s.hist_weight, 0, 1);
  s.dur_weight = o.number("dur_weight", s.dur_weight, 0, 1);
  s.count_weight = o.number("count_weight", s.count_weight, 0, 1);
  s.skew_min_iqr_s =
      static_cast<double>(o.duration("skew_min_iqr", static_cast<TimeNs>(s.skew_min_iqr_s * kNsPerSecond))) /
      kNsPerSecond;
  s.min_interval_s =
      static_cast<double>(o.duration("min_interval", static_cast<TimeNs>(s.min_interval_s * kNsPerSecond))) /
      kNsPerSecond;
  s.count_full = static_cast<double>(o.count("count_full", static_cast<std::uint64_t>(s.count_full), 1));
  s.dur_min_buckets =
      static_cast<unsigned>(o.count("dur_min_buckets", s.dur_min_buckets, 1, BeaconingDetector::kBuckets));
  s.dur_ideal_run =
      static_cast<unsigned>(o.count("dur_ideal_run", s.dur_ideal_run, 1, BeaconingDetector::kBuckets));
  s.mode_sensitivity = o.number("mode_sensitivity", s.mode_sensitivity, 0, 1);
  s.bimodal_min_buckets = static_cast<unsigned>(
      o.count("bimodal_min_buckets", s.bimodal_min_buckets, 3, BeaconingDetector::kBuckets));
  if (auto st = o.finish(); !st) return tl::unexpected(st.error());
  if (s.ts_weight + s.ds_weight + s.hist_weight + s.dur_weight + s.count_weight <= 0)
    return fail(Errc::invalid_argument, "beaconing: the weights sum to zero");
  return std::unique_ptr<Detector>(std::make_unique<BeaconingDetector>(b, limits));
}

void register_beaconing(DetectorRegistry& registry) {
  registry.add(DetectorInfo{
      "beaconing",
      "RITA-style beaconing: regular intervals and sizes from clients to one server over the window",
      make_beaconing_detector,
      true,
      {{"window", "24h", "epoch: pairs are scored and reset when it closes"},
       {"check_interval", "1h", "how often (flow time) changed pairs are scored within an epoch"},
       {"min_connections", "6", "connections a pair needs before it is scored"},
       {"threshold", "70", "report pairs scoring at least this (0-100)"},
       {"min_ts_score", "0.6", "and at least this timing regularity (0-1)"},
       {"by_port", "true", "pairs include the server port"},
       {"include_domestic", "true", "also pairs whose ends are both domestic (unselected data)"},
       {"rereport_delta", "10", "report a server again within an epoch when its score rose this much"},
       {"ntp_factor", "0.5", "score factor for NTP-shaped exchanges on UDP/123"},
       {"prevalence_max", "0.3", "share of all clients above which a server counts as popular"},
       {"prevalence_min_clients", "50", "clients needed before that share means anything"},
       {"prevalence_factor", "0.5", "score factor for popular servers"},
       {"minority_min_clients", "10", "repeat clients a server needs before the minority rule applies"},
       {"minority_share", "0.25", "below this share of beaconing clients among them ..."},
       {"minority_factor", "0.5", "... the server's score is multiplied by this"},
       {"admission", "true",
        "pairs get state from their second connection (first contacts in a Bloom filter)"},
       {"admission_capacity", "0",
        "first contacts per generation of an own filter (0: the engine's shared pair filter, four times "
        "max_tracked)"},
       {"seed", "1", "seed of the reservoirs and eviction sampling"},
       {"ts_weight", "0.3", "weight of interval regularity"},
       {"ds_weight", "0.2", "weight of size regularity"},
       {"hist_weight", "0.2", "weight of the hourly histogram"},
       {"dur_weight", "0.2", "weight of duration coverage"},
       {"count_weight", "0.1", "weight of the connection count"},
       {"skew_min_iqr", "10s", "interval IQR below which skewness is left at 0 (RITA)"},
       {"min_interval", "1s", "a median interval below this earns no timing score (bursts)"},
       {"count_full", "24", "connections for a full count score"},
       {"dur_min_buckets", "6", "non-empty buckets before duration is scored"},
       {"dur_ideal_run", "12", "longest run of non-empty buckets for a full duration score"},
       {"mode_sensitivity", "0.05", "histogram bin width as a share of the tallest bucket (RITA)"},
       {"bimodal_min_buckets", "11", "non-empty buckets before the bimodal fit counts"}}});
}

}  // namespace mamori::detect
