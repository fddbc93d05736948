#pragma once
// One registration function per built-in detector, each defined in its
// detector's own folder; register_builtin_detectors (builtin.cpp) calls them.
#include "mamori/detect/detector.hpp"

namespace mamori::detect {

void register_indicator(DetectorRegistry& registry);        // indicator/indicator_detector.cpp
void register_long_connection(DetectorRegistry& registry);  // long_connection/long_connection_detector.cpp
// Behavioural detectors, each in its own folder (beaconing/, fan_in/, scanning/, ddos/, rare_server/).
void register_beaconing(DetectorRegistry& registry);
void register_fan_in(DetectorRegistry& registry);
void register_scanning(DetectorRegistry& registry);
void register_brute_force(DetectorRegistry& registry);
void register_ddos(DetectorRegistry& registry);
void register_rare_server(DetectorRegistry& registry);  // off by default

}  // namespace mamori::detect
