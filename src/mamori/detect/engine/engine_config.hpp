#pragma once
// What an engine runs: which detectors, with which `name.key = value`
// settings, limits and emission interval. Built from a TOML file
//
//   [engine]
//   emit_interval = "5m"      # flow time between periodic emits
//   workers = 1
//   max_tracked = 1000000     # per detector per worker
//   [detectors.long_connection]
//   min_duration = "2h"
//   [detectors.indicator]
//   enabled = true
//   files = ["feeds/c2.json", "feeds/blocklist.txt"]
//
// and from `--set name.key=value`, which override the file. Unknown tables,
// detector names and keys are errors.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/core/time.hpp"
#include "mamori/detect/detector.hpp"

namespace mamori::detect {

struct EngineConfig {
  std::map<std::string, std::map<std::string, std::string>> settings;  // detector -> key -> value
  std::map<std::string, bool> enabled;                                 // explicit enable/disable
  std::optional<std::vector<std::string>> only;                        // run exactly these (e.g. --detectors)
  TimeNs emit_interval = 5 * 60 * kNsPerSecond;
  std::size_t workers = 1;
  DetectorLimits limits;
  std::vector<std::string> allowlists;  // allow-list files
  bool default_allowlist = true;        // also the compiled-in data/allowlist-default.txt

  // `name.key=value`; `name.enabled=true|false` switches a detector.
  Status set(std::string_view assignment);
  // Reads a TOML file into this configuration (later calls and set() override).
  Status load_toml(const std::string& path);
  Status load_toml_text(std::string_view text, std::string_view source);
};

// Checks every detector named in `config` exists in `registry`.
Status check_detector_names(const EngineConfig& config, const DetectorRegistry& registry);
// Whether `info` runs under `config`.
bool is_enabled(const EngineConfig& config, const DetectorInfo& info);

}  // namespace mamori::detect
