#pragma once
// `beacon`: implants on subscribers' machines calling home to a foreign C2
// server at a fixed period with jitter, with small, nearly constant request
// and response sizes, and sleeping for hours between active spells. Several
// C2 servers, each with a few victims; one label per C2.
#include <cstdint>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/flow/simulate/attacks/environment.hpp"
#include "mamori/flow/simulate/attacks/planted.hpp"

namespace mamori::flow::sim::attacks {

struct BeaconC2 {
  TimeNs period = 60 * kNsPerSecond;  // time between contacts
  double jitter = 0.2;                // each interval is period * (1 +- jitter), uniform
  std::uint16_t port = 443;           // 443/8443: TLS; 80: plain HTTP; anything else: a custom protocol
  std::uint32_t victims = 3;
  bool ipv6 = false;
};

struct BeaconConfig {
  std::vector<BeaconC2> c2s;
  // Active spells and sleeps of each implant, uniform in [min, max]. The
  // first spell starts within one period of the run's start.
  TimeNs active_min = 2 * 3600 * kNsPerSecond, active_max = 6 * 3600 * kNsPerSecond;
  TimeNs sleep_min = 1 * 3600 * kNsPerSecond, sleep_max = 4 * 3600 * kNsPerSecond;
  double size_sigma = 0.05;     // log-normal spread of sizes around each C2's own constants
  double tasking_share = 0.03;  // contacts that fetch a command: a larger answer
  double miss_share = 0.01;     // contacts that never happen (machine busy, network down)
};

// The standard scenario's beacons: twenty C2s with 2-5 victims each, periods
// of 60 s to 5 min, jitter 10-30 %, on 443, 8443, 80, 8080 and RAT ports
// (4444, 1604, 5552), every fifth over IPv6.
BeaconConfig default_beacon_config();

class BeaconSource final : public PlantedSource {
 public:
  static Result<std::unique_ptr<BeaconSource>> create(const BeaconConfig& config, AttackEnvironment& env);
  double rate_at(TimeNs t) const noexcept override;

 private:
  struct C2 {
    Infra server;
    BeaconC2 shape;
    FlowLabel label;
    double request_payload, response_payload;  // this C2's constants
  };
  struct Implant {
    std::uint32_t c2;
    DomesticHost victim;
    Rng rng;
    TimeNs awake_until;
    std::uint16_t next_port;
  };
  BeaconSource(const BeaconConfig& config, const FlowFactory& factory) : config_(config), factory_(factory) {}
  TimeNs act(std::uint32_t actor, TimeNs now, FlowBatch& out) override;

  BeaconConfig config_;
  FlowFactory factory_;
  std::vector<C2> c2s_;
  std::vector<Implant> implants_;
  double rate_ = 0.0;
};

}  // namespace mamori::flow::sim::attacks
