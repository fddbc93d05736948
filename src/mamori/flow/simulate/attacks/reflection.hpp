#pragma once
// `reflection`: an amplification DDoS on a subscriber. The attacker sends
// small requests with the victim's address as source to open services abroad
// (NTP monlist, DNS ANY, memcached stats, SSDP M-SEARCH, CLDAP, chargen),
// which answer the victim with many times the bytes. The requests travel
// from the attacker's network to the reflectors and never cross the
// carrier; what it sees are the large answers from every reflector to one
// domestic address, and the victim's ICMP port-unreachables back to some
// of them when the spoofed ports are random. One label per attack, one
// planted endpoint per reflector.
#include <cstdint>
#include <string_view>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/flow/simulate/attacks/environment.hpp"
#include "mamori/flow/simulate/attacks/planted.hpp"

namespace mamori::flow::sim::attacks {

enum class Amplifier : std::uint8_t { ntp, dns, memcached, ssdp, cldap, chargen };

struct AmplifierTraits {
  std::string_view name;
  std::uint16_t port;
  std::uint32_t request_bytes;   // IP bytes of one spoofed request
  std::uint32_t response_bytes;  // IP bytes of one answer packet (fragments of large answers count as packets)
  double amplification;          // bytes answered per byte requested (US-CERT TA14-017A and later reports)
};
const AmplifierTraits& amplifier_traits(Amplifier a) noexcept;

struct ReflectionVector {
  Amplifier amplifier = Amplifier::ntp;
  std::uint32_t reflectors = 50;  // scaled by --attack-intensity
};

struct ReflectionAttack {
  std::vector<ReflectionVector> vectors;  // several: a multi-vector attack
  double start_at = 0.2;                  // fraction of the horizon
  TimeNs duration = 600 * kNsPerSecond;
  double mbps_per_reflector = 10.0;
  // Random spoofed source ports: every round of requests (a few seconds)
  // hits a new victim port, so each round is a flow of its own. Otherwise
  // all answers go to `victim_port` and flows are cut by the exporter's timeout.
  bool random_ports = true;
  std::uint16_t victim_port = 0;
};

struct ReflectionConfig {
  std::vector<ReflectionAttack> attacks;
  double unreachable_share = 0.2;  // random-port rounds the victim answers with ICMP port unreachable
};

// Three attacks on three subscribers: NTP (60 reflectors, random ports),
// DNS to a game console's port 3074 (50 reflectors), and a multi-vector one
// with memcached, CLDAP, SSDP and chargen (92 reflectors).
ReflectionConfig default_reflection_config();

class ReflectionSource final : public PlantedSource {
 public:
  static Result<std::unique_ptr<ReflectionSource>> create(const ReflectionConfig& config, AttackEnvironment& env);
  double rate_at(TimeNs t) const noexcept override;

 private:
  struct Attack {
    ReflectionAttack shape;
    FlowLabel label;
    DomesticHost victim;
    TimeNs start, stop;
    std::uint32_t reflectors = 0;
  };
  struct Reflector {
    std::uint32_t attack;
    Amplifier amplifier;
    Infra host;
    double pps;  // answer packets per second it sends the victim
    Rng rng;
  };
  ReflectionSource(const ReflectionConfig& config, const AttackEnvironment& env)
      : config_(config), factory_(env.factory()), cut_(env.active_timeout()) {}
  TimeNs act(std::uint32_t actor, TimeNs now, FlowBatch& out) override;

  ReflectionConfig config_;
  FlowFactory factory_;
  TimeNs cut_;
  std::vector<Attack> attacks_;
  std::vector<Reflector> reflectors_;
};

}  // namespace mamori::flow::sim::attacks
