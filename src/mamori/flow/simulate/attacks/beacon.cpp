#include "mamori/flow/simulate/attacks/beacon.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace mamori::flow::sim::attacks {

namespace {
constexpr std::string_view kAttack = "beacon";

TimeNs uniform_between(TimeNs lo, TimeNs hi, Rng& rng) noexcept {
  return hi <= lo ? lo : lo + static_cast<TimeNs>(rng.uniform() * static_cast<double>(hi - lo));
}
}  // namespace

BeaconConfig default_beacon_config() {
  // Twenty C2s, so that one false alarm moves beaconing precision by under 5 %.
  // Periods, jitter, ports and victim counts cycle through realistic values:
  // TLS (443, 8443), plain HTTP (80, 8080), Metasploit's 4444, DarkComet's
  // 1604, njRAT's 5552; every fifth over IPv6.
  constexpr std::array<int, 7> kPeriods = {60, 90, 120, 150, 180, 240, 300};
  constexpr std::array<double, 5> kJitter = {0.10, 0.15, 0.20, 0.25, 0.30};
  constexpr std::array<std::uint16_t, 10> kPorts = {443, 8443, 80, 443, 4444, 443, 8080, 1604, 443, 5552};
  BeaconConfig c;
  for (std::uint32_t i = 0; i < 20; ++i) {
    c.c2s.push_back({static_cast<TimeNs>(kPeriods[i % kPeriods.size()]) * kNsPerSecond, kJitter[i % kJitter.size()],
                     kPorts[i % kPorts.size()], 2 + (i * 7) % 4, i % 5 == 4});
  }
  return c;
}

Result<std::unique_ptr<BeaconSource>> BeaconSource::create(const BeaconConfig& config, AttackEnvironment& env) {
  if (config.c2s.empty()) return fail(Errc::invalid_argument, "beacon: no C2 servers configured");
  if (config.active_min == 0 || config.active_max < config.active_min || config.sleep_max < config.sleep_min) {
    return fail(Errc::invalid_argument, "beacon: active spells must be positive and ranges ordered");
  }
  std::unique_ptr<BeaconSource> src(new BeaconSource(config, env.factory()));
  Rng setup = env.rng(kAttack, 0);
  for (std::size_t i = 0; i < config.c2s.size(); ++i) {
    const BeaconC2& shape = config.c2s[i];
    if (shape.period < kNsPerSecond) return fail(Errc::invalid_argument, "beacon: period below 1s");
    if (!(shape.jitter >= 0.0 && shape.jitter < 1.0)) return fail(Errc::invalid_argument, "beacon: jitter must be 0..1");
    if (shape.victims == 0) return fail(Errc::invalid_argument, "beacon: a C2 needs victims");
    auto label = env.take_label();
    if (!label) return tl::unexpected(label.error());
    C2 c2;
    c2.server = env.infrastructure().allocate(InfraUse::c2_hosting, shape.ipv6, setup);
    c2.shape = shape;
    c2.label = *label;
    // A TLS beacon opens a new session each time: ClientHello plus request up,
    // certificate chain plus answer down. Plain HTTP and custom protocols are small.
    if (shape.port == 443 || shape.port == 8443) {
      c2.request_payload = setup.lognormal(1000, 0.15);
      c2.response_payload = setup.lognormal(3800, 0.2);
    } else if (shape.port == 80) {
      c2.request_payload = setup.lognormal(350, 0.2);
      c2.response_payload = setup.lognormal(260, 0.3);
    } else {
      c2.request_payload = setup.lognormal(140, 0.3);
      c2.response_payload = setup.lognormal(90, 0.3);
    }
    src->planted_.push_back({*label, std::string(kAttack), {{c2.server.address, "c2_server", true}}});
    const auto c2_index = static_cast<std::uint32_t>(src->c2s_.size());
    for (std::uint32_t victim : env.pick_subscribers(shape.victims, setup)) {
      const auto actor = static_cast<std::uint32_t>(src->implants_.size());
      Rng rng = env.rng(kAttack, 1 + (i << 20) + actor);
      const TimeNs first = env.start() + uniform_between(0, shape.period, rng);
      Implant implant{c2_index, env.subscribers()[victim], rng, 0, 0};
      implant.awake_until = first + uniform_between(config.active_min, config.active_max, implant.rng);
      implant.next_port = static_cast<std::uint16_t>(implant.rng.between(49152, 65000));
      src->implants_.push_back(implant);
      src->schedule(actor, first);
      src->rate_ += 2.0 * 1e9 / static_cast<double>(shape.period);
    }
    src->c2s_.push_back(c2);
  }
  return src;
}

double BeaconSource::rate_at(TimeNs) const noexcept { return rate_; }

TimeNs BeaconSource::act(std::uint32_t actor, TimeNs now, FlowBatch& out) {
  Implant& m = implants_[actor];
  const C2& c2 = c2s_[m.c2];
  Rng& rng = m.rng;
  if (now >= m.awake_until) {
    // Sleep, then a new active spell.
    const TimeNs wake = now + uniform_between(config_.sleep_min, config_.sleep_max, rng);
    m.awake_until = wake + uniform_between(config_.active_min, config_.active_max, rng);
    return wake;
  }
  if (!rng.chance(config_.miss_share)) {
    const bool tasking = rng.chance(config_.tasking_share);
    TcpConversation c;
    c.start = now;
    c.client = m.victim.peer(c2.shape.ipv6, m.next_port);
    c.server = {c2.server.address, c2.shape.port, c2.server.interface};
    c.rtt_ms = std::max(1.0, c2.server.rtt_ms * rng.lognormal(1.0, 0.05));
    c.request_payload = static_cast<std::uint64_t>(c2.request_payload * rng.lognormal(1.0, config_.size_sigma));
    // A command (a module, a file list, a script) rides on top of the usual answer.
    const double command = tasking ? std::clamp(rng.lognormal(12'000, 0.8), 4'000.0, 500'000.0) : 0.0;
    c.response_payload =
        static_cast<std::uint64_t>(c2.response_payload * rng.lognormal(1.0, config_.size_sigma) + command);
    c.duration_ms = 2.0 * c.rtt_ms + rng.lognormal(40, 0.5);  // handshake, request, server think time
    add_tcp_conversation(factory_, c, c2.label, out);
    // Windows hands out ephemeral ports in sequence; other connections take some in between.
    const std::uint32_t step = static_cast<std::uint32_t>(rng.between(1, 40));
    m.next_port = static_cast<std::uint16_t>(m.next_port + step > 65535 ? 49152 + step : m.next_port + step);
  }
  const double factor = 1.0 + c2.shape.jitter * (2.0 * rng.uniform() - 1.0);
  return now + static_cast<TimeNs>(static_cast<double>(c2.shape.period) * factor);
}

}  // namespace mamori::flow::sim::attacks
