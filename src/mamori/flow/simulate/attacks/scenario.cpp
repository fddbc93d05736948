#include "mamori/flow/simulate/attacks/scenario.hpp"

namespace mamori::flow::sim::attacks {

Result<Scenario> find_scenario(std::string_view name) {
  if (name == "standard") {
    Scenario s;
    s.name = "standard";
    s.start = "2025-06-02T11:00:00Z";
    s.duration = 3600 * kNsPerSecond;
    s.flows_per_second = 2'000.0;
    s.subscribers = 10'000;
    s.servers = 2'000;
    s.intensity = 1.0;
    for (std::size_t i = 0; i < kPlantKindCount; ++i) s.plants.push_back(static_cast<PlantKind>(i));
    return s;
  }
  return fail(Errc::invalid_argument, "unknown scenario '{}' (available: standard)", name);
}

}  // namespace mamori::flow::sim::attacks
