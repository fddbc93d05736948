#include "mamori/detect/finding.hpp"

#include <array>

namespace mamori::detect {

namespace {
constexpr std::array<std::string_view, 9> kNames = {"indicator",       "beaconing",       "fan_in",
                                                    "scanning",        "brute_force",     "reflection",
                                                    "ddos_controller", "long_connection", "rare_server"};
}

std::string_view finding_kind_name(FindingKind kind) noexcept { return kNames[static_cast<std::size_t>(kind)]; }

Result<FindingKind> parse_finding_kind(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<FindingKind>(i);
  return fail(Errc::invalid_argument, "unknown finding kind '{}'", name);
}

}  // namespace mamori::detect
