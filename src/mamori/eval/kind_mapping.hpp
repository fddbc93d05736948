#pragma once
// Which planted attack each finding kind is scored against. Kinds without a
// planted counterpart (indicator, long_connection, rare_server) are reported
// but not scored.
#include <optional>
#include <span>
#include <string_view>

#include "mamori/detect/finding.hpp"

namespace mamori::eval {

struct ScoredKind {
  detect::FindingKind kind;
  std::string_view attack;  // the labels file's attack column
};

// beaconing <-> beacon, fan_in <-> fanin, scanning <-> scan,
// brute_force <-> bruteforce, reflection <-> reflection, ddos_controller <-> controller.
std::span<const ScoredKind> scored_kinds() noexcept;
std::optional<detect::FindingKind> kind_of_attack(std::string_view attack) noexcept;
std::optional<std::string_view> attack_of_kind(detect::FindingKind kind) noexcept;
// Look-alikes are labelled benign_<what>.
bool is_benign_attack(std::string_view attack) noexcept;

}  // namespace mamori::eval
