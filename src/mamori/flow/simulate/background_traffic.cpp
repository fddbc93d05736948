#include "mamori/flow/simulate/background_traffic.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "mamori/flow/simulate/wire_sizes.hpp"

namespace mamori::flow::sim {

namespace {

// What a server in the pool does; resolvers are kept apart.
enum Role : std::uint8_t { kWeb, kVideo, kPush, kUpdate, kMail, kSsh, kNtp, kRoleCount };
constexpr std::array<double, kRoleCount> kRoleShare = {0.55, 0.06, 0.03, 0.06, 0.10, 0.08, 0.04};

constexpr std::array<std::string_view, kServiceCount> kServiceNames = {
    "dns",   "https", "http", "quic", "ntp",     "mail_submission", "imaps",      "smtp_outbound",
    "video", "push",  "update", "ssh", "icmp_echo", "inbound_web", "inbound_smtp"};

// Share of sessions; DNS and web dominate a consumer network by count.
constexpr std::array<double, kServiceCount> kServiceShare = {
    0.280, 0.300, 0.030, 0.100, 0.020, 0.010, 0.020, 0.005, 0.040, 0.050, 0.020, 0.005, 0.015, 0.040, 0.005};

constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10;

constexpr std::uint16_t kServerFarmInterface = 50;
constexpr std::uint16_t kDomesticPeeringInterface = 100;

std::uint16_t upstream_interface(std::uint8_t country) noexcept {
  // Domestic traffic leaves by the IX; foreign traffic over one of three transits.
  return country == 0 ? kDomesticPeeringInterface : static_cast<std::uint16_t>(101 + country % 3);
}

TimeNs ms_to_ns(double ms) noexcept { return ms <= 0.0 ? 0 : static_cast<TimeNs>(std::llround(ms)) * kNsPerMs; }

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) noexcept { return (a + b - 1) / b; }

std::uint64_t clamp_u64(double v, double lo, double hi) noexcept {
  return static_cast<std::uint64_t>(std::clamp(v, lo, hi));
}

struct WellKnown {
  const char* v4;
  const char* v6;
  std::uint8_t country;  // index in AddressPlan::japan()
  float rtt_ms;
  double weight;
};

// Resolvers: the carrier's own (numbered like IIJ's long-standing ones) and
// the big public anycast services, which answer from Tokyo.
constexpr std::array kResolvers = {
    WellKnown{"210.130.0.1", "2001:240::53", 0, 4.0F, 0.35},
    WellKnown{"210.130.1.1", "2001:240::1:53", 0, 4.0F, 0.35},
    WellKnown{"8.8.8.8", "2001:4860:4860::8888", 1, 6.0F, 0.15},
    WellKnown{"1.1.1.1", "2606:4700:4700::1111", 1, 5.0F, 0.10},
    WellKnown{"9.9.9.9", "2620:fe::fe", 1, 7.0F, 0.05},
};
// ntp.nict.jp, Japan's reference time service.
constexpr WellKnown kNict{"133.243.238.243", "2001:df0:232:eea0::fff3", 0, 9.0F, 1.0};

IpAddress parse_or_zero(const char* text) noexcept {
  auto a = IpAddress::parse(text);
  return a ? *a : IpAddress();
}

}  // namespace

std::string_view service_name(Service service) noexcept { return kServiceNames[static_cast<std::size_t>(service)]; }
double service_share(Service service) noexcept { return kServiceShare[static_cast<std::size_t>(service)]; }

Status validate(const BackgroundConfig& c) {
  if (c.subscribers == 0) return fail(Errc::invalid_argument, "need at least one subscriber");
  // The home access blocks hold about 25 million addresses.
  if (c.subscribers > 10'000'000) return fail(Errc::invalid_argument, "at most 10,000,000 subscribers");
  if (c.servers < 16) return fail(Errc::invalid_argument, "need at least 16 servers (got {})", c.servers);
  if (c.servers > 2'000'000) return fail(Errc::invalid_argument, "at most 2,000,000 servers");
  if (!(c.flows_per_second > 0.0) || c.flows_per_second > 1e9) {
    return fail(Errc::invalid_argument, "rate must be above 0 and at most 1e9 flows/s");
  }
  if (!(c.ipv6_share >= 0.0 && c.ipv6_share <= 1.0)) return fail(Errc::invalid_argument, "IPv6 share must be 0..1");
  if (!(c.diurnal.amplitude >= 0.0 && c.diurnal.amplitude < 1.0)) {
    return fail(Errc::invalid_argument, "diurnal amplitude must be in [0, 1)");
  }
  if (c.active_timeout_ns != 0 && c.active_timeout_ns < kNsPerSecond) {
    return fail(Errc::invalid_argument, "active timeout must be at least 1s (or 0 to disable)");
  }
  return {};
}

Result<std::unique_ptr<BackgroundTraffic>> BackgroundTraffic::create(const BackgroundConfig& config) {
  if (auto ok = validate(config); !ok) return tl::unexpected(ok.error());
  return std::unique_ptr<BackgroundTraffic>(new BackgroundTraffic(config));
}

BackgroundTraffic::BackgroundTraffic(const BackgroundConfig& config)
    : config_(config),
      plan_(AddressPlan::japan()),
      rng_(mix_seed(config.seed, 0)),
      // Responses and the next piece of a long session are due within one
      // active timeout (plus round trips and pings) of the window that made them.
      waiting_(config.active_timeout_ns + 16 * kNsPerSecond, config.start_ns) {
  // Records start on whole milliseconds, as every export format carries them.
  config_.start_ns -= config_.start_ns % kNsPerMs;
  config_.active_timeout_ns -= config_.active_timeout_ns % kNsPerMs;
  build_hosts();
  service_pick_ = AliasTable(kServiceShare);
  calibrate();
  session_rate_ = config_.flows_per_second / flows_per_session_;
  warm_start();
  clock_s_ = rng_.exponential() / (session_rate_ * config_.diurnal.factor(config_.start_ns));
}

void BackgroundTraffic::warm_start() {
  // Sessions that began before the start and are still running contribute
  // active-timeout pieces from the first minute on; without them the rate
  // would ramp up over the first hours. Only the long-lived services can
  // reach past the start, so only they are replayed, on a side stream, over
  // the last hour (less at very high rates, to bound start-up work).
  if (config_.active_timeout_ns == 0) return;
  constexpr std::array kLong = {Service::video, Service::push, Service::update, Service::imaps, Service::ssh};
  std::vector<double> shares;
  double long_share = 0.0;
  for (Service s : kLong) {
    shares.push_back(service_share(s));
    long_share += service_share(s);
  }
  const AliasTable long_pick(shares);
  const double rate = session_rate_ * config_.diurnal.factor(config_.start_ns) * long_share;
  const double window_s = std::min(3600.0, 4e5 / rate);
  const TimeNs window_ns = static_cast<TimeNs>(window_s) * kNsPerSecond;  // whole seconds keep starts on ms
  const TimeNs first = config_.start_ns > window_ns ? config_.start_ns - window_ns : 0;
  const Rng saved = rng_;
  rng_ = Rng(mix_seed(config_.seed, 3));
  floor_ns_ = config_.start_ns;
  until_ = config_.start_ns;  // every kept piece starts at or after the start: pending
  double t = 0.0;
  for (;;) {
    t += rng_.exponential() / rate;
    const TimeNs start = first + static_cast<TimeNs>(t * 1e3) * kNsPerMs;
    if (start >= config_.start_ns) break;
    generate_session(start, kLong[long_pick.pick(rng_)]);
  }
  sessions_ = {};
  rng_ = saved;
}

void BackgroundTraffic::build_hosts() {
  Rng rng(mix_seed(config_.seed, 1));
  const auto countries = plan_.countries();
  const CountryPlan& home = plan_.home();

  // Subscribers: distinct IPv4 addresses, a /64 of their own for IPv6, and a
  // heavy-tailed activity level (a few subscribers make much of the traffic).
  subscribers_.resize(config_.subscribers);
  std::vector<double> activity(config_.subscribers);
  std::unordered_set<std::uint32_t> taken;
  taken.reserve(config_.subscribers * 2ULL);
  for (std::uint32_t i = 0; i < config_.subscribers; ++i) {
    Host& h = subscribers_[i];
    for (int attempt = 0;; ++attempt) {
      h.v4 = random_host(home.access_v4[rng.below(home.access_v4.size())], rng);
      if (taken.insert(h.v4.v4_value()).second || attempt > 1000) break;
    }
    h.v6 = random_host(home.access_v6[rng.below(home.access_v6.size())], rng);
    h.interface = static_cast<std::uint16_t>(1 + i % 8);
    h.country = 0;
    h.rtt_ms = 0.0F;
    activity[i] = rng.lognormal(1.0, 1.2);
  }
  subscriber_pick_ = AliasTable(activity);
  subscriber_v4_.reserve(subscribers_.size());
  subscriber_v6_.reserve(subscribers_.size());
  for (const Host& h : subscribers_) {
    subscriber_v4_.push_back(h.v4.v4_value());
    subscriber_v6_.push_back(h.v6);
  }

  // Servers: a few pinned so every role (and a domestic web and mail server)
  // exists however small the pool, then roles and countries by share.
  std::vector<double> country_share;
  for (const auto& c : countries) country_share.push_back(c.server_share);
  AliasTable country_pick(country_share);
  AliasTable role_pick(kRoleShare);
  std::vector<std::pair<std::uint8_t, std::uint8_t>> pinned = {{kWeb, 0}, {kMail, 0}};
  for (std::uint8_t r = 0; r < kRoleCount; ++r) pinned.emplace_back(r, 1);
  servers_.resize(config_.servers);
  role_members_.assign(kRoleCount, {});
  std::unordered_set<IpAddress, IpAddressHash> server_taken;
  for (std::uint32_t i = 0; i < config_.servers; ++i) {
    Host& h = servers_[i];
    if (i < pinned.size()) {
      h.role = pinned[i].first;
      h.country = pinned[i].second;
    } else {
      h.role = static_cast<std::uint8_t>(role_pick.pick(rng));
      h.country = static_cast<std::uint8_t>(country_pick.pick(rng));
    }
    const CountryPlan& c = countries[h.country];
    const auto& v4_blocks = c.hosting_v4.empty() ? c.access_v4 : c.hosting_v4;
    const auto& v6_blocks = c.hosting_v6.empty() ? c.access_v6 : c.hosting_v6;
    // A country's hosting space can fill up in a very large pool: then servers
    // spill into its access space (small businesses host too), and in the end
    // an address may repeat rather than the loop never ending.
    for (int attempt = 0;; ++attempt) {
      const auto& blocks = attempt < 16 || c.access_v4.empty() ? v4_blocks : c.access_v4;
      h.v4 = random_host(blocks[rng.below(blocks.size())], rng);
      if (server_taken.insert(h.v4).second || attempt > 1000) break;
    }
    h.v6 = random_host(v6_blocks[rng.below(v6_blocks.size())], rng, true);
    h.interface = upstream_interface(h.country);
    h.rtt_ms = static_cast<float>(c.rtt_ms * rng.lognormal(1.0, 0.15));
    role_members_[h.role].push_back(i);
    if (h.country == 0 && h.role == kWeb) domestic_web_.push_back(i);
    if (h.country == 0 && h.role == kMail) domestic_mail_.push_back(i);
    if (h.country != 0 && h.role == kMail) foreign_mail_.push_back(i);
  }
  // Popularity within a role is Zipf-like: a handful of big services and a long tail.
  server_pick_.clear();
  for (const auto& members : role_members_) {
    std::vector<double> weights(members.size());
    for (std::size_t rank = 0; rank < members.size(); ++rank) {
      weights[rank] = 1.0 / std::pow(static_cast<double>(rank + 1), 0.9);
    }
    server_pick_.emplace_back(weights);
  }

  auto well_known = [&](const WellKnown& w) {
    Host h;
    h.v4 = parse_or_zero(w.v4);
    h.v6 = parse_or_zero(w.v6);
    h.country = w.country;
    h.rtt_ms = w.rtt_ms;
    h.interface = upstream_interface(w.country);
    return h;
  };
  std::vector<double> resolver_weights;
  for (const auto& r : kResolvers) {
    resolvers_.push_back(well_known(r));
    resolver_weights.push_back(r.weight);
  }
  resolver_pick_ = AliasTable(resolver_weights);
  time_servers_.push_back(well_known(kNict));

  std::vector<double> foreign_weights;
  for (std::size_t i = 1; i < countries.size(); ++i) {
    if (countries[i].access_v4.empty() && countries[i].hosting_v4.empty()) continue;
    foreign_countries_.push_back(static_cast<std::uint8_t>(i));
    foreign_weights.push_back(countries[i].server_share);
  }
  foreign_country_pick_ = AliasTable(foreign_weights);
}

void BackgroundTraffic::calibrate() {
  // Run the session mix once on a side stream to learn records per session
  // (active-timeout splits and unanswered requests move it off 2), so that
  // --rate means records per second.
  constexpr int kSessions = 20'000;
  const Rng saved = rng_;
  rng_ = Rng(mix_seed(config_.seed, 2));
  calibrating_ = true;
  calibration_flows_ = 0;
  for (int i = 0; i < kSessions; ++i) generate_session(config_.start_ns);
  calibrating_ = false;
  flows_per_session_ = std::max(1.0, static_cast<double>(calibration_flows_) / kSessions);
  sessions_ = {};
  rng_ = saved;
}

double BackgroundTraffic::rate_at(TimeNs t) const noexcept {
  return config_.flows_per_second * config_.diurnal.factor(t);
}

void BackgroundTraffic::emit_until(TimeNs until, FlowBatch& out) {
  until_ = until;
  staged_flows_.clear();
  staged_keys_.clear();
  waiting_.drain_before(until, [this](Waiting&& w) { advance(w); });
  for (;;) {
    const TimeNs start = config_.start_ns + static_cast<TimeNs>(clock_s_ * 1e3) * kNsPerMs;
    if (start >= until) break;
    generate_session(start);
    clock_s_ += rng_.exponential() / (session_rate_ * config_.diurnal.factor(start));
  }
  std::sort(staged_keys_.begin(), staged_keys_.end(), [](const Key& x, const Key& y) {
    return x.start != y.start ? x.start < y.start : x.seq < y.seq;
  });
  out.flows.reserve(out.flows.size() + staged_keys_.size());
  for (const Key& k : staged_keys_) out.flows.push_back(staged_flows_[k.slot]);
  out.labels.resize(out.flows.size(), kBackgroundLabel);
}

void BackgroundTraffic::stage(const FlowRecord& flow, std::uint64_t seq) {
  if (flow.start_ns < floor_ns_) return;
  staged_keys_.push_back({flow.start_ns, seq, static_cast<std::uint32_t>(staged_flows_.size())});
  staged_flows_.push_back(flow);
}

TimeNs BackgroundTraffic::piece_start(const Waiting& w) const noexcept {
  return w.whole.start_ns + static_cast<TimeNs>(w.piece) * config_.active_timeout_ns;
}

bool BackgroundTraffic::piece_of(const Waiting& w, FlowRecord& piece) const noexcept {
  // Packets are shared out by elapsed time; a piece that gets none is an idle
  // gap and yields no record. Bytes follow packets, within per-packet bounds.
  const FlowRecord& flow = w.whole;
  if (w.pieces == 1) {
    piece = flow;
    return true;
  }
  const TimeNs timeout = config_.active_timeout_ns;
  const TimeNs duration = flow.end_ns - flow.start_ns;
  const std::uint64_t k = w.piece;
  const bool last = k + 1 == w.pieces;
  auto packets_through = [&](std::uint64_t n) -> std::uint64_t {  // packets in the first n pieces
    if (n >= w.pieces) return flow.packets;
    return static_cast<std::uint64_t>(static_cast<__uint128_t>(flow.packets) * (n * timeout) / duration);
  };
  const std::uint64_t before = packets_through(k);
  const std::uint64_t through = packets_through(k + 1);
  const std::uint64_t packets = through - before;
  if (packets == 0) return false;
  const std::uint32_t min_size = min_ip_packet(flow.proto, !flow.is_v4());
  const std::uint64_t extra = flow.bytes - flow.packets * min_size;
  auto extra_through = [&](std::uint64_t p) {
    return static_cast<std::uint64_t>(static_cast<__uint128_t>(extra) * p / flow.packets);
  };
  piece = flow;
  piece.start_ns = flow.start_ns + k * timeout;
  piece.end_ns = last ? flow.end_ns : piece.start_ns + timeout - kNsPerMs;
  if (packets == 1) piece.end_ns = piece.start_ns;
  piece.packets = piece.raw_packets = packets;
  piece.bytes = std::min(packets * min_size + extra_through(through) - extra_through(before), packets * kMaxIpPacket);
  piece.raw_bytes = piece.bytes;
  if (flow.proto == kProtoTcp) {
    std::uint8_t flags = flow.tcp_flags;
    if (k != 0) flags &= static_cast<std::uint8_t>(~kSyn);
    if (!last) flags &= static_cast<std::uint8_t>(~(kFin | kRst));
    piece.tcp_flags = flags;
  }
  return true;
}

void BackgroundTraffic::advance(Waiting w) {
  FlowRecord piece;
  while (w.piece < w.pieces) {
    const TimeNs start = piece_start(w);
    if (start >= until_) {
      waiting_.push(start, w);
      return;
    }
    if (piece_of(w, piece)) stage(piece, w.seq | w.piece);
    ++w.piece;
  }
}

void BackgroundTraffic::place(const FlowRecord& flow) {
  const TimeNs timeout = config_.active_timeout_ns;
  const TimeNs duration = flow.end_ns - flow.start_ns;
  Waiting w{flow, sequence_++ << 16, 0, 1};
  if (timeout != 0 && duration > timeout && flow.packets >= 2) {
    w.pieces = static_cast<std::uint32_t>(std::min<std::uint64_t>(ceil_div(duration, timeout), 0xffff));
  }
  if (calibrating_) {
    // Count every piece at once; nothing is kept.
    for (; w.piece < w.pieces; ++w.piece) {
      FlowRecord piece;
      if (piece_of(w, piece)) ++calibration_flows_;
    }
    return;
  }
  advance(w);
}

FlowRecord BackgroundTraffic::make_flow(TimeNs start, TimeNs end, const Endpoint& src, const Endpoint& dst,
                                        std::uint8_t proto) const {
  FlowRecord f;
  f.start_ns = start;
  f.end_ns = end;
  f.src_addr = src.addr;
  f.dst_addr = dst.addr;
  f.src_port = src.port;
  f.dst_port = dst.port;
  f.proto = proto;
  f.input_if = src.interface;
  f.output_if = dst.interface;
  f.exporter = config_.exporter;
  f.observation_domain = config_.observation_domain;
  f.sampling_rate = 1;
  f.direction = Direction::ingress;
  f.source = FlowSource::simulated;
  return f;
}

void BackgroundTraffic::tcp_session(TimeNs start, const Endpoint& client, const Endpoint& server, double rtt_ms,
                                   std::uint64_t request_payload, std::uint64_t response_payload,
                                   double duration_ms) {
  const bool v6 = !client.addr.is_v4();
  const std::uint64_t header = v6 ? 72 : 52;  // IP + TCP with the timestamp option
  const std::uint64_t mss = kMaxIpPacket - header;
  const double outcome = rng_.uniform();

  if (outcome < 0.01) {
    // Nobody answers: SYN retransmits at 1 s and 3 s, sometimes an RST back.
    const std::uint64_t tries = rng_.between(1, 3);
    const double span_ms = tries == 1 ? 0.0 : (tries == 2 ? 1000.0 : 3000.0);
    FlowRecord req = make_flow(start, start + ms_to_ns(span_ms), client, server, kProtoTcp);
    req.packets = req.raw_packets = tries;
    req.bytes = req.raw_bytes = tries * (v6 ? 80 : 60);  // SYN with options
    req.tcp_flags = kSyn;
    place(req);
    if (rng_.chance(0.3)) {
      const TimeNs t = start + ms_to_ns(rtt_ms);
      FlowRecord rst = make_flow(t, t, server, client, kProtoTcp);
      rst.packets = rst.raw_packets = 1;
      rst.bytes = rst.raw_bytes = min_ip_packet(kProtoTcp, v6);
      rst.tcp_flags = kRst | kAck;
      place(rst);
    }
    return;
  }

  const std::uint64_t response_data = ceil_div(std::max<std::uint64_t>(response_payload, 1), mss);
  const std::uint64_t response_packets = response_data + 2;  // SYN-ACK and FIN
  const std::uint64_t request_data = ceil_div(std::max<std::uint64_t>(request_payload, 1), mss);
  const std::uint64_t request_packets = 2 + request_data + response_data / 2;  // delayed ACKs

  const double duration = std::max(duration_ms, 2.0 * rtt_ms + 1.0);
  const TimeNs end = start + ms_to_ns(duration);
  const TimeNs response_start = start + ms_to_ns(rtt_ms);
  const TimeNs response_end = std::max(response_start, end - ms_to_ns(rtt_ms / 2.0));

  FlowRecord req = make_flow(start, end, client, server, kProtoTcp);
  req.packets = req.raw_packets = request_packets;
  req.bytes = req.raw_bytes = request_payload + request_packets * header;
  FlowRecord resp = make_flow(response_start, response_end, server, client, kProtoTcp);
  resp.packets = resp.raw_packets = response_packets;
  resp.bytes = resp.raw_bytes = response_payload + response_packets * header;
  if (outcome < 0.05) {
    req.tcp_flags = kSyn | kAck | kPsh | kRst;  // the client aborts
    resp.tcp_flags = kSyn | kAck | kPsh;
  } else {
    req.tcp_flags = kSyn | kAck | kPsh | kFin;
    resp.tcp_flags = kSyn | kAck | kPsh | kFin;
  }
  place(req);
  place(resp);
}

void BackgroundTraffic::udp_exchange(TimeNs start, const Endpoint& client, const Endpoint& server, double rtt_ms,
                                     std::uint64_t request_packets, std::uint64_t request_bytes,
                                     std::uint64_t response_packets, std::uint64_t response_bytes,
                                     double duration_ms) {
  const TimeNs span = ms_to_ns(std::max(duration_ms, 1.0));
  FlowRecord req = make_flow(start, request_packets > 1 ? start + span : start, client, server, kProtoUdp);
  req.packets = req.raw_packets = request_packets;
  req.bytes = req.raw_bytes = request_bytes;
  place(req);
  if (response_packets == 0) return;
  const TimeNs response_start = start + ms_to_ns(rtt_ms);
  FlowRecord resp =
      make_flow(response_start, response_packets > 1 ? response_start + span : response_start, server, client, kProtoUdp);
  resp.packets = resp.raw_packets = response_packets;
  resp.bytes = resp.raw_bytes = response_bytes;
  place(resp);
}

void BackgroundTraffic::generate_session(TimeNs start) {
  generate_session(start, static_cast<Service>(service_pick_.pick(rng_)));
}

void BackgroundTraffic::generate_session(TimeNs start, Service service) {
  ++sessions_[static_cast<std::size_t>(service)];
  const bool v6 = rng_.chance(config_.ipv6_share);
  const std::uint64_t udp_header = v6 ? 48 : 28;

  auto subscriber = [&]() -> Endpoint {
    const std::uint32_t i = subscriber_pick_.pick(rng_);
    return {v6 ? subscriber_v6_[i] : IpAddress::v4(subscriber_v4_[i]),
            static_cast<std::uint16_t>(rng_.between(32768, 60999)), static_cast<std::uint16_t>(1 + i % 8)};
  };
  auto server_of = [&](const Host& h, std::uint16_t port) -> Endpoint { return {v6 ? h.v6 : h.v4, port, h.interface}; };
  auto pick_server = [&](Role role) -> const Host& {
    const auto& members = role_members_[role];
    return servers_[members[server_pick_[role].pick(rng_)]];
  };
  auto jitter = [&](float rtt) { return std::max(1.0, static_cast<double>(rtt) * rng_.lognormal(1.0, 0.1)); };

  switch (service) {
    case Service::dns: {
      const Host& r = resolvers_[resolver_pick_.pick(rng_)];
      const std::uint64_t query = clamp_u64(rng_.lognormal(35, 0.2), 17, 300);
      const std::uint64_t answer = clamp_u64(rng_.lognormal(90, 0.6), 30, 1232);
      const bool answered = !rng_.chance(0.02);
      udp_exchange(start, subscriber(), server_of(r, 53), jitter(r.rtt_ms), 1, udp_header + query, answered ? 1 : 0,
                   udp_header + answer, 0.0);
      return;
    }
    case Service::ntp: {
      const Host& s = rng_.chance(0.5) ? time_servers_.front() : pick_server(kNtp);
      Endpoint client = subscriber();
      if (rng_.chance(0.3)) client.port = 123;  // ntpd-style clients use the NTP port both ways
      const std::uint64_t size = udp_header + 48;
      udp_exchange(start, client, server_of(s, 123), jitter(s.rtt_ms), 1, size, 1, size, 0.0);
      return;
    }
    case Service::https:
    case Service::http: {
      const Host& s = pick_server(kWeb);
      const bool tls = service == Service::https;
      const double median = tls ? 25'000 : 12'000;
      const std::uint64_t response = clamp_u64(rng_.lognormal(median, 1.7), 300, 500e6);
      const std::uint64_t request = rng_.chance(0.02) ? clamp_u64(rng_.lognormal(2e6, 1.5), 1e3, 1e9)
                                                      : clamp_u64(rng_.lognormal(tls ? 900 : 500, 0.8), 100, 2e6);
      tcp_session(start, subscriber(), server_of(s, tls ? 443 : 80), jitter(s.rtt_ms), request, response,
                  rng_.lognormal(1200, 1.4));
      return;
    }
    case Service::quic: {
      const Host& s = pick_server(kWeb);
      const std::uint64_t payload = clamp_u64(rng_.lognormal(40'000, 1.8), 1200, 500e6);
      const std::uint64_t response_packets = ceil_div(payload, 1350) + 1;
      const std::uint64_t request_packets = 2 + response_packets / 4;
      const std::uint64_t request_bytes = 2 * (udp_header + 1200) + (request_packets - 2) * (udp_header + 40);
      const std::uint64_t response_bytes = payload + response_packets * udp_header;
      udp_exchange(start, subscriber(), server_of(s, 443), jitter(s.rtt_ms), request_packets, request_bytes,
                   response_packets, response_bytes, rng_.lognormal(1500, 1.3));
      return;
    }
    case Service::video: {
      const Host& s = pick_server(kVideo);
      const std::uint64_t payload = clamp_u64(rng_.lognormal(30e6, 1.2), 500e3, 4e9);
      const double bits_per_ms = rng_.lognormal(4e3, 0.6);  // 4 Mbit/s median
      const double duration = std::clamp(static_cast<double>(payload) * 8.0 / bits_per_ms, 5e3, 4 * 3.6e6);
      if (rng_.chance(0.2)) {
        const std::uint64_t response_packets = ceil_div(payload, 1350) + 1;
        const std::uint64_t request_packets = 2 + response_packets / 4;
        udp_exchange(start, subscriber(), server_of(s, 443), jitter(s.rtt_ms), request_packets,
                     2 * (udp_header + 1200) + (request_packets - 2) * (udp_header + 40), response_packets,
                     payload + response_packets * udp_header, duration);
      } else {
        tcp_session(start, subscriber(), server_of(s, 443), jitter(s.rtt_ms), clamp_u64(rng_.lognormal(3000, 1.0), 500, 1e6),
                    payload, duration);
      }
      return;
    }
    case Service::push: {
      // Long-lived and quiet: keepalives every few minutes, a few notifications.
      const Host& s = pick_server(kPush);
      const double port_draw = rng_.uniform();
      const std::uint16_t port = port_draw < 0.4 ? 5223 : (port_draw < 0.8 ? 5228 : 443);
      const double duration = std::clamp(rng_.lognormal(1.2e6, 0.8), 60e3, 4 * 3.6e6);
      const auto keepalives = static_cast<std::uint64_t>(duration / 270e3) + 1;
      const auto notifications = static_cast<std::uint64_t>(rng_.lognormal(3, 1.0));
      tcp_session(start, subscriber(), server_of(s, port), jitter(s.rtt_ms), 600 + keepalives * 40,
                  keepalives * 40 + notifications * 600, duration);
      return;
    }
    case Service::update: {
      const Host& s = pick_server(kUpdate);
      const std::uint64_t payload = clamp_u64(rng_.lognormal(8e6, 1.5), 200e3, 3e9);
      const double bits_per_ms = rng_.lognormal(30e3, 0.8);
      const double duration = std::clamp(static_cast<double>(payload) * 8.0 / bits_per_ms, 500.0, 4 * 3.6e6);
      tcp_session(start, subscriber(), server_of(s, rng_.chance(0.8) ? 443 : 80), jitter(s.rtt_ms),
                  clamp_u64(rng_.lognormal(700, 0.5), 200, 1e5), payload, duration);
      return;
    }
    case Service::mail_submission: {
      const Host& s = pick_server(kMail);
      tcp_session(start, subscriber(), server_of(s, 587), jitter(s.rtt_ms), clamp_u64(rng_.lognormal(30e3, 1.5), 500, 50e6),
                  clamp_u64(rng_.lognormal(2000, 0.4), 300, 1e5), rng_.lognormal(2500, 0.8));
      return;
    }
    case Service::imaps: {
      const Host& s = pick_server(kMail);
      tcp_session(start, subscriber(), server_of(s, 993), jitter(s.rtt_ms), clamp_u64(rng_.lognormal(3000, 1.0), 300, 1e6),
                  clamp_u64(rng_.lognormal(50e3, 1.5), 500, 200e6), std::clamp(rng_.lognormal(600e3, 1.0), 1e3, 3.6e6));
      return;
    }
    case Service::smtp_outbound:
    case Service::inbound_smtp: {
      const Host& domestic = servers_[domestic_mail_[rng_.below(domestic_mail_.size())]];
      const Host& foreign = servers_[foreign_mail_[rng_.below(foreign_mail_.size())]];
      const bool outbound = service == Service::smtp_outbound;
      const Host& from = outbound ? domestic : foreign;
      const Host& to = outbound ? foreign : domestic;
      Endpoint client{v6 ? from.v6 : from.v4, static_cast<std::uint16_t>(rng_.between(32768, 60999)),
                      outbound ? kServerFarmInterface : from.interface};
      Endpoint server{v6 ? to.v6 : to.v4, 25, outbound ? to.interface : kServerFarmInterface};
      tcp_session(start, client, server, jitter(foreign.rtt_ms), clamp_u64(rng_.lognormal(40e3, 1.5), 800, 50e6),
                  clamp_u64(rng_.lognormal(900, 0.3), 300, 1e4), rng_.lognormal(3000, 0.8));
      return;
    }
    case Service::ssh: {
      const Host& s = pick_server(kSsh);
      const double duration = std::clamp(rng_.lognormal(300e3, 1.5), 2e3, 8 * 3.6e6);
      const bool transfer = rng_.chance(0.2);
      const std::uint64_t typed = static_cast<std::uint64_t>(duration / 1e3 * rng_.lognormal(2.0, 0.7)) * 36 + 2000;
      const std::uint64_t shown = transfer ? clamp_u64(rng_.lognormal(20e6, 1.5), 1e5, 2e9) : typed * 4;
      tcp_session(start, subscriber(), server_of(s, 22), jitter(s.rtt_ms), typed, shown, duration);
      return;
    }
    case Service::icmp_echo: {
      const Host& s = pick_server(kWeb);
      const double draw = rng_.uniform();
      const std::uint64_t count = draw < 0.4 ? 1 : (draw < 0.8 ? 4 : rng_.between(2, 10));
      const std::uint64_t size = v6 ? 104 : 84;  // 56 bytes of data, as ping sends
      Endpoint client = subscriber();
      client.port = 0;
      const std::uint8_t proto = v6 ? kProtoIcmpV6 : kProtoIcmp;
      Endpoint target = server_of(s, v6 ? 128 * 256 : 8 * 256);  // echo request: type * 256 + code
      const TimeNs span = (count - 1) * kNsPerSecond;
      FlowRecord req = make_flow(start, start + span, client, target, proto);
      req.packets = req.raw_packets = count;
      req.bytes = req.raw_bytes = count * size;
      place(req);
      if (rng_.chance(0.9)) {
        const TimeNs t = start + ms_to_ns(jitter(s.rtt_ms));
        Endpoint reply_from = target;
        reply_from.port = 0;
        Endpoint reply_to = client;
        reply_to.port = v6 ? 129 * 256 : 0;  // echo reply
        FlowRecord resp = make_flow(t, t + span, reply_from, reply_to, proto);
        resp.packets = resp.raw_packets = count;
        resp.bytes = resp.raw_bytes = count * size;
        place(resp);
      }
      return;
    }
    case Service::inbound_web: {
      const Host& s = servers_[domestic_web_[rng_.below(domestic_web_.size())]];
      const std::uint8_t country = foreign_countries_[foreign_country_pick_.pick(rng_)];
      const CountryPlan& c = plan_.countries()[country];
      const auto& blocks = v6 ? (c.access_v6.empty() ? c.hosting_v6 : c.access_v6)
                              : (c.access_v4.empty() ? c.hosting_v4 : c.access_v4);
      Endpoint client{random_host(blocks[rng_.below(blocks.size())], rng_),
                      static_cast<std::uint16_t>(rng_.between(32768, 60999)), upstream_interface(country)};
      Endpoint server{v6 ? s.v6 : s.v4, 443, kServerFarmInterface};
      tcp_session(start, client, server, std::max(1.0, c.rtt_ms * rng_.lognormal(1.0, 0.15)),
                  clamp_u64(rng_.lognormal(900, 0.8), 100, 2e6), clamp_u64(rng_.lognormal(25'000, 1.7), 300, 500e6),
                  rng_.lognormal(1200, 1.4));
      return;
    }
  }
}

}  // namespace mamori::flow::sim
