#include "mamori/flow/simulate/attacks/brute_force.hpp"

#include <algorithm>

namespace mamori::flow::sim::attacks {

namespace {
constexpr std::string_view kAttack = "bruteforce";

// One attempt's application bytes each way, its interactive packets and length.
struct AttemptShape {
  double request, response;
  std::uint64_t extra_packets;
  double duration_ms;
};
AttemptShape shape_of(AuthService service) noexcept {
  switch (service) {
    case AuthService::ssh: return {1900, 2700, 8, 2500};    // version, KEXINIT, ECDH, a few password tries
    case AuthService::rdp: return {3300, 5200, 6, 1200};    // X.224, TLS, CredSSP/NTLM
    case AuthService::telnet: return {90, 260, 6, 3500};    // banner, login, password, "Login incorrect"
  }
  return {1000, 1000, 4, 1000};
}
}  // namespace

BruteForceConfig default_brute_force_config() {
  using enum AuthService;
  BruteForceConfig c;
  c.attackers = {
      {ssh, 22, 30.0, 0.05, 0.75, true, 0},
      {rdp, 3389, 12.0, 0.20, 0.90, false, 0},
      {telnet, 23, 40.0, 0.00, 0.50, false, 0},
      {ssh, 2222, 6.0, 0.10, 1.00, false, 0},
      {rdp, 33890, 8.0, 0.30, 0.80, true, 0},
      {ssh, 22, 20.0, 0.40, 1.00, true, 60},
  };
  return c;
}

Result<std::unique_ptr<BruteForceSource>> BruteForceSource::create(const BruteForceConfig& config,
                                                                   AttackEnvironment& env) {
  if (config.attackers.empty()) return fail(Errc::invalid_argument, "bruteforce: no attackers configured");
  if (env.domestic_servers().empty()) return fail(Errc::invalid_argument, "bruteforce: no domestic servers to attack");
  std::unique_ptr<BruteForceSource> src(new BruteForceSource(env.factory()));
  Rng setup = env.rng(kAttack, 0);
  for (std::size_t i = 0; i < config.attackers.size(); ++i) {
    BruteForcer shape = config.attackers[i];
    if (!(shape.attempts_per_minute > 0.0) || !(shape.start_at < shape.stop_at)) {
      return fail(Errc::invalid_argument, "bruteforce: rate must be positive and start before stop");
    }
    shape.attempts_per_minute *= env.intensity();
    auto label = env.take_label();
    if (!label) return tl::unexpected(label.error());
    Attacker a{env.infrastructure().allocate(InfraUse::compromised, false, setup),
               shape,
               *label,
               env.rng(kAttack, 1 + i),
               env.at_fraction(shape.start_at),
               env.at_fraction(shape.stop_at),
               {},
               0};
    const auto& pool = shape.target_server ? env.domestic_servers() : env.subscribers();
    a.target = pool[a.rng.below(pool.size())].peer(false, shape.port);
    src->planted_.push_back({*label, std::string(kAttack), {{a.source.address, "brute_forcer", false}}});
    src->attackers_.push_back(a);
    src->schedule(static_cast<std::uint32_t>(i), a.start);
  }
  return src;
}

double BruteForceSource::rate_at(TimeNs t) const noexcept {
  double rate = 0.0;
  for (const Attacker& a : attackers_) {
    if (t >= a.start && t < a.stop) rate += 2.0 * a.shape.attempts_per_minute / 60.0;
  }
  return rate;
}

TimeNs BruteForceSource::act(std::uint32_t actor, TimeNs now, FlowBatch& out) {
  Attacker& a = attackers_[actor];
  if (now >= a.stop) return kNever;
  Rng& rng = a.rng;
  // Above every targeted port, so the port heuristics see the attacker as the client even on 33890.
  const Peer source{a.source.address, static_cast<std::uint16_t>(rng.between(40000, 60999)), a.source.interface};
  const double rtt = std::max(1.0, a.source.rtt_ms * rng.lognormal(1.0, 0.08));
  ++a.attempts;
  if (a.shape.ban_after != 0 && a.attempts > a.shape.ban_after) {
    TcpProbe p;
    p.start = now;
    p.client = source;
    p.server = a.target;
    p.rtt_ms = rtt;
    p.syns = static_cast<std::uint32_t>(rng.between(2, 3));
    p.syn_bytes = 60;  // a full stack's SYN with options
    add_tcp_probe(factory_, p, a.label, out);
  } else {
    const AttemptShape s = shape_of(a.shape.service);
    TcpConversation c;
    c.start = now;
    c.client = source;
    c.server = a.target;
    c.rtt_ms = rtt;
    c.request_payload = static_cast<std::uint64_t>(s.request * rng.lognormal(1.0, 0.05));
    c.response_payload = static_cast<std::uint64_t>(s.response * rng.lognormal(1.0, 0.04));
    c.extra_packets = s.extra_packets;
    c.duration_ms = s.duration_ms * rng.lognormal(1.0, 0.25) + 4.0 * rtt;
    c.client_resets = rng.chance(0.3);  // tools often just drop the connection
    add_tcp_conversation(factory_, c, a.label, out);
  }
  const double gap_s = rng.exponential() * 60.0 / a.shape.attempts_per_minute;
  return now + std::max<TimeNs>(kNsPerMs, static_cast<TimeNs>(gap_s * 1e9));
}

}  // namespace mamori::flow::sim::attacks
