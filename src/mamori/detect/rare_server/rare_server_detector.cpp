#include "mamori/detect/rare_server/rare_server_detector.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "mamori/detect/builtin.hpp"
#include "mamori/detect/sketch/batch_prefetch.hpp"
#include "mamori/detect/sketch/flow_traits.hpp"
#include "mamori/detect/sketch/hash.hpp"
#include "mamori/detect/sketch/option_reader.hpp"

namespace mamori::detect {

namespace {

// 0 marks "no server" in the prefetch ring.
std::uint64_t server_hash(const IpAddress& server) noexcept {
  const std::uint64_t h = sketch::hash_address(server, 0x72617265ULL);
  return h == 0 ? 1 : h;
}

// Evidence first, then recency: a persistent server outlives one-off visits.
std::uint64_t keep_score(const RareServerDetector::Table::Entry& x) noexcept {
  return (std::uint64_t{std::min<std::uint32_t>(x.value.connections, 255)} << 55) |
         ((x.value.last_seen >> 10) & ((std::uint64_t{1} << 55) - 1));
}

std::string span_text(double seconds) {
  return seconds < 7200 ? fmt::format("{:.0f} min", seconds / 60) : fmt::format("{:.1f} h", seconds / 3600);
}

}  // namespace

RareServerDetector::RareServerDetector(RareServerOptions options, DetectorLimits limits)
    : options_(options),
      table_(limits.max_tracked),
      rng_(options.seed),
      known_(options.known_capacity ? options.known_capacity : 4 * limits.max_tracked, 0.01) {}

void RareServerDetector::observe(std::span<const FlowEvent> events) {
  if (events.empty()) return;
  if (!started_) {
    started_ = true;
    const TimeNs start = events.front().flow->start_ns;
    learn_until_ = options_.learn > UINT64_MAX - start ? UINT64_MAX : start + options_.learn;
  }
  sketch::for_each_prefetched(
      events,
      [this](const FlowEvent& e) -> std::uint64_t {
        if (!sketch::responder_is_candidate_server(e) || flow::is_icmp(e.flow->proto)) return 0;
        if (e.locality_known && !e.responder_foreign && !options_.include_domestic) return 0;
        return server_hash(e.responder);
      },
      [this](const FlowEvent&, std::uint64_t h) {
        if (h == 0) return;
        table_.prefetch_slot(h);
        known_.prefetch(h);
      },
      [this](const FlowEvent&, std::uint64_t h) {
        if (h != 0) table_.prefetch_entry(h);
      },
      [this](const FlowEvent& e, std::uint64_t h) {
        if (h != 0) observe_one(e, h);
      });
}

void RareServerDetector::observe_one(const FlowEvent& e, std::uint64_t h) {
  const flow::FlowRecord& f = *e.flow;
  latest_ = std::max(latest_, f.start_ns);
  if (f.start_ns < learn_until_) {
    // Any record counts while learning, replies and continuations too: the
    // question is only whether the network uses this server.
    if (!known_.test_and_set(h)) ++learned_;
    table_.erase(e.responder, h);  // a late record of the learning period
    return;
  }
  const bool opens = sketch::opens_connection(e);
  Table::Entry* entry = table_.find(e.responder, h);
  if (entry == nullptr) {
    // A server gets state at a connection only: a reply or a continuation
    // of a session begun before learning ended says nothing new.
    if (!opens || known_.refresh(h)) return;
    entry = table_.find_or_insert(e.responder, h, rng_, keep_score).first;
    entry->value.first_seen = f.start_ns;
    entry->value.proto = f.proto;
  }
  ServerState& s = entry->value;
  s.last_seen = std::max(s.last_seen, f.end_ns);
  s.bytes += f.bytes;
  s.packets += static_cast<std::uint32_t>(std::min<std::uint64_t>(f.packets, 1u << 20));
  if (!opens) return;

  const auto client = static_cast<std::uint32_t>(e.initiator_hash >> 32);
  const auto known_client = s.client_hashes.begin() + s.clients;
  if (std::find(s.client_hashes.begin(), known_client, client) == known_client) {
    if (s.clients >= options_.max_clients) {
      // Popular, not rare: remembered as known so that it gets no state again.
      known_.test_and_set(h);
      table_.erase(e.responder, h);
      ++popular_;
      return;
    }
    s.client_hashes[s.clients++] = client;
    if (s.sample_count < kSamples) s.sample_clients[s.sample_count++] = e.initiator;
  }
  if (s.connections != UINT32_MAX) ++s.connections;
  if (s.connections <= kSamples) s.sample_times[s.connections - 1] = f.start_ns;
  s.first_seen = std::min(s.first_seen, f.start_ns);
  s.last_connection = std::max(s.last_connection, f.start_ns);
  const auto port_end = s.ports.begin() + s.port_count;
  if (std::find(s.ports.begin(), port_end, e.responder_port) == port_end) {
    if (s.port_count < kPorts)
      s.ports[s.port_count++] = e.responder_port;
    else
      s.more_ports = true;
  }
  // Reported when it first qualifies, then again each time its connections
  // doubled; the final emit catches whatever grew in between.
  if (qualifies(s) && (s.reported_connections == 0 || s.connections >= s.next_report))
    report(e.responder, s, pending_);
}

bool RareServerDetector::qualifies(const ServerState& s) const noexcept {
  return s.connections >= options_.min_connections && s.last_connection - s.first_seen >= options_.min_span;
}

void RareServerDetector::report(const IpAddress& server, ServerState& s, std::vector<Finding>& out) {
  s.reported_connections = s.connections;
  s.next_report = s.connections >= (1u << 31) ? UINT32_MAX : s.connections * 2;

  // Score: 40 for a new, rare, persistent server, plus up to 25 for how long
  // it has been contacted (log scale from min_span to a day), 20 for how
  // often (log scale up to 16 × min_connections) and 15 for how few clients
  // (the full 15 for one client).
  constexpr double kDay = 86400;
  const double span = static_cast<double>(s.last_connection - s.first_seen) / 1e9;
  const double min_span = std::max(static_cast<double>(options_.min_span) / 1e9, 60.0);
  const double persistence = std::clamp(
      std::log2(std::max(span, min_span) / min_span) / std::log2(std::max(kDay / min_span, 2.0)), 0.0, 1.0);
  const double repeat = std::clamp(
      std::log2(static_cast<double>(s.connections) / static_cast<double>(options_.min_connections)) / 4.0,
      0.0, 1.0);
  const auto max_clients = static_cast<double>(options_.max_clients);
  const double few = std::clamp((max_clients + 1 - s.clients) / max_clients, 0.0, 1.0);
  const double score = 40 + 25 * persistence + 20 * repeat + 15 * few;

  Finding f;
  f.kind = FindingKind::rare_server;
  f.detector = "rare_server";
  f.endpoint = server;
  f.role = "rare_server";
  f.ports.assign(s.ports.begin(), s.ports.begin() + s.port_count);
  std::sort(f.ports.begin(), f.ports.end());
  f.proto = s.proto;
  f.score = std::round(std::clamp(score, 0.0, 100.0) * 10) / 10;
  f.first_seen = s.first_seen;
  f.last_seen = s.last_seen;
  f.flows = s.connections;
  f.packets = s.packets;
  f.bytes = s.bytes;
  f.peers = s.clients;
  f.sample_peers.assign(s.sample_clients.begin(), s.sample_clients.begin() + s.sample_count);
  f.sample_times.assign(s.sample_times.begin(),
                        s.sample_times.begin() + std::min<std::size_t>(s.connections, kSamples));
  if (s.connections > kSamples) f.sample_times.push_back(s.last_connection);
  std::sort(f.sample_times.begin(), f.sample_times.end());
  const double hours = std::max(span, 1.0) / 3600;
  f.metrics = {{"span_s", span},
               {"connections", static_cast<double>(s.connections)},
               {"distinct_clients", static_cast<double>(s.clients)},
               {"connections_per_hour", s.connections / hours},
               {"ports", static_cast<double>(s.port_count) + (s.more_ports ? 1 : 0)},
               {"score_persistence", persistence},
               {"score_repeat", repeat},
               {"score_clients", few}};
  std::string ports;
  for (auto p : f.ports) ports += (ports.empty() ? "" : ",") + std::to_string(p);
  if (s.more_ports) ports += ",+";
  f.summary = fmt::format(
      "{} was not contacted while learning and only {} client{} use{} it: {} connections over {} (port{} {})",
      server.to_string(), s.clients, s.clients == 1 ? "" : "s", s.clients == 1 ? "s" : "", s.connections,
      span_text(span), f.ports.size() == 1 && !s.more_ports ? "" : "s", ports);
  out.push_back(std::move(f));
}

void RareServerDetector::emit(TimeNs now, bool final, std::vector<Finding>& out) {
  for (auto& f : pending_) out.push_back(std::move(f));
  pending_.clear();
  now = std::max(now, latest_);
  if (final) {
    table_.for_each([&](Table::Entry& e) {
      ServerState& s = e.value;
      // A new client comes with a new connection: more connections is all that can have changed.
      if (qualifies(s) && s.connections > s.reported_connections) report(e.key, s, out);
    });
    return;
  }
  if (now >= next_sweep_) {
    const TimeNs horizon = now > options_.idle_timeout ? now - options_.idle_timeout : 0;
    table_.erase_if([&](const Table::Entry& e) { return e.value.last_seen < horizon; });
    next_sweep_ = now + std::max<TimeNs>(options_.idle_timeout / 4, kNsPerSecond);
  }
}

std::size_t RareServerDetector::memory_bytes() const noexcept {
  return sizeof(*this) + table_.memory_bytes() + known_.memory_bytes() +
         pending_.capacity() * sizeof(Finding);
}

std::string RareServerDetector::status() const {
  return fmt::format(
      "{} servers learned; {} new servers outgrew max_clients; known-server memory rotated {} times",
      learned_, popular_, known_.rotations());
}

Result<std::unique_ptr<Detector>> make_rare_server_detector(const DetectorOptions& options,
                                                            const DetectorLimits& limits) {
  RareServerOptions s;
  sketch::OptionReader o(options, "rare_server");
  s.learn = o.duration("learn", s.learn);
  s.max_clients = o.count("max_clients", s.max_clients, 1, RareServerDetector::kMaxClientsLimit);
  s.min_connections = o.count("min_connections", s.min_connections, 1, UINT32_MAX);
  s.min_span = o.duration("min_span", s.min_span);
  s.idle_timeout = o.duration("idle_timeout", s.idle_timeout, kNsPerSecond);
  s.include_domestic = o.flag("include_domestic", s.include_domestic);
  s.known_capacity = o.count("known_capacity", s.known_capacity);
  s.seed = o.count("seed", s.seed);
  if (auto st = o.finish(); !st) return tl::unexpected(st.error());
  return std::unique_ptr<Detector>(std::make_unique<RareServerDetector>(s, limits));
}

void register_rare_server(DetectorRegistry& registry) {
  registry.add(DetectorInfo{
      "rare_server",
      "new servers (not seen while learning) that few clients contact persistently, as implants call home",
      make_rare_server_detector,
      false,
      {{"learn", "1h",
        "flow time from the first event during which every server contacted is learned as known"},
       {"max_clients", "2", "more distinct clients than this make a server popular, not rare (1-16)"},
       {"min_connections", "5", "connections before a new rare server is reported"},
       {"min_span", "10m", "time from its first to its latest connection before it is reported"},
       {"idle_timeout", "24h", "new servers quiet this long are dropped"},
       {"include_domestic", "false", "also domestic servers where foreignness is known"},
       {"known_capacity", "0", "known servers per filter generation (0: four times max_tracked)"},
       {"seed", "1", "seed of the eviction sampling"}}});
}

}  // namespace mamori::detect
