#include "mamori/detect/scanning/scanning_detector.hpp"

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

constexpr std::uint64_t kContactSeed = 0x5343414eULL;

struct Grade {
  double trw = 0, fanout = 0, probe_ratio = 0, hosts = 0, ports = 0;
  bool horizontal = false, vertical = false;
  double total = 0;
};

Grade grade(const ScanningDetector::SourceState& s, const TrwModel& model, const ScanningOptions& o) {
  Grade g;
  g.hosts = s.hosts.estimate();
  g.ports = s.ports.estimate();
  g.probe_ratio = s.flows > 0 ? static_cast<double>(s.probes) / s.flows : 0;
  if (s.scanner) {
    // 0.7 at the decision, full after as many further net failures as the decision took.
    const double beyond = (s.log_lambda - model.upper()) / (model.upper() + 1e-9);
    g.trw = std::clamp(0.7 + 0.3 * beyond, 0.7, 1.0);
  }
  const double h = g.hosts / static_cast<double>(o.horizontal_hosts);
  const double v = g.ports / static_cast<double>(o.vertical_ports);
  g.horizontal = h >= 1;
  g.vertical = v >= 1;
  const double reach = std::max(h, v);
  if (reach >= 1) {
    // 0.5 at the threshold, full at four times it, weighed by the share of
    // probes (unanswered or tiny flows): a scanner's contacts carry no data,
    // even those that were answered, while a crawler's or mail server's do.
    g.fanout = std::min(1.0, 0.5 + 0.25 * std::log2(reach)) * (0.2 + 0.8 * g.probe_ratio * g.probe_ratio);
  }
  g.total = 100.0 * std::max(g.trw, g.fanout);
  return g;
}

}  // namespace

ScanningDetector::ScanningDetector(ScanningOptions options, DetectorLimits limits)
    : options_(options),
      model_(options.trw),
      table_(limits.max_tracked),
      contacts_(options.contact_capacity, 0.01),
      rng_(options.seed) {}

void ScanningDetector::observe(std::span<const FlowEvent> events) {
  sketch::for_each_prefetched(
      events,
      [](const FlowEvent& e) -> Hashes {
        // Only the initiator's own records of sources that are not domestic clients of foreign servers.
        // Symmetric-port exchanges (NTP 123<->123) have no initiator to follow: both
        // records look like initiations, so a server answering many clients would scan.
        if (!e.initiator_is_src || e.orientation_guessed || (!e.initiator_foreign && e.responder_foreign))
          return {};
        const std::uint64_t source = e.initiator_hash, host = e.responder_hash;
        return {source, host, sketch::hash_combine(source ^ kContactSeed, host)};
      },
      [this](const FlowEvent&, const Hashes& h) {
        if (h.source == 0) return;
        table_.prefetch_slot(h.source);
        contacts_.prefetch(h.contact);
      },
      [this](const FlowEvent&, const Hashes& h) {
        if (h.source != 0) table_.prefetch_entry(h.source);
      },
      [this](const FlowEvent& e, const Hashes& h) {
        if (h.source != 0) observe_one(e, h);
      });
}

void ScanningDetector::observe_one(const FlowEvent& e, const Hashes& h) {
  const flow::FlowRecord& f = *e.flow;
  latest_ = std::max(latest_, f.start_ns);
  auto [entry, inserted] = table_.find_or_insert(e.initiator, h.source, rng_, [](const Table::Entry& x) {
    // Keep decided scanners and busy sources; evict quiet, stale ones.
    return (std::uint64_t{x.value.scanner} << 63) |
           (std::uint64_t{std::min<std::uint32_t>(x.value.first_contacts, 255)} << 55) |
           ((x.value.last_seen >> 10) & ((std::uint64_t{1} << 55) - 1));
  });
  SourceState& s = entry->value;
  if (inserted) s.first_seen = f.start_ns;
  s.first_seen = std::min(s.first_seen, f.start_ns);
  s.last_seen = std::max(s.last_seen, f.end_ns);
  ++s.flows;
  s.packets += static_cast<std::uint32_t>(std::min<std::uint64_t>(f.packets, UINT32_MAX - s.packets));
  s.bytes += f.bytes;
  const bool icmp = flow::is_icmp(f.proto);
  const std::uint16_t port = icmp ? 0 : e.responder_port;
  s.hosts.add(h.host);
  if (!icmp) {
    s.ports.add(sketch::mix64(std::uint64_t{port} << 8 | f.proto));
    s.top_ports.add(port);
  }
  const sketch::AttemptOutcome outcome = sketch::tcp_attempt_outcome(e);
  const std::uint64_t probe_bytes =
      f.proto == flow::kProtoUdp ? options_.udp_probe_bytes : options_.probe_bytes;
  const bool small =
      f.packets <= options_.probe_packets && f.packets > 0 && f.bytes / f.packets <= probe_bytes;
  if (outcome == sketch::AttemptOutcome::failed || small) ++s.probes;

  if (!contacts_.test_and_set(h.contact)) {
    if (s.sample_count < s.sample_targets.size()) s.sample_targets[s.sample_count++] = e.responder;
    if (outcome != sketch::AttemptOutcome::unknown) {
      ++s.first_contacts;
      const bool failed = outcome == sketch::AttemptOutcome::failed;
      if (failed) ++s.failed_contacts;
      s.log_lambda += static_cast<float>(model_.step(!failed));
      if (!s.scanner) {
        if (s.log_lambda >= model_.upper()) {
          s.scanner = true;
          check(e.initiator, s, pending_);
        } else if (s.log_lambda <= model_.lower()) {
          // Benign so far; a fresh walk keeps watching (a host may start scanning later).
          s.log_lambda = 0;
          if (s.benign_decisions != UINT16_MAX) ++s.benign_decisions;
        }
      }
    }
  }
  if (s.flows >= s.next_check) {
    s.next_check = s.next_check >= (1u << 30) ? UINT32_MAX : s.next_check * 2;
    check(e.initiator, s, pending_);
  }
}

void ScanningDetector::check(const IpAddress& source, SourceState& s, std::vector<Finding>& out, bool final) {
  const Grade g = grade(s, model_, options_);
  if (g.total < options_.threshold) return;
  if (s.reported_score > 0 && g.total < s.reported_score + options_.rereport_delta &&
      !(final && s.flows > s.reported_flows))
    return;
  s.reported_score = static_cast<std::uint8_t>(std::clamp(g.total, 1.0, 100.0));
  s.reported_flows = s.flows;
  Finding f;
  f.kind = FindingKind::scanning;
  f.detector = "scanning";
  f.endpoint = source;
  f.role = "scanner";
  for (const auto& item : s.top_ports.sorted())
    if (item.count > 0) f.ports.push_back(item.value);
  f.score = std::round(g.total * 10) / 10;
  f.first_seen = s.first_seen;
  f.last_seen = s.last_seen;
  f.flows = s.flows;
  f.packets = s.packets;
  f.bytes = s.bytes;
  f.peers = static_cast<std::uint64_t>(g.hosts + 0.5);
  f.sample_peers.assign(s.sample_targets.begin(), s.sample_targets.begin() + s.sample_count);
  f.sample_times = {s.first_seen, s.last_seen};
  f.metrics = {{"trw_log_lambda", s.log_lambda},
               {"trw_threshold", model_.upper()},
               {"trw_scanner", s.scanner ? 1.0 : 0.0},
               {"first_contacts", s.first_contacts},
               {"failed_first_contacts", s.failed_contacts},
               {"benign_decisions", s.benign_decisions},
               {"distinct_hosts", g.hosts},
               {"distinct_ports", g.ports},
               {"probe_ratio", g.probe_ratio},
               {"horizontal", g.horizontal ? 1.0 : 0.0},
               {"vertical", g.vertical ? 1.0 : 0.0},
               {"score_trw", g.trw},
               {"score_fanout", g.fanout}};
  const char* shape = g.horizontal && g.vertical ? "block"
                      : g.horizontal             ? "horizontal"
                      : g.vertical               ? "vertical"
                                                 : "sequential";
  f.summary = fmt::format(
      "{} scan from {}: {} first contacts ({} unanswered, TRW {}), ~{:.0f} hosts, ~{:.0f} ports{}, {:.0f}% "
      "probes over {:.0f} s",
      shape, source.to_string(), s.first_contacts, s.failed_contacts, s.scanner ? "scanner" : "undecided",
      g.hosts, g.ports, f.ports.empty() ? "" : fmt::format(" (top {})", f.ports.front()), 100 * g.probe_ratio,
      static_cast<double>(s.last_seen - s.first_seen) / kNsPerSecond);
  out.push_back(std::move(f));
}

void ScanningDetector::emit(TimeNs now, bool final, std::vector<Finding>& out) {
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

std::size_t ScanningDetector::memory_bytes() const noexcept {
  return sizeof(*this) + table_.memory_bytes() + contacts_.memory_bytes() +
         pending_.capacity() * sizeof(Finding);
}

Result<std::unique_ptr<Detector>> make_scanning_detector(const DetectorOptions& options,
                                                         const DetectorLimits& limits) {
  ScanningOptions s;
  sketch::OptionReader o(options, "scanning");
  s.trw.theta0 = o.number("theta0", s.trw.theta0, 0.01, 0.99);
  s.trw.theta1 = o.number("theta1", s.trw.theta1, 0.01, 0.99);
  s.trw.p_false = o.number("p_false", s.trw.p_false, 1e-6, 0.5);
  s.trw.p_detect = o.number("p_detect", s.trw.p_detect, 0.5, 1 - 1e-6);
  s.horizontal_hosts = o.count("horizontal_hosts", s.horizontal_hosts, 2);
  s.vertical_ports = o.count("vertical_ports", s.vertical_ports, 2);
  s.probe_bytes = o.count("probe_bytes", s.probe_bytes, 20);
  s.probe_packets = o.count("probe_packets", s.probe_packets, 1);
  s.udp_probe_bytes = o.count("udp_probe_bytes", s.udp_probe_bytes, 20, 65535);
  s.threshold = o.number("threshold", s.threshold, 0, 100);
  s.rereport_delta = o.number("rereport_delta", s.rereport_delta, 0, 100);
  s.idle_timeout = o.duration("idle_timeout", s.idle_timeout, kNsPerSecond);
  s.contact_capacity = o.count("contact_capacity", s.contact_capacity, 1024, std::uint64_t{1} << 32);
  s.seed = o.count("seed", s.seed);
  if (auto st = o.finish(); !st) return tl::unexpected(st.error());
  if (s.trw.theta1 >= s.trw.theta0)
    return fail(Errc::invalid_argument, "scanning: theta1 must be below theta0");
  return std::unique_ptr<Detector>(std::make_unique<ScanningDetector>(s, limits));
}

void register_scanning(DetectorRegistry& registry) {
  registry.add(DetectorInfo{
      "scanning",
      "scanners: Threshold Random Walk over first-contact outcomes, horizontal and vertical fan-out",
      make_scanning_detector,
      true,
      {{"theta0", "0.8", "TRW: probability a benign source's first contact succeeds"},
       {"theta1", "0.2", "TRW: probability a scanner's first contact succeeds"},
       {"p_false", "0.01", "TRW: false positive rate"},
       {"p_detect", "0.99", "TRW: detection rate"},
       {"horizontal_hosts", "32", "distinct hosts for a horizontal scan"},
       {"vertical_ports", "32", "distinct ports for a vertical scan"},
       {"probe_bytes", "100", "a probe: at most this many bytes per packet (TCP, ICMP) ..."},
       {"probe_packets", "3", "... and at most this many packets"},
       {"udp_probe_bytes", "600", "UDP probes carry a request: bytes per packet bound for them"},
       {"threshold", "50", "report sources scoring at least this (0-100)"},
       {"rereport_delta", "10", "report a source again when its score rose this much"},
       {"idle_timeout", "1h", "sources quiet this long are dropped"},
       {"contact_capacity", "4000000", "first contacts remembered per filter generation"},
       {"seed", "1", "seed of eviction sampling"}}});
}

}  // namespace mamori::detect
