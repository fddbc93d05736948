#include "mamori/detect/builtin.hpp"

namespace mamori::detect {

// The order here is the order of `mamori detect --list`.
void register_builtin_detectors(DetectorRegistry& registry) {
  register_indicator(registry);
  register_long_connection(registry);
  register_beaconing(registry);
  register_fan_in(registry);
  register_scanning(registry);
  register_brute_force(registry);
  register_ddos(registry);
  register_rare_server(registry);
}

}  // namespace mamori::detect
