#pragma once
// Named, fixed scenarios (`mamori simulate traffic --scenario NAME`): a
// background and a set of planted attacks and look-alikes that CI and the
// evaluation documentation (docs/evaluation.md) refer to by name.
#include <cstdint>
#include <string_view>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/flow/simulate/attacks/catalog.hpp"

namespace mamori::flow::sim::attacks {

struct Scenario {
  std::string_view name;
  std::string_view start;  // RFC 3339
  TimeNs duration = 0;
  double flows_per_second = 0.0;
  std::uint32_t subscribers = 0;
  std::uint32_t servers = 0;
  double intensity = 1.0;
  std::vector<PlantKind> plants;
};

// "standard": one hour from 2025-06-02T11:00:00Z (20:00 JST, Monday), 2,000
// flows/s mean (about 2,700/s at that hour), 10,000 subscribers, 2,000
// servers, every attack and every look-alike at intensity 1.
Result<Scenario> find_scenario(std::string_view name);

}  // namespace mamori::flow::sim::attacks
