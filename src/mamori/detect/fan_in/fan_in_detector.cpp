#include "mamori/detect/fan_in/fan_in_detector.hpp"

#include <fmt/format.h>

#include <algorithm>
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

// From the server's sketch::hash_address (FlowEvent::responder_hash).
std::uint64_t server_hash(std::uint64_t server, std::uint16_t port, std::uint8_t proto) noexcept {
  return sketch::hash_combine(server, (std::uint64_t{port} << 8) | proto);
}

template <std::size_t N>
sketch::Dispersion dispersion_of(const sketch::Reservoir<std::uint32_t, N>& r, double min_iqr,
                                 double min_median) {
  std::array<double, N> values;
  std::size_t n = 0;
  for (auto v : r.items()) values[n++] = v;
  return sketch::dispersion({values.data(), n}, min_iqr, min_median, 0);
}

}  // namespace

FanInDetector::FanInDetector(FanInOptions options, DetectorLimits limits)
    : options_(options),
      table_(limits.max_tracked),
      rng_(options.seed),
      admission_(options.admission
                     ? (options.admission_capacity ? options.admission_capacity : 4 * limits.max_tracked)
                     : 64,
                 0.05, 1) {}

void FanInDetector::observe(std::span<const FlowEvent> events) {
  sketch::for_each_prefetched(
      events,
      [](const FlowEvent& e) -> std::uint64_t {
        return sketch::responder_is_candidate_server(e)
                   ? server_hash(e.responder_hash, e.responder_port, e.flow->proto)
                   : 0;
      },
      [this](const FlowEvent&, std::uint64_t h) {
        if (h == 0) return;
        table_.prefetch_slot(h);
        if (options_.admission) admission_.prefetch(h);
      },
      [this](const FlowEvent&, std::uint64_t h) {
        if (h != 0) table_.prefetch_entry(h);
      },
      [this](const FlowEvent& e, std::uint64_t h) { observe_one(e, h); });
}

void FanInDetector::follow(ServerState& s, std::uint32_t client_hash, std::uint32_t at_ms) {
  // Bottom-k: the clients with the smallest hashes are followed, the same ones
  // whatever the order they appear in, so each followed client's returns are seen.
  std::size_t largest = 0;
  for (std::size_t i = 0; i < s.followed_count; ++i) {
    Followed& c = s.followed[i];
    if (c.hash == client_hash) {
      if (at_ms > c.last_ms) {
        s.return_intervals_ms.add(at_ms - c.last_ms, rng_);
        c.last_ms = at_ms;
      }
      return;
    }
    if (c.hash > s.followed[largest].hash) largest = i;
  }
  if (s.followed_count < kFollowed) {
    s.followed[s.followed_count++] = {client_hash, at_ms};
  } else if (client_hash < s.followed[largest].hash) {
    s.followed[largest] = {client_hash, at_ms};
  }
}

void FanInDetector::observe_one(const FlowEvent& e, std::uint64_t h) {
  if (!sketch::responder_is_candidate_server(e)) return;
  if (e.locality_known && !e.responder_foreign && !options_.include_domestic) return;
  const flow::FlowRecord& f = *e.flow;
  if (flow::is_icmp(f.proto)) return;
  latest_ = std::max(latest_, f.start_ns);
  const ServerKey key{e.responder, e.responder_port, f.proto};
  if (!e.initiator_is_src) {
    if (auto* entry = table_.find(key, h)) {
      ServerState& s = entry->value;
      s.reply_bytes += f.bytes;
      s.packets += static_cast<std::uint32_t>(std::min<std::uint64_t>(f.packets, 1u << 20));
      // One reply size per connection: the record that carries the SYN-ACK, or any non-TCP record.
      if (f.proto != flow::kProtoTcp || (f.tcp_flags & sketch::kTcpSyn) != 0 || f.tcp_flags == 0)
        s.reply_sizes.add(static_cast<std::uint32_t>(std::min<std::uint64_t>(f.bytes, UINT32_MAX)), rng_);
    }
    return;
  }
  if (!sketch::opens_connection(e)) return;
  Table::Entry* entry = table_.find(key, h);
  bool inserted = false, admitted_now = false;
  if (entry == nullptr) {
    if (options_.admission) {
      if (!admission_.test_and_set(h)) return;  // the first connection is remembered, not kept
      admitted_now = true;
    }
    std::tie(entry, inserted) = table_.find_or_insert(key, h, rng_, [](const Table::Entry& x) {
      return (std::uint64_t{std::min<std::uint32_t>(x.value.connections, 255)} << 55) |
             ((x.value.last_seen >> 10) & ((std::uint64_t{1} << 55) - 1));
    });
  }
  ServerState& s = entry->value;
  if (inserted) {
    s.first_seen = f.start_ns;
    s.next_check = static_cast<std::uint32_t>(std::min<std::uint64_t>(options_.min_clients, UINT32_MAX));
    if (admitted_now) s.connections = 1;  // the first connection, counted but not measured
  }
  s.last_seen = std::max(s.last_seen, f.end_ns);
  s.bytes += f.bytes;
  s.packets += static_cast<std::uint32_t>(std::min<std::uint64_t>(f.packets, 1u << 20));
  if (s.connections != UINT32_MAX) ++s.connections;
  const std::uint64_t client_hash = e.initiator_hash;
  s.clients.add(client_hash);
  if (s.sample_count < s.sample_clients.size() &&
      std::find(s.sample_clients.begin(), s.sample_clients.begin() + s.sample_count, e.initiator) ==
          s.sample_clients.begin() + s.sample_count)
    s.sample_clients[s.sample_count++] = e.initiator;
  if (!sketch::ntp_shaped(f, e.responder_port)) s.ntp_shaped = false;
  s.sizes.add(static_cast<std::uint32_t>(std::min<std::uint64_t>(f.bytes, UINT32_MAX)), rng_);
  const TimeNs offset = f.start_ns > s.first_seen ? f.start_ns - s.first_seen : 0;
  follow(s, static_cast<std::uint32_t>(client_hash >> 32),
         static_cast<std::uint32_t>(std::min<TimeNs>(offset / kNsPerMs, UINT32_MAX)));
  if (s.connections >= s.next_check) {
    s.next_check = s.next_check >= (1u << 30) ? UINT32_MAX : s.next_check * 2;
    check(key, s, pending_);
  }
}

void FanInDetector::check(const ServerKey& key, ServerState& s, std::vector<Finding>& out, bool final) {
  const double clients = s.clients.estimate();
  if (clients < static_cast<double>(options_.min_clients)) return;
  const auto sizes = dispersion_of(s.sizes, 10, 1);
  const auto replies = s.reply_sizes.size() >= 4 ? dispersion_of(s.reply_sizes, 10, 1) : sizes;
  const auto returns = dispersion_of(s.return_intervals_ms, 10'000, 1000);
  const double timing = s.return_intervals_ms.size() >= 4 && returns.median >= 1000 ? returns.score : 0.0;
  const double clients_score = std::min(1.0, 0.5 + 0.5 * std::log10(clients / options_.min_clients));
  const double per_client = s.connections / clients;
  const double repeat = std::clamp((per_client - 1.0) / 4.0, 0.0, 1.0);
  const double weights = options_.size_weight + options_.reply_weight + options_.timing_weight +
                         options_.clients_weight + options_.repeat_weight;
  const double total = 100.0 *
                       (options_.size_weight * sizes.score + options_.reply_weight * replies.score +
                        options_.timing_weight * timing + options_.clients_weight * clients_score +
                        options_.repeat_weight * repeat) /
                       weights * (s.ntp_shaped ? options_.ntp_factor : 1.0);
  if (total < options_.threshold) return;
  if (s.reported_score > 0 && total < s.reported_score + options_.rereport_delta &&
      !(final && s.connections > s.reported_connections))
    return;
  s.reported_score = static_cast<std::uint8_t>(std::clamp(total, 1.0, 100.0));
  s.reported_connections = s.connections;
  Finding f;
  f.kind = FindingKind::fan_in;
  f.detector = "fan_in";
  f.endpoint = key.server;
  f.role = "c2_server";
  f.ports = {key.port};
  f.proto = key.proto;
  f.score = std::round(total * 10) / 10;
  f.first_seen = s.first_seen;
  f.last_seen = s.last_seen;
  f.flows = s.connections;
  f.packets = s.packets;
  f.bytes = s.bytes + s.reply_bytes;
  f.peers = static_cast<std::uint64_t>(clients + 0.5);
  f.sample_peers.assign(s.sample_clients.begin(), s.sample_clients.begin() + s.sample_count);
  f.sample_times = {s.first_seen, s.last_seen};
  f.metrics = {{"distinct_clients", clients},
               {"connections_per_client", per_client},
               {"size_median_bytes", sizes.median},
               {"size_mad_bytes", sizes.mad},
               {"reply_median_bytes", replies.median},
               {"reply_mad_bytes", replies.mad},
               {"return_interval_median_s", returns.median / 1000.0},
               {"return_interval_mad_s", returns.mad / 1000.0},
               {"score_size", sizes.score},
               {"score_reply", replies.score},
               {"score_timing", timing},
               {"score_clients", clients_score},
               {"score_repeat", repeat}};
  f.summary = fmt::format(
      "~{:.0f} clients contact {}:{} alike: {} connections ({:.1f} per client), requests ~{:.0f} bytes (MAD "
      "{:.0f}), replies ~{:.0f} "
      "bytes, clients return every ~{:.0f} s (MAD {:.0f} s)",
      clients, key.server.to_string(), key.port, s.connections, per_client, sizes.median, sizes.mad,
      replies.median, returns.median / 1000.0, returns.mad / 1000.0);
  out.push_back(std::move(f));
}

void FanInDetector::emit(TimeNs now, bool final, std::vector<Finding>& out) {
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

std::size_t FanInDetector::memory_bytes() const noexcept {
  return sizeof(*this) + table_.memory_bytes() + admission_.memory_bytes() +
         pending_.capacity() * sizeof(Finding);
}

Result<std::unique_ptr<Detector>> make_fan_in_detector(const DetectorOptions& options,
                                                       const DetectorLimits& limits) {
  FanInOptions s;
  sketch::OptionReader o(options, "fan_in");
  s.min_clients = o.count("min_clients", s.min_clients, 2);
  s.threshold = o.number("threshold", s.threshold, 0, 100);
  s.include_domestic = o.flag("include_domestic", s.include_domestic);
  s.ntp_factor = o.number("ntp_factor", s.ntp_factor, 0, 1);
  s.rereport_delta = o.number("rereport_delta", s.rereport_delta, 0, 100);
  s.idle_timeout = o.duration("idle_timeout", s.idle_timeout, kNsPerSecond);
  s.size_weight = o.number("size_weight", s.size_weight, 0, 1);
  s.reply_weight = o.number("reply_weight", s.reply_weight, 0, 1);
  s.timing_weight = o.number("timing_weight", s.timing_weight, 0, 1);
  s.clients_weight = o.number("clients_weight", s.clients_weight, 0, 1);
  s.repeat_weight = o.number("repeat_weight", s.repeat_weight, 0, 1);
  s.admission = o.flag("admission", s.admission);
  s.admission_capacity = o.count("admission_capacity", s.admission_capacity);
  s.seed = o.count("seed", s.seed);
  if (auto st = o.finish(); !st) return tl::unexpected(st.error());
  if (s.size_weight + s.reply_weight + s.timing_weight + s.clients_weight + s.repeat_weight <= 0)
    return fail(Errc::invalid_argument, "fan_in: the weights sum to zero");
  return std::unique_ptr<Detector>(std::make_unique<FanInDetector>(s, limits));
}

void register_fan_in(DetectorRegistry& registry) {
  registry.add(DetectorInfo{
      "fan_in",
      "DISCLOSURE-style fan-in: many distinct clients contacting one server with uniform sizes and timing",
      make_fan_in_detector,
      true,
      {{"min_clients", "20", "distinct clients before a server is scored"},
       {"threshold", "80", "report servers scoring at least this (0-100)"},
       {"include_domestic", "false", "also domestic servers where foreignness is known"},
       {"ntp_factor", "0.5", "score factor for servers whose requests are all NTP-shaped"},
       {"rereport_delta", "10", "report a server again when its score rose this much"},
       {"idle_timeout", "6h", "servers quiet this long are dropped"},
       {"size_weight", "0.3", "weight of request size uniformity"},
       {"reply_weight", "0.1", "weight of reply size uniformity"},
       {"timing_weight", "0.3", "weight of return-interval regularity"},
       {"clients_weight", "0.15", "weight of the number of clients"},
       {"repeat_weight", "0.15", "weight of clients coming back"},
       {"admission", "true", "servers get state from their second connection"},
       {"admission_capacity", "0", "first contacts per filter generation (0: four times max_tracked)"},
       {"seed", "1", "seed of the reservoirs and eviction sampling"}}});
}

}  // namespace mamori::detect
