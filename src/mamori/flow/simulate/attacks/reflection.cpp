#include "mamori/flow/simulate/attacks/reflection.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace mamori::flow::sim::attacks {

namespace {
constexpr std::string_view kAttack = "reflection";

// Request and answer sizes at the IP layer (IPv4, 28 bytes of IP and UDP headers).
constexpr std::array kTraits = {
    AmplifierTraits{"ntp", 123, 36, 496, 556.9},          // monlist: 8-byte request, 100 x 468-byte answers
    AmplifierTraits{"dns", 53, 72, 1300, 54.0},           // ANY with EDNS0: ~4 kB answers in fragments
    AmplifierTraits{"memcached", 11211, 43, 1428, 10000.0},// "stats" over UDP: 1400-byte frames
    AmplifierTraits{"ssdp", 1900, 158, 350, 30.8},        // M-SEARCH ssdp:all: a dozen 320-byte answers
    AmplifierTraits{"cldap", 389, 80, 1300, 56.0},        // rootDSE search: ~3 kB answers in fragments
    AmplifierTraits{"chargen", 19, 29, 1050, 358.8},      // one byte in, a line of characters out
};

constexpr std::uint16_t kUnreachable = 3 * 256 + 3;  // ICMP destination unreachable, port unreachable
constexpr std::uint32_t kIcmpQuote = 576;            // RFC 1812: quote as much as fits in 576 bytes
}  // namespace

const AmplifierTraits& amplifier_traits(Amplifier a) noexcept { return kTraits[static_cast<std::size_t>(a)]; }

ReflectionConfig default_reflection_config() {
  using enum Amplifier;
  constexpr TimeNs s = kNsPerSecond;
  ReflectionConfig c;
  c.attacks = {
      {{{ntp, 60}}, 0.15, 480 * s, 15.0, true, 0},
      {{{dns, 50}}, 0.45, 360 * s, 10.0, false, 3074},
      {{{memcached, 12}, {cldap, 30}, {ssdp, 40}, {chargen, 10}}, 0.70, 600 * s, 8.0, true, 0},
  };
  return c;
}

Result<std::unique_ptr<ReflectionSource>> ReflectionSource::create(const ReflectionConfig& config,
                                                                   AttackEnvironment& env) {
  if (config.attacks.empty()) return fail(Errc::invalid_argument, "reflection: no attacks configured");
  std::unique_ptr<ReflectionSource> src(new ReflectionSource(config, env));
  if (src->cut_ == 0 || src->cut_ > 60 * kNsPerSecond) src->cut_ = 60 * kNsPerSecond;
  Rng setup = env.rng(kAttack, 0);
  for (std::size_t i = 0; i < config.attacks.size(); ++i) {
    const ReflectionAttack& shape = config.attacks[i];
    if (shape.vectors.empty() || shape.duration < kNsPerSecond || !(shape.mbps_per_reflector > 0.0)) {
      return fail(Errc::invalid_argument, "reflection: an attack needs vectors, a duration of 1s or more and a rate");
    }
    if (!shape.random_ports && shape.victim_port == 0) {
      return fail(Errc::invalid_argument, "reflection: a fixed-port attack needs a victim port");
    }
    auto label = env.take_label();
    if (!label) return tl::unexpected(label.error());
    Attack attack{shape, *label, env.subscribers()[setup.below(env.subscribers().size())],
                  env.at_fraction(shape.start_at), 0, 0};
    attack.stop = attack.start + shape.duration;
    PlantedInstance planted{*label, std::string(kAttack), {}};
    const auto attack_index = static_cast<std::uint32_t>(src->attacks_.size());
    for (const ReflectionVector& v : shape.vectors) {
      const AmplifierTraits& traits = amplifier_traits(v.amplifier);
      const std::uint32_t count = scaled(v.reflectors, env.intensity());
      for (std::uint32_t k = 0; k < count; ++k) {
        const auto actor = static_cast<std::uint32_t>(src->reflectors_.size());
        Reflector r{attack_index, v.amplifier, env.infrastructure().allocate(InfraUse::open_service, false, setup), 0,
                    env.rng(kAttack, 1 + (i << 20) + actor)};
        // Reflectors differ a lot in how much they send (uplink, rate limits).
        r.pps = shape.mbps_per_reflector * 1e6 / 8.0 / traits.response_bytes * r.rng.lognormal(1.0, 0.5);
        planted.endpoints.push_back({r.host.address, "reflector", true});
        src->reflectors_.push_back(r);
        // The booter's request stream reaches reflectors over a few seconds.
        src->schedule(actor, attack.start + static_cast<TimeNs>(src->reflectors_.back().rng.uniform() * 5e9));
        ++attack.reflectors;
      }
    }
    src->planted_.push_back(std::move(planted));
    src->attacks_.push_back(attack);
  }
  return src;
}

double ReflectionSource::rate_at(TimeNs t) const noexcept {
  double rate = 0.0;
  for (const Attack& a : attacks_) {
    if (t < a.start || t >= a.stop) continue;
    const double per_reflector = a.shape.random_ports ? 1.0 / 7.5 : 1e9 / static_cast<double>(cut_);
    rate += per_reflector * a.reflectors * 1.2;
  }
  return rate;
}

TimeNs ReflectionSource::act(std::uint32_t actor, TimeNs now, FlowBatch& out) {
  Reflector& r = reflectors_[actor];
  const Attack& attack = attacks_[r.attack];
  if (now >= attack.stop) return kNever;
  Rng& rng = r.rng;
  const AmplifierTraits& traits = amplifier_traits(r.amplifier);
  TimeNs length = attack.shape.random_ports ? static_cast<TimeNs>(rng.between(3'000, 12'000)) * kNsPerMs : cut_;
  length = std::min(length, attack.stop - now);
  const double seconds = static_cast<double>(length) / 1e9;
  const auto packets = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(r.pps * seconds * rng.lognormal(1.0, 0.1)));
  const std::uint64_t size = std::min<std::uint64_t>(
      1500, static_cast<std::uint64_t>(traits.response_bytes * rng.lognormal(1.0, 0.03)));
  const std::uint16_t victim_port =
      attack.shape.random_ports ? static_cast<std::uint16_t>(rng.between(1024, 65535)) : attack.shape.victim_port;
  const Peer reflector{r.host.address, traits.port, r.host.interface};
  const Peer victim = attack.victim.peer(false, victim_port);
  FlowRecord f = factory_.make(now, now + length - kNsPerMs, reflector, victim, kProtoUdp);
  f.packets = f.raw_packets = packets;
  f.bytes = f.raw_bytes = packets * std::max<std::uint64_t>(size, 28);
  out.flows.push_back(f);
  out.labels.push_back(attack.label);
  if (attack.shape.random_ports && rng.chance(config_.unreachable_share)) {
    // The victim's stack rate-limits unreachables to about one a second per destination.
    const TimeNs at = now + ms_to_ns(r.host.rtt_ms / 2.0);
    const auto count = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(seconds));
    FlowRecord icmp = factory_.make(at, at + (count - 1) * kNsPerSecond, {victim.address, 0, victim.interface},
                                    {reflector.address, kUnreachable, reflector.interface}, kProtoIcmp);
    icmp.packets = icmp.raw_packets = count;
    icmp.bytes = icmp.raw_bytes = count * kIcmpQuote;
    out.flows.push_back(icmp);
    out.labels.push_back(attack.label);
  }
  return now + length;
}

}  // namespace mamori::flow::sim::attacks
