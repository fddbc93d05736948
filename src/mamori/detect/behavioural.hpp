#pragma once
// The behavioural detectors (beaconing, fan-in, scanning, brute force, DDoS
// reflection and controllers): each registers itself into the registry it is
// given. register_builtin_detectors calls them.
#include "mamori/detect/detector.hpp"

namespace mamori::detect {

void register_beaconing(DetectorRegistry& registry);
void register_fan_in(DetectorRegistry& registry);
void register_scanning(DetectorRegistry& registry);
void register_brute_force(DetectorRegistry& registry);
void register_ddos(DetectorRegistry& registry);

}  // namespace mamori::detect
