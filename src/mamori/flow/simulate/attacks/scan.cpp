#include "mamori/flow/simulate/attacks/scan.hpp"

#include <algorithm>

namespace mamori::flow::sim::attacks {

namespace {
constexpr std::string_view kAttack = "scan";

// nmap's most-scanned TCP ports, as its top-ports list orders them.
constexpr std::uint16_t kTopPorts[] = {
    80,   23,   443,  21,   22,    25,    3389,  110,  445,  139,  143,  53,   135,  3306, 8080, 1723, 111,
    995,  993,  5900, 1025, 587,   8888,  199,   1720, 465,  548,  113,  81,   6001, 10000, 514, 5060, 179,
    1026, 2000, 8443, 8000, 32768, 554,   26,    1433, 49152, 2001, 515,  8008, 49154, 1027, 5666, 646, 5000,
    5631, 631,  49153, 8081, 2049, 88,   79,    5800, 106,  2121, 1110, 49155, 6000, 513,  990,  5357, 427,
    49156, 543, 544,  5101, 144,  7,     3128,  444,  1755, 2717, 4899, 9100, 119,  37,   1000, 3001, 5001,
    82,   10010, 1030, 9999, 2107, 1024,  2103,  6004, 1801, 19,   8031, 1041, 255};

std::vector<std::uint16_t> port_range(std::uint16_t lo, std::uint16_t hi) {
  std::vector<std::uint16_t> out;
  for (std::uint32_t p = lo; p <= hi; ++p) out.push_back(static_cast<std::uint16_t>(p));
  return out;
}
}  // namespace

ScanConfig default_scan_config() {
  using enum ScanDirection;
  const std::vector<std::uint16_t> top(std::begin(kTopPorts), std::end(kTopPorts));
  ScanConfig c;
  // Enough scanners that one false alarm moves scanning precision by under 5 %.
  c.scanners = {
      {horizontal, {23}, kProtoTcp, 20.0, 0.02, 1.00, false},   // Mirai-style telnet sweep
      {horizontal, {22}, kProtoTcp, 8.0, 0.10, 0.90, false},
      {horizontal, {445}, kProtoTcp, 12.0, 0.00, 0.60, false},
      {horizontal, {3389}, kProtoTcp, 4.0, 0.30, 1.00, false},
      {horizontal, {8080}, kProtoTcp, 1.0, 0.00, 1.00, false},
      {horizontal, {5060}, kProtoUdp, 3.0, 0.20, 0.80, false},  // SIP OPTIONS
      {horizontal, {6379}, kProtoTcp, 0.5, 0.00, 1.00, false},  // low and slow
      {horizontal, {80}, kProtoTcp, 6.0, 0.05, 0.70, false},
      {horizontal, {443}, kProtoTcp, 5.0, 0.40, 1.00, false},
      {horizontal, {5555}, kProtoTcp, 2.0, 0.15, 0.85, false},  // exposed Android debug bridges
      {horizontal, {2323}, kProtoTcp, 3.0, 0.00, 0.50, false},
      {horizontal, {1433}, kProtoTcp, 1.5, 0.25, 1.00, false},
      {horizontal, {3306}, kProtoTcp, 2.0, 0.50, 1.00, false},
      {horizontal, {5900}, kProtoTcp, 1.0, 0.10, 0.60, false},
      {horizontal, {161}, kProtoUdp, 2.0, 0.30, 0.90, false},   // SNMP get-request
      {horizontal, {8443}, kProtoTcp, 0.8, 0.00, 1.00, false},
      {horizontal, {7547}, kProtoTcp, 4.0, 0.20, 0.55, false},  // TR-069 on home routers
      {horizontal, {9200}, kProtoTcp, 0.7, 0.35, 1.00, false},
      {vertical, port_range(1, 1024), kProtoTcp, 150.0, 0.25, 1.00, false},
      {vertical, top, kProtoTcp, 10.0, 0.60, 1.00, true},
      {vertical, top, kProtoTcp, 2.0, 0.45, 1.00, false},        // a slow one: 50 s for 100 ports
  };
  return c;
}

Result<std::unique_ptr<ScanSource>> ScanSource::create(const ScanConfig& config, AttackEnvironment& env) {
  if (config.scanners.empty()) return fail(Errc::invalid_argument, "scan: no scanners configured");
  std::unique_ptr<ScanSource> src(new ScanSource(config, env));
  Rng setup = env.rng(kAttack, 0);
  for (std::size_t i = 0; i < config.scanners.size(); ++i) {
    Scanner shape = config.scanners[i];
    if (shape.ports.empty()) return fail(Errc::invalid_argument, "scan: a scanner needs ports");
    if (shape.proto != kProtoTcp && shape.proto != kProtoUdp) return fail(Errc::invalid_argument, "scan: TCP or UDP only");
    if (!(shape.probes_per_second > 0.0) || !(shape.start_at < shape.stop_at)) {
      return fail(Errc::invalid_argument, "scan: rate must be positive and start before stop");
    }
    shape.probes_per_second *= env.intensity();
    auto label = env.take_label();
    if (!label) return tl::unexpected(label.error());
    const bool v6 = shape.direction == ScanDirection::vertical && shape.ipv6;
    Probe p{env.infrastructure().allocate(InfraUse::compromised, v6, setup),
            shape,
            *label,
            env.rng(kAttack, 1 + i),
            env.at_fraction(shape.start_at),
            env.at_fraction(shape.stop_at),
            0,
            false,
            false,
            0,
            0,
            {},
            false,
            {}};
    const bool nmap_like = p.rng.chance(0.4);
    p.syn_bytes = (v6 ? 60 : 40) + (nmap_like ? 4 : 0);
    p.fixed_port = nmap_like || p.rng.chance(0.5);
    p.retransmits = nmap_like;
    p.source_port = static_cast<std::uint16_t>(p.rng.between(32768, 61000));
    if (shape.direction == ScanDirection::vertical) {
      for (std::size_t k = p.shape.ports.size(); k > 1; --k) std::swap(p.shape.ports[k - 1], p.shape.ports[p.rng.below(k)]);
      p.target = env.subscribers()[p.rng.below(env.subscribers().size())];
      p.target_filtered = p.rng.chance(0.5);
      for (int k = 0; k < 3; ++k) p.open.push_back(p.shape.ports[p.rng.below(p.shape.ports.size())]);
    }
    src->planted_.push_back({*label, std::string(kAttack), {{p.scanner.address, "scanner", false}}});
    src->scanners_.push_back(std::move(p));
    src->schedule(static_cast<std::uint32_t>(i), src->scanners_.back().start);
  }
  return src;
}

double ScanSource::rate_at(TimeNs t) const noexcept {
  double rate = 0.0;
  for (const Probe& p : scanners_) {
    if (t >= p.start && t < p.stop) rate += p.shape.probes_per_second * 1.3;  // probes and some answers
  }
  return rate;
}

TimeNs ScanSource::act(std::uint32_t actor, TimeNs now, FlowBatch& out) {
  Probe& p = scanners_[actor];
  if (now >= p.stop) return kNever;
  Rng& rng = p.rng;
  const bool vertical = p.shape.direction == ScanDirection::vertical;
  if (vertical && p.next >= p.shape.ports.size()) return kNever;

  Peer target;
  ProbeAnswer answer = ProbeAnswer::none;
  if (vertical) {
    const std::uint16_t port = p.shape.ports[p.next++];
    target = p.target.peer(p.shape.ipv6, port);
    if (std::find(p.open.begin(), p.open.end(), port) != p.open.end()) {
      answer = ProbeAnswer::open;
    } else if (!p.target_filtered) {
      answer = ProbeAnswer::refused;
    }
  } else {
    const std::uint16_t port = p.shape.ports[rng.below(p.shape.ports.size())];
    const double draw = rng.uniform();
    if (rng.chance(config_.subscriber_share)) {
      // A live subscriber: its router usually refuses, sometimes forwards to an open service.
      target = subscribers_[rng.below(subscribers_.size())].peer(false, port);
      answer = draw < 0.05 ? ProbeAnswer::open : (draw < 0.65 ? ProbeAnswer::refused : ProbeAnswer::none);
    } else {
      target = {random_host(sweep_[rng.below(sweep_.size())], rng), port, static_cast<std::uint16_t>(1 + rng.below(8))};
      answer = draw < 0.02 ? ProbeAnswer::open : (draw < 0.15 ? ProbeAnswer::refused : ProbeAnswer::none);
    }
  }
  const Peer scanner{p.scanner.address, p.fixed_port ? p.source_port : static_cast<std::uint16_t>(rng.between(32768, 61000)),
                     p.scanner.interface};
  const double rtt = std::max(1.0, p.scanner.rtt_ms * rng.lognormal(1.0, 0.1));
  if (p.shape.proto == kProtoTcp) {
    TcpProbe probe;
    probe.start = now;
    probe.client = scanner;
    probe.server = target;
    probe.rtt_ms = rtt;
    probe.syn_bytes = p.syn_bytes;
    probe.syns = answer == ProbeAnswer::none && p.retransmits ? 2 : 1;
    probe.answer = answer;
    add_tcp_probe(factory_, probe, p.label, out);
  } else {
    // One datagram; an open service answers once.
    UdpExchange u;
    u.start = now;
    u.client = scanner;
    u.server = target;
    u.rtt_ms = rtt;
    // A SIP OPTIONS request is about 400 bytes, an SNMP get-request 40-60, other probes small.
    const std::uint64_t payload = target.port == 5060 ? 380 + rng.below(40) : (target.port == 161 ? 40 + rng.below(20) : 20 + rng.below(40));
    u.request_bytes = (scanner.address.is_v4() ? 28 : 48) + payload;
    u.response_packets = answer == ProbeAnswer::open ? 1 : 0;
    u.response_bytes = (scanner.address.is_v4() ? 28 : 48) + 450 + rng.below(100);
    add_udp_exchange(factory_, u, p.label, out);
  }
  // Scanners pace probes evenly with a little noise (vertical) or as a Poisson stream spread over many sensors.
  const double gap_s = vertical ? (0.8 + 0.4 * rng.uniform()) / p.shape.probes_per_second
                                : rng.exponential() / p.shape.probes_per_second;
  return now + std::max<TimeNs>(kNsPerMs, static_cast<TimeNs>(gap_s * 1e9));
}

}  // namespace mamori::flow::sim::attacks
