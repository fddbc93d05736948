#include "mamori/detect/ddos/ddos_detector.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "mamori/detect/builtin.hpp"
#include "mamori/detect/sketch/batch_prefetch.hpp"
#include "mamori/detect/sketch/flow_traits.hpp"
#include "mamori/detect/sketch/hash.hpp"
#include "mamori/detect/sketch/option_reader.hpp"

namespace mamori::detect {

namespace {

// The record's ends' sketch::hash_address values, from the event's.
std::uint64_t src_hash(const FlowEvent& e) noexcept {
  return e.initiator_is_src ? e.initiator_hash : e.responder_hash;
}
std::uint64_t dst_hash(const FlowEvent& e) noexcept {
  return e.initiator_is_src ? e.responder_hash : e.initiator_hash;
}

std::uint64_t reflector_hash(const DdosDetector::ReflectorKey& k) noexcept {
  return sketch::hash_combine(sketch::hash_address(k.reflector), k.port);
}

// Resolver and time lookups are everywhere; as "commands" they would make
// every resolver a controller candidate and push real contacts out of the log.
bool ubiquitous_service(std::uint8_t proto, std::uint16_t port) noexcept {
  return proto == flow::kProtoUdp && (port == 53 || port == 123);
}

double keep_recent(TimeNs last_seen) noexcept {
  return static_cast<double>(last_seen);
}

}  // namespace

DdosDetector::DdosDetector(DdosOptions options, DetectorLimits limits)
    : options_(std::move(options)),
      reflectors_(std::max<std::size_t>(1, limits.max_tracked / 2)),
      victims_(std::max<std::size_t>(1, limits.max_tracked / 8)),
      clients_(std::max<std::size_t>(1, limits.max_tracked / 4)),
      floods_(std::max<std::size_t>(1, limits.max_tracked / 8)),
      rng_(options_.seed) {
  for (std::uint16_t p : options_.ports) amplifier_ports_.set(p);
}

std::size_t DdosDetector::tracked() const noexcept {
  return reflectors_.size() + victims_.size() + clients_.size() + floods_.size();
}

std::uint64_t DdosDetector::evictions() const noexcept {
  return reflectors_.evictions() + victims_.evictions() + clients_.evictions() + floods_.evictions();
}

std::size_t DdosDetector::memory_bytes() const noexcept {
  return sizeof(*this) + reflectors_.memory_bytes() + victims_.memory_bytes() + clients_.memory_bytes() +
         floods_.memory_bytes() + pending_.capacity() * sizeof(Finding);
}

void DdosDetector::observe(std::span<const FlowEvent> events) {
  sketch::for_each_prefetched(
      events,
      [this](const FlowEvent& e) -> Hashes {
        const flow::FlowRecord& f = *e.flow;
        Hashes h;
        if (f.proto == flow::kProtoUdp && (amplifier_ports_[f.src_port] || amplifier_ports_[f.dst_port])) {
          // The direction comes from the record and the service port, not the
          // orientation: a victim's random port may be lower than the service's.
          const bool src_service = amplifier_ports_[f.src_port], dst_service = amplifier_ports_[f.dst_port];
          h.response = src_service && (!dst_service || !e.initiator_is_src);
          h.reflector = reflector_hash(h.response ? ReflectorKey{f.src_addr, f.src_port}
                                                  : ReflectorKey{f.dst_addr, f.dst_port});
        }
        if (options_.controllers && e.initiator_is_src && !e.initiator_foreign &&
            f.bytes <= options_.control_bytes && !ubiquitous_service(f.proto, e.responder_port) &&
            sketch::opens_connection(e))
          h.client = e.initiator_hash;
        return h;
      },
      [this](const FlowEvent&, const Hashes& h) {
        if (h.reflector != 0) reflectors_.prefetch_slot(h.reflector);
        if (h.client != 0) clients_.prefetch_slot(h.client);
      },
      [this](const FlowEvent&, const Hashes& h) {
        if (h.reflector != 0) reflectors_.prefetch_entry(h.reflector);
        if (h.client != 0) clients_.prefetch_entry(h.client);
      },
      [this](const FlowEvent& e, const Hashes& h) {
        const flow::FlowRecord& f = *e.flow;
        latest_ = std::max(latest_, f.start_ns);
        if (h.reflector != 0) observe_reflection(e, h);
        if (!options_.controllers) return;
        if (f.packets >= options_.flood_packets / 4) observe_flood(e);
        if (h.client != 0) observe_contact(e, h.client);
      });
}

void DdosDetector::observe_reflection(const FlowEvent& e, const Hashes& h) {
  const flow::FlowRecord& f = *e.flow;
  const bool response = h.response;
  const IpAddress& reflector = response ? f.src_addr : f.dst_addr;
  const IpAddress& other = response ? f.dst_addr : f.src_addr;
  const ReflectorKey key{reflector, response ? f.src_port : f.dst_port};
  auto [entry, inserted] = reflectors_.find_or_insert(key, h.reflector, rng_, [](const auto& x) {
    return (std::uint64_t{x.value.reported_score > 0} << 63) |
           (std::uint64_t{std::min<std::uint64_t>(x.value.response_packets >> 10, 255)} << 55) |
           ((x.value.last_seen >> 10) & ((std::uint64_t{1} << 55) - 1));
  });
  ReflectorState& s = entry->value;
  if (inserted) {
    s.first_seen = f.start_ns;
    s.next_check = options_.min_packets;
  }
  s.first_seen = std::min(s.first_seen, f.start_ns);
  s.last_seen = std::max(s.last_seen, f.end_ns);
  ++s.records;
  if (!response) {
    s.request_bytes += f.bytes;
    s.request_packets += f.packets;
    return;
  }
  s.response_bytes += f.bytes;
  s.response_packets += f.packets;
  const std::uint64_t victim_hash = response ? dst_hash(e) : src_hash(e);
  s.victims.add(victim_hash);
  s.top_victims.add(other,
                    static_cast<std::uint32_t>(std::min<std::uint64_t>(1 + (f.bytes >> 10), 1u << 30)));
  // Victims are followed only for reflectors answering far more than they
  // are asked: a resolver serving its clients would put every client there.
  if (static_cast<double>(s.response_bytes) < options_.min_ratio * static_cast<double>(s.request_bytes))
    return;
  auto [victim, victim_inserted] = victims_.find_or_insert(
      other, victim_hash, rng_, [](const auto& x) { return keep_recent(x.value.last_seen); });
  (void)victim_inserted;
  victim->value.last_seen = std::max(victim->value.last_seen, f.end_ns);
  victim->value.bytes += f.bytes;
  victim->value.reflectors.add(reflector_hash(key));
  if (s.response_packets >= s.next_check) {
    s.next_check = s.next_check >= (std::uint64_t{1} << 62) ? UINT64_MAX : s.next_check * 2;
    check_reflector(key, s, pending_);
  }
}

void DdosDetector::check_reflector(const ReflectorKey& key, ReflectorState& s, std::vector<Finding>& out,
                                   bool final) {
  if (s.response_packets < options_.min_packets || s.response_packets == 0) return;
  const double span_s = std::max(10.0, static_cast<double>(s.last_seen - s.first_seen) / kNsPerSecond);
  const double pps = static_cast<double>(s.response_packets) / span_s;
  const double bps = 8.0 * static_cast<double>(s.response_bytes) / span_s;
  if (pps < options_.min_pps) return;
  const bool unsolicited = s.request_bytes == 0;
  const double ratio = unsolicited
                           ? std::numeric_limits<double>::infinity()
                           : static_cast<double>(s.response_bytes) / static_cast<double>(s.request_bytes);
  if (ratio < options_.min_ratio) return;
  const double amplification =
      unsolicited ? 1.0 : std::clamp(std::log(ratio) / std::log(options_.full_ratio), 0.0, 1.0);
  const double volume = std::clamp(0.5 + 0.25 * std::log10(pps / options_.min_pps), 0.0, 1.0);
  const double per_packet = static_cast<double>(s.response_bytes) / static_cast<double>(s.response_packets);
  const double size = std::clamp((per_packet - 100.0) / 300.0, 0.0, 1.0);
  const auto top = s.top_victims.sorted();
  const double top_share = std::clamp(
      static_cast<double>(top[0].count) * 1024.0 / static_cast<double>(s.response_bytes), 0.0, 1.0);
  double victim_reflectors = 0;
  if (top[0].count > 0)
    if (auto* v = victims_.find(top[0].value, sketch::hash_address(top[0].value)))
      victim_reflectors = v->value.reflectors.estimate();
  const double corroboration =
      victim_reflectors <= 1
          ? 0.0
          : std::clamp(std::log(victim_reflectors) / std::log(static_cast<double>(options_.min_reflectors)),
                       0.0, 1.0);
  const double total =
      100.0 * (0.30 * amplification + 0.25 * volume + 0.15 * size + 0.15 * top_share + 0.15 * corroboration);
  if (total < options_.threshold) return;
  if (s.reported_score > 0 && total < s.reported_score + options_.rereport_delta &&
      !(final && s.response_packets > s.reported_packets))
    return;
  s.reported_score = static_cast<std::uint8_t>(std::clamp(total, 1.0, 100.0));
  s.reported_packets = s.response_packets;
  Finding f;
  f.kind = FindingKind::reflection;
  f.detector = "ddos";
  f.endpoint = key.reflector;
  f.role = "reflector";
  f.ports = {key.port};
  f.proto = flow::kProtoUdp;
  f.score = std::round(total * 10) / 10;
  f.first_seen = s.first_seen;
  f.last_seen = s.last_seen;
  f.packets = s.request_packets + s.response_packets;
  f.bytes = s.request_bytes + s.response_bytes;
  f.flows = s.records;
  f.peers = s.victims.count();
  for (const auto& t : top)
    if (t.count > 0) f.sample_peers.push_back(t.value);
  f.sample_times = {s.first_seen, s.last_seen};
  f.metrics = {{"response_request_ratio", unsolicited ? -1.0 : ratio},
               {"request_bytes", static_cast<double>(s.request_bytes)},
               {"response_bytes", static_cast<double>(s.response_bytes)},
               {"response_pps", pps},
               {"response_bps", bps},
               {"response_bytes_per_packet", per_packet},
               {"victims", s.victims.estimate()},
               {"top_victim_share", top_share},
               {"victim_reflectors", victim_reflectors},
               {"score_amplification", amplification},
               {"score_volume", volume},
               {"score_size", size},
               {"score_concentration", top_share},
               {"score_corroboration", corroboration}};
  f.summary = fmt::format(
      "reflector {}:{}/udp sent {:.0f} pps ({:.1f} Mbit/s, {:.0f} bytes/packet) {}; main victim {} ({:.0f}% "
      "of it), hit by ~{:.0f} "
      "reflectors",
      key.reflector.to_string(), key.port, pps, bps / 1e6, per_packet,
      unsolicited ? std::string("without requests seen")
                  : fmt::format("for {:.1f}x the request bytes", ratio),
      top[0].count > 0 ? top[0].value.to_string() : std::string("-"), 100 * top_share, victim_reflectors);
  out.push_back(std::move(f));
}

void DdosDetector::observe_contact(const FlowEvent& e, std::uint64_t client_hash) {
  auto [entry, inserted] = clients_.find_or_insert(
      e.initiator, client_hash, rng_, [](const auto& x) { return keep_recent(x.value.last_seen); });
  (void)inserted;
  ClientState& c = entry->value;
  // Repeated contacts with the same server refresh its time instead of taking a slot.
  for (auto& contact : c.contacts) {
    if (contact.at != 0 && contact.server == e.responder && contact.port == e.responder_port) {
      contact.at = std::max(contact.at, e.flow->start_ns);
      c.last_seen = std::max(c.last_seen, e.flow->start_ns);
      return;
    }
  }
  c.contacts[c.next] = {e.responder, e.flow->start_ns, e.responder_port};
  c.next = static_cast<std::uint8_t>((c.next + 1) % kContacts);
  c.last_seen = std::max(c.last_seen, e.flow->start_ns);
}

void DdosDetector::observe_flood(const FlowEvent& e) {
  const flow::FlowRecord& f = *e.flow;
  // Answers from a flooded victim tell a flood (little comes back) from a
  // busy service (uploads are acknowledged).
  if (auto* answered = floods_.find(f.src_addr, src_hash(e))) answered->value.reply_packets += f.packets;
  if (!e.initiator_is_src || f.packets < options_.flood_packets) return;
  const double seconds = std::max(1.0, static_cast<double>(f.duration_ns()) / kNsPerSecond);
  if (static_cast<double>(f.packets) / seconds < options_.flood_pps) return;
  auto [entry, inserted] = floods_.find_or_insert(
      f.dst_addr, dst_hash(e), rng_, [](const auto& x) { return keep_recent(x.value.last_seen); });
  FloodState& v = entry->value;
  if (inserted) v.onset = f.start_ns;
  v.onset = std::min(v.onset, f.start_ns);
  v.last_seen = std::max(v.last_seen, f.end_ns);
  v.packets += f.packets;
  v.bytes += f.bytes;
  const std::uint64_t source_hash = src_hash(e);
  v.sources.add(source_hash);
  // Bottom-k sample of the flooding sources.
  const auto h = static_cast<std::uint32_t>(source_hash >> 32);
  bool known = false;
  std::size_t largest = 0;
  for (std::size_t i = 0; i < v.bot_count; ++i) {
    if (v.bots[i] == f.src_addr) known = true;
    if (v.bot_hashes[i] > v.bot_hashes[largest]) largest = i;
  }
  if (!known) {
    if (v.bot_count < kSampledBots) {
      v.bots[v.bot_count] = f.src_addr;
      v.bot_hashes[v.bot_count++] = h;
    } else if (h < v.bot_hashes[largest]) {
      v.bots[largest] = f.src_addr;
      v.bot_hashes[largest] = h;
    }
  }
  if (!v.correlated && v.sources.estimate() >= static_cast<double>(options_.min_bots)) {
    v.correlated = true;
    correlate(f.dst_addr, v, pending_);
  }
}

void DdosDetector::correlate(const IpAddress& victim, FloodState& v, std::vector<Finding>& out) {
  if (v.reply_packets * 10 > v.packets) return;  // answered: a busy service, not a flood
  const TimeNs from = v.onset > options_.lead ? v.onset - options_.lead : 0;
  const TimeNs to = v.last_seen;
  struct Candidate {
    IpAddress server;
    std::uint16_t port = 0;
    std::uint32_t bots = 0;
    TimeNs earliest = 0, latest = 0;
    std::array<IpAddress, 5> sample{};
  };
  std::vector<Candidate> candidates;
  std::uint32_t bots_with_log = 0;
  for (std::size_t i = 0; i < v.bot_count; ++i) {
    const auto* client = clients_.find(v.bots[i], sketch::hash_address(v.bots[i]));
    if (client == nullptr) continue;
    ++bots_with_log;
    for (const Contact& c : client->value.contacts) {
      if (c.at == 0 || c.at < from || c.at > to || c.server == victim) continue;
      auto it = std::find_if(candidates.begin(), candidates.end(),
                             [&](const Candidate& k) { return k.server == c.server && k.port == c.port; });
      if (it == candidates.end()) {
        candidates.push_back({c.server, c.port, 0, c.at, c.at, {}});
        it = candidates.end() - 1;
      }
      if (it->bots < it->sample.size()) it->sample[it->bots] = v.bots[i];
      ++it->bots;
      it->earliest = std::min(it->earliest, c.at);
      it->latest = std::max(it->latest, c.at);
    }
  }
  const double sources = v.sources.estimate();
  for (const Candidate& k : candidates) {
    const double share = bots_with_log > 0 ? static_cast<double>(k.bots) / bots_with_log : 0;
    if (k.bots < 3 || share < options_.min_share) continue;
    // How many other clients contacted the server in the same period: a
    // popular service is contacted by flooders and everyone else alike.
    std::uint32_t sampled = 0, contacted = 0;
    for (int draw = 0; draw < 64; ++draw) {
      const auto* other = clients_.random_entry(rng_);
      if (other == nullptr) break;
      if (std::find(v.bots.begin(), v.bots.begin() + v.bot_count, other->key) != v.bots.begin() + v.bot_count)
        continue;
      ++sampled;
      for (const Contact& c : other->value.contacts) {
        if (c.at >= from && c.at <= to && c.server == k.server && c.port == k.port) {
          ++contacted;
          break;
        }
      }
    }
    // Flooders not in the sample count as "others" here, so the test is a
    // lift (flooders contact it far more often than others), not absence.
    const double background = sampled > 0 ? static_cast<double>(contacted) / sampled : 0;
    if (background > options_.max_background_share || share < options_.min_lift * background) continue;
    const double total =
        100.0 *
        std::clamp(0.4 + 0.4 * share + 0.2 * std::min(1.0, sources / (4.0 * options_.min_bots)) - background,
                   0.0, 1.0);
    if (total < options_.threshold) continue;
    Finding f;
    f.kind = FindingKind::ddos_controller;
    f.detector = "ddos";
    f.endpoint = k.server;
    f.role = "controller";
    f.ports = {k.port};
    f.score = std::round(total * 10) / 10;
    f.first_seen = k.earliest;
    f.last_seen = k.latest;
    f.flows = k.bots;
    f.peers = k.bots;
    f.sample_peers.assign(k.sample.begin(),
                          k.sample.begin() + std::min<std::size_t>(k.bots, k.sample.size()));
    f.sample_times = {k.earliest, k.latest, v.onset};
    f.metrics = {
        {"sampled_flooders", static_cast<double>(v.bot_count)},
        {"flooders_with_contacts", static_cast<double>(bots_with_log)},
        {"flooders_contacting", static_cast<double>(k.bots)},
        {"flooder_share", share},
        {"background_share", background},
        {"flood_sources", sources},
        {"flood_packets", static_cast<double>(v.packets)},
        {"lead_s", static_cast<double>(v.onset > k.earliest ? v.onset - k.earliest : 0) / kNsPerSecond}};
    f.summary = fmt::format(
        "{} of {} sampled hosts flooding {} (~{:.0f} sources, onset {}) contacted {}:{} shortly before; "
        "{:.0f}% of other clients did",
        k.bots, bots_with_log, victim.to_string(), sources, format_rfc3339(v.onset), k.server.to_string(),
        k.port, 100 * background);
    out.push_back(std::move(f));
  }
}

void DdosDetector::emit(TimeNs now, bool final, std::vector<Finding>& out) {
  for (auto& f : pending_) out.push_back(std::move(f));
  pending_.clear();
  now = std::max(now, latest_);
  if (final) {
    reflectors_.for_each([&](auto& e) { check_reflector(e.key, e.value, out, true); });
    return;
  }
  if (now >= next_sweep_) {
    const TimeNs idle = now > options_.idle_timeout ? now - options_.idle_timeout : 0;
    const TimeNs contacts = now > 2 * options_.lead ? now - 2 * options_.lead : 0;
    reflectors_.erase_if([&](const auto& e) { return e.value.last_seen < idle; });
    victims_.erase_if([&](const auto& e) { return e.value.last_seen < idle; });
    floods_.erase_if([&](const auto& e) { return e.value.last_seen < idle; });
    clients_.erase_if([&](const auto& e) { return e.value.last_seen < contacts; });
    next_sweep_ = now + std::max<TimeNs>(std::min(options_.idle_timeout, options_.lead) / 4, kNsPerSecond);
  }
}

Result<std::unique_ptr<Detector>> make_ddos_detector(const DetectorOptions& options,
                                                     const DetectorLimits& limits) {
  DdosOptions d;
  sketch::OptionReader o(options, "ddos");
  d.ports = o.ports("ports", d.ports);
  d.min_ratio = o.number("min_ratio", d.min_ratio, 1, 1e6);
  d.full_ratio = o.number("full_ratio", d.full_ratio, 1.01, 1e6);
  d.min_pps = o.number("min_pps", d.min_pps, 0.001, 1e12);
  d.min_packets = o.count("min_packets", d.min_packets, 1);
  d.min_reflectors = o.count("min_reflectors", d.min_reflectors, 2);
  d.threshold = o.number("threshold", d.threshold, 0, 100);
  d.rereport_delta = o.number("rereport_delta", d.rereport_delta, 0, 100);
  d.idle_timeout = o.duration("idle_timeout", d.idle_timeout, kNsPerSecond);
  d.controllers = o.flag("controllers", d.controllers);
  d.flood_packets = o.count("flood_packets", d.flood_packets, 4);
  d.flood_pps = o.number("flood_pps", d.flood_pps, 0.001, 1e12);
  d.min_bots = o.count("min_bots", d.min_bots, 3);
  d.lead = o.duration("lead", d.lead, kNsPerSecond);
  d.control_bytes = o.count("control_bytes", d.control_bytes, 40);
  d.min_share = o.number("min_share", d.min_share, 0, 1);
  d.max_background_share = o.number("max_background_share", d.max_background_share, 0, 1);
  d.min_lift = o.number("min_lift", d.min_lift, 1, 1e6);
  d.seed = o.count("seed", d.seed);
  if (auto st = o.finish(); !st) return tl::unexpected(st.error());
  return std::unique_ptr<Detector>(std::make_unique<DdosDetector>(std::move(d), limits));
}

void register_ddos(DetectorRegistry& registry) {
  registry.add(
      DetectorInfo{"ddos",
                   "DDoS: reflectors/amplifiers (response/request ratio, rate, victims) and controllers "
                   "contacted before floods",
                   make_ddos_detector,
                   true,
                   {{"ports", "53,123,19,1900,11211,389,161,17,111,137,1434,3702,5353,5683,10001,3283,37810",
                     "UDP services abused for reflection"},
                    {"min_ratio", "5", "response/request bytes of a reflector"},
                    {"full_ratio", "50", "ratio for a full amplification score"},
                    {"min_pps", "100", "response packets per second from one reflector"},
                    {"min_packets", "1000", "response packets before a reflector is scored"},
                    {"min_reflectors", "20", "reflectors per victim for a full corroboration score"},
                    {"threshold", "60", "report reflectors and controllers scoring at least this (0-100)"},
                    {"rereport_delta", "10", "report again when the score rose this much"},
                    {"idle_timeout", "10m", "reflectors and victims quiet this long are dropped"},
                    {"controllers", "true", "also look for controllers contacted before floods"},
                    {"flood_packets", "500", "a flood flow: at least this many packets ..."},
                    {"flood_pps", "100", "... at this rate"},
                    {"min_bots", "10", "distinct flooding sources per victim for an onset"},
                    {"lead", "10m", "how long before the onset a command contact may be"},
                    {"control_bytes", "4096", "a command contact is at most this large"},
                    {"min_share", "0.5", "share of sampled flooders that contacted the controller"},
                    {"max_background_share", "0.25", "share of other clients that contacted it, at most ..."},
                    {"min_lift", "4", "... and the flooders' share must be this many times it"},
                    {"seed", "1", "seed of sampling"}}});
}

}  // namespace mamori::detect
