#pragma once
// `fanin`: a botnet. Tens to hundreds of infected subscribers check in with
// one foreign C2 server on a shared schedule: every period each bot calls
// within a short spread of the tick (loosely synchronised, each at its own
// fixed offset), sending the same small request and getting the same answer.
// One label per botnet.
#include <cstdint>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/flow/simulate/attacks/environment.hpp"
#include "mamori/flow/simulate/attacks/planted.hpp"

namespace mamori::flow::sim::attacks {

struct Botnet {
  std::uint32_t bots = 100;             // scaled by --attack-intensity
  TimeNs period = 300 * kNsPerSecond;   // check-in schedule
  TimeNs spread = 20 * kNsPerSecond;    // bots' offsets from the tick lie in [0, spread)
  std::uint16_t port = 8080;
  std::uint32_t request_payload = 310;  // identical for every bot (the same binary)
  std::uint32_t response_payload = 190;
};

struct FanInConfig {
  std::vector<Botnet> botnets;
  double offline_share = 0.05;  // check-ins missed because the subscriber's machine is off
};

// Two botnets: 120 bots polling HTTP on 8080 every 5 min, 60 bots on IRC 6667 every 10 min.
FanInConfig default_fan_in_config();

class FanInSource final : public PlantedSource {
 public:
  static Result<std::unique_ptr<FanInSource>> create(const FanInConfig& config, AttackEnvironment& env);
  double rate_at(TimeNs t) const noexcept override;

 private:
  struct Net {
    Infra server;
    Botnet shape;
    FlowLabel label;
    TimeNs first_tick;
  };
  struct Bot {
    std::uint32_t net;
    DomesticHost host;
    TimeNs offset;  // from each tick
    std::uint64_t tick = 0;
    Rng rng;
  };
  FanInSource(const FanInConfig& config, const FlowFactory& factory) : config_(config), factory_(factory) {}
  TimeNs act(std::uint32_t actor, TimeNs now, FlowBatch& out) override;
  TimeNs contact_time(const Bot& bot) noexcept;

  FanInConfig config_;
  FlowFactory factory_;
  std::vector<Net> nets_;
  std::vector<Bot> bots_;
  double rate_ = 0.0;
};

}  // namespace mamori::flow::sim::attacks
