#include "mamori/store/records.hpp"

#include <array>

namespace mamori::store {

namespace {
constexpr std::array<std::string_view, 5> kRoles = {"operator", "analyst", "carrier", "overseer", "admin"};
constexpr std::array<std::string_view, 5> kStatuses = {"new", "investigating", "confirmed", "false_positive", "closed"};
constexpr std::array<std::string_view, 7> kOutcomes = {"done", "replayed", "exists", "not_found",
                                                       "stale", "key_mismatch", "refused"};
}  // namespace

std::string_view role_name(Role role) noexcept { return kRoles[static_cast<std::size_t>(role)]; }

std::optional<Role> parse_role(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kRoles.size(); ++i)
    if (kRoles[i] == name) return static_cast<Role>(i);
  return std::nullopt;
}

std::string_view finding_status_name(FindingStatus s) noexcept { return kStatuses[static_cast<std::size_t>(s)]; }

std::optional<FindingStatus> parse_finding_status(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kStatuses.size(); ++i)
    if (kStatuses[i] == name) return static_cast<FindingStatus>(i);
  return std::nullopt;
}

std::string_view write_outcome_name(WriteOutcome o) noexcept { return kOutcomes[static_cast<std::size_t>(o)]; }

}  // namespace mamori::store
