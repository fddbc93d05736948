#include "mamori/flow/simulate/attacks/catalog.hpp"

#include <algorithm>
#include <array>

#include "mamori/flow/simulate/attacks/beacon.hpp"
#include "mamori/flow/simulate/attacks/brute_force.hpp"
#include "mamori/flow/simulate/attacks/controller.hpp"
#include "mamori/flow/simulate/attacks/fan_in.hpp"
#include "mamori/flow/simulate/attacks/lookalikes.hpp"
#include "mamori/flow/simulate/attacks/reflection.hpp"
#include "mamori/flow/simulate/attacks/scan.hpp"

namespace mamori::flow::sim::attacks {

namespace {
constexpr std::array<std::string_view, kPlantKindCount> kNames = {
    "beacon",     "fanin",      "scan",          "bruteforce", "reflection", "controller",
    "benign_ntp", "benign_update", "benign_cdn", "benign_push", "benign_dns"};

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

template <class Source>
Status keep(Result<std::unique_ptr<Source>> made, Planting& out) {
  if (!made) return tl::unexpected(made.error());
  out.instances.insert(out.instances.end(), (*made)->planted().begin(), (*made)->planted().end());
  out.sources.push_back(std::move(*made));
  return {};
}

Lookalike lookalike_of(PlantKind kind) noexcept {
  return static_cast<Lookalike>(static_cast<std::size_t>(kind) - static_cast<std::size_t>(PlantKind::benign_ntp));
}
}  // namespace

std::string_view plant_name(PlantKind kind) noexcept { return kNames[static_cast<std::size_t>(kind)]; }
bool is_benign(PlantKind kind) noexcept { return kind >= PlantKind::benign_ntp; }

Result<std::vector<PlantKind>> parse_plant_list(std::string_view text) {
  std::array<bool, kPlantKindCount> chosen{};
  std::size_t pos = 0;
  bool any = false;
  while (pos <= text.size()) {
    std::size_t comma = text.find(',', pos);
    if (comma == std::string_view::npos) comma = text.size();
    const std::string_view name = trim(text.substr(pos, comma - pos));
    pos = comma + 1;
    if (name.empty()) continue;
    any = true;
    if (name == "all" || name == "attacks" || name == "benign") {
      for (std::size_t i = 0; i < kPlantKindCount; ++i) {
        const bool benign = is_benign(static_cast<PlantKind>(i));
        if (name == "all" || (name == "benign") == benign) chosen[i] = true;
      }
      continue;
    }
    const auto it = std::find(kNames.begin(), kNames.end(), name);
    if (it == kNames.end()) {
      return fail(Errc::invalid_argument,
                  "unknown attack '{}' (use beacon, fanin, scan, bruteforce, reflection, controller, benign_ntp, "
                  "benign_update, benign_cdn, benign_push, benign_dns, or the groups attacks, benign, all)",
                  name);
    }
    chosen[static_cast<std::size_t>(it - kNames.begin())] = true;
  }
  if (!any) return fail(Errc::invalid_argument, "empty attack list");
  std::vector<PlantKind> out;
  for (std::size_t i = 0; i < kPlantKindCount; ++i) {
    if (chosen[i]) out.push_back(static_cast<PlantKind>(i));
  }
  return out;
}

Result<Planting> plant(std::span<const PlantKind> kinds, AttackEnvironment& env) {
  std::array<bool, kPlantKindCount> chosen{};
  for (PlantKind k : kinds) chosen[static_cast<std::size_t>(k)] = true;
  Planting out;
  auto want = [&](PlantKind k) { return chosen[static_cast<std::size_t>(k)]; };
  if (want(PlantKind::beacon)) {
    if (auto ok = keep(BeaconSource::create(default_beacon_config(), env), out); !ok) return tl::unexpected(ok.error());
  }
  if (want(PlantKind::fanin)) {
    if (auto ok = keep(FanInSource::create(default_fan_in_config(), env), out); !ok) return tl::unexpected(ok.error());
  }
  if (want(PlantKind::scan)) {
    if (auto ok = keep(ScanSource::create(default_scan_config(), env), out); !ok) return tl::unexpected(ok.error());
  }
  if (want(PlantKind::bruteforce)) {
    if (auto ok = keep(BruteForceSource::create(default_brute_force_config(), env), out); !ok) {
      return tl::unexpected(ok.error());
    }
  }
  if (want(PlantKind::reflection)) {
    if (auto ok = keep(ReflectionSource::create(default_reflection_config(), env), out); !ok) {
      return tl::unexpected(ok.error());
    }
  }
  if (want(PlantKind::controller)) {
    if (auto ok = keep(ControllerSource::create(default_controller_config(), env), out); !ok) {
      return tl::unexpected(ok.error());
    }
  }
  std::vector<LookalikeConfig> lookalikes;
  for (const LookalikeConfig& c : default_lookalike_configs()) {
    for (std::size_t i = static_cast<std::size_t>(PlantKind::benign_ntp); i < kPlantKindCount; ++i) {
      if (chosen[i] && lookalike_of(static_cast<PlantKind>(i)) == c.kind) lookalikes.push_back(c);
    }
  }
  if (!lookalikes.empty()) {
    if (auto ok = keep(LookalikeSource::create(lookalikes, env), out); !ok) return tl::unexpected(ok.error());
  }
  return out;
}

}  // namespace mamori::flow::sim::attacks
