#pragma once
// What a planted source declares about itself: one instance per campaign
// (one C2 with its victims, one scanner, one reflection attack), each with
// its own flow label and the infrastructure a correct finding must name.
#include <string>
#include <vector>

#include "mamori/core/ip_address.hpp"
#include "mamori/flow/simulate/attacks/actor_source.hpp"

namespace mamori::flow::sim::attacks {

struct PlantedEndpoint {
  IpAddress address;
  std::string role;       // the finding role: c2_server, scanner, brute_forcer, reflector, controller; server (benign)
  bool serves = true;     // its ports are its own (a server); false: the ports it targets (a scanner)
};

struct PlantedInstance {
  FlowLabel label = kBackgroundLabel;
  std::string attack;     // beacon, fanin, scan, bruteforce, reflection, controller, benign_ntp, ...
  std::vector<PlantedEndpoint> endpoints;
};

// An ActorSource whose flows belong to declared instances.
class PlantedSource : public ActorSource {
 public:
  const std::vector<PlantedInstance>& planted() const noexcept { return planted_; }

 protected:
  std::vector<PlantedInstance> planted_;
};

}  // namespace mamori::flow::sim::attacks
