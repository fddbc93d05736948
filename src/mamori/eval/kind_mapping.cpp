#include "mamori/eval/kind_mapping.hpp"

#include <array>

namespace mamori::eval {

namespace {
using detect::FindingKind;
constexpr std::array<ScoredKind, 6> kScored = {{
    {FindingKind::beaconing, "beacon"},
    {FindingKind::fan_in, "fanin"},
    {FindingKind::scanning, "scan"},
    {FindingKind::brute_force, "bruteforce"},
    {FindingKind::reflection, "reflection"},
    {FindingKind::ddos_controller, "controller"},
}};
}  // namespace

std::span<const ScoredKind> scored_kinds() noexcept { return kScored; }

std::optional<detect::FindingKind> kind_of_attack(std::string_view attack) noexcept {
  for (const auto& s : kScored) {
    if (s.attack == attack) return s.kind;
  }
  return std::nullopt;
}

std::optional<std::string_view> attack_of_kind(detect::FindingKind kind) noexcept {
  for (const auto& s : kScored) {
    if (s.kind == kind) return s.attack;
  }
  return std::nullopt;
}

bool is_benign_attack(std::string_view attack) noexcept { return attack.starts_with("benign_"); }

}  // namespace mamori::eval
