#pragma once
// The detection framework's contract. Detectors are streaming and bounded:
// they see oriented flows in batches (roughly time-ordered), keep state keyed
// so that one worker owns each foreign endpoint's flows, and report findings
// periodically and at the end of input. They register into a registry that
// is passed in at start-up (no global registry).
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/detect/finding.hpp"
#include "mamori/detect/flow_event.hpp"

namespace mamori::detect {

// Parameters of one detector, as `name.key = value` settings from a config
// file or `--set name.key=value`. Getters validate and report unknown keys.
class DetectorOptions {
 public:
  DetectorOptions() = default;
  explicit DetectorOptions(std::map<std::string, std::string> values) : values_(std::move(values)) {}

  Result<double> number(std::string_view key, double fallback) const;
  Result<std::uint64_t> count(std::string_view key, std::uint64_t fallback) const;
  Result<TimeNs> duration(std::string_view key, TimeNs fallback) const;
  Result<std::string> text(std::string_view key, std::string fallback) const;
  // Keys given but never asked for (typos): an error names them.
  Status check_all_used() const;
  const std::map<std::string, std::string>& values() const noexcept { return values_; }

 private:
  std::map<std::string, std::string> values_;
  mutable std::map<std::string, bool> used_;
};

// Limits every detector honours: memory is bounded by configuration.
struct DetectorLimits {
  std::size_t max_tracked = 1'000'000;  // keys (e.g. servers, pairs) per detector per worker
};

class Detector {
 public:
  virtual ~Detector() = default;
  virtual std::string_view name() const noexcept = 0;
  // Feeds a batch of oriented flows. The events and the records they point to
  // live only for the call: keep values, never pointers.
  virtual void observe(std::span<const FlowEvent> events) = 0;
  // Appends findings that are ready at flow time `now`; `final` at end of input.
  virtual void emit(TimeNs now, bool final, std::vector<Finding>& out) = 0;
  virtual std::size_t tracked() const noexcept = 0;       // keys held now
  virtual std::size_t memory_bytes() const noexcept = 0;  // state held now
  // Keys dropped to stay within DetectorLimits::max_tracked since the start.
  virtual std::uint64_t evicted() const noexcept { return 0; }
  // Whether the detector reads FlowEvent::pair_seen: the engine keeps its
  // shared first-contact filter of pairs only when one enabled detector does.
  virtual bool uses_pair_seen() const noexcept { return false; }
  // One line about what the detector was built with, for the operator
  // (e.g. how many indicators loaded and how many were skipped); may be empty.
  virtual std::string status() const { return {}; }
};

using DetectorFactory = std::function<Result<std::unique_ptr<Detector>>(const DetectorOptions& options,
                                                                        const DetectorLimits& limits)>;

// One documented option of a detector, for `mamori detect --list` and docs.
struct DetectorParameter {
  std::string key;
  std::string default_value;  // as it would be written in a config file
  std::string description;
};

struct DetectorInfo {
  std::string name;
  std::string description;
  DetectorFactory factory;
  bool enabled_by_default = true;
  std::vector<DetectorParameter> parameters = {};  // defaulted: older aggregate initialisers stay valid
};

class DetectorRegistry {
 public:
  void add(DetectorInfo info);
  const DetectorInfo* find(std::string_view name) const noexcept;
  const std::vector<DetectorInfo>& all() const noexcept { return detectors_; }

 private:
  std::vector<DetectorInfo> detectors_;
};

// Each built-in detector has its own registration function (one file each);
// this calls them all.
void register_builtin_detectors(DetectorRegistry& registry);

}  // namespace mamori::detect
