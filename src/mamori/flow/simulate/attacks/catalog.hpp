#pragma once
// The plantable kinds by name, as `mamori simulate traffic --attacks` takes
// them, and the one place that builds their sources with the documented
// default configurations. Sources are always built in the catalog's order,
// whatever order the list names them in, so labels are stable.
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/flow/simulate/attacks/environment.hpp"
#include "mamori/flow/simulate/attacks/planted.hpp"

namespace mamori::flow::sim::attacks {

enum class PlantKind : std::uint8_t {
  beacon,
  fanin,
  scan,
  bruteforce,
  reflection,
  controller,
  benign_ntp,
  benign_update,
  benign_cdn,
  benign_push,
  benign_dns,
};
inline constexpr std::size_t kPlantKindCount = static_cast<std::size_t>(PlantKind::benign_dns) + 1;

std::string_view plant_name(PlantKind kind) noexcept;
bool is_benign(PlantKind kind) noexcept;

// A comma-separated list of names, plus the groups "attacks" (every attack),
// "benign" (every look-alike) and "all". Duplicates collapse; the result is
// in catalog order.
Result<std::vector<PlantKind>> parse_plant_list(std::string_view text);

struct Planting {
  std::vector<std::unique_ptr<PlantedSource>> sources;
  std::vector<PlantedInstance> instances;  // every source's, in label order
};

// Builds the sources for `kinds` in `env` with their default configurations
// (docs/simulator.md), scaled by the environment's intensity.
Result<Planting> plant(std::span<const PlantKind> kinds, AttackEnvironment& env);

}  // namespace mamori::flow::sim::attacks
