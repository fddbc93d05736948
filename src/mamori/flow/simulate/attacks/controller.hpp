#pragma once
// `controller`: a DDoS controller. Infected subscribers' devices (bots) call
// a foreign controller a few seconds to a minute before each attack round,
// get the order, and then flood a foreign victim with UDP for a minute or
// three. The controller is the planted endpoint; the floods carry the same
// label but name no endpoint (they are the evidence that follows the contacts).
#include <cstdint>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/flow/simulate/attacks/environment.hpp"
#include "mamori/flow/simulate/attacks/planted.hpp"

namespace mamori::flow::sim::attacks {

struct ControllerConfig {
  std::uint32_t bots = 40;                    // scaled by --attack-intensity
  std::uint16_t port = 7777;                  // the controller's TCP port
  std::vector<double> rounds = {0.30, 0.65};  // fractions of the horizon at which floods begin
  TimeNs lead_min = 5 * kNsPerSecond, lead_max = 60 * kNsPerSecond;  // contact before the flood
  TimeNs flood_min = 60 * kNsPerSecond, flood_max = 180 * kNsPerSecond;
  double flood_mbps = 5.0;                    // per bot (a home uplink)
  std::uint16_t flood_port = 443;             // UDP to the victim's port
};

ControllerConfig default_controller_config();

class ControllerSource final : public PlantedSource {
 public:
  static Result<std::unique_ptr<ControllerSource>> create(const ControllerConfig& config, AttackEnvironment& env);
  double rate_at(TimeNs t) const noexcept override;

 private:
  struct Bot {
    DomesticHost host;
    Rng rng;
    std::size_t round = 0;
    bool flooding = false;
    TimeNs flood_end = 0;
  };
  ControllerSource(const ControllerConfig& config, const FlowFactory& factory) : config_(config), factory_(factory) {}
  TimeNs act(std::uint32_t actor, TimeNs now, FlowBatch& out) override;
  TimeNs contact_time(Bot& bot) const noexcept;

  ControllerConfig config_;
  FlowFactory factory_;
  Infra controller_, victim_;
  FlowLabel label_ = kBackgroundLabel;
  std::vector<TimeNs> round_starts_;
  std::vector<Bot> bots_;
};

}  // namespace mamori::flow::sim::attacks
