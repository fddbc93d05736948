#pragma once
// What the hub knows about the reporting organisation, as far as routing and
// deadlines need it: its sector, where it operates, and whether it is a
// designated essential-infrastructure operator (基幹インフラ事業者).
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mamori::report {

struct ReporterProfile {
  std::string organisation;  // id
  std::string sector;        // a sector id (below) or any other id; empty if none
  // Where the organisation falls under reporting law: ISO 3166 codes ("JP",
  // "US", "AU") or "EU" for EU law. Deadline regimes select on these.
  std::vector<std::string> jurisdictions;
  bool essential_infrastructure = false;
};

// Japan's critical-infrastructure sectors (重要インフラ分野) under the Cybersecurity
// Policy for Critical Infrastructure Protection, with their Japanese names.
struct SectorInfo {
  std::string_view id;        // e.g. "electricity"
  std::string_view name_ja;   // e.g. "電力"
  std::string_view name_en;
};
std::span<const SectorInfo> japan_ci_sectors() noexcept;
const SectorInfo* find_ci_sector(std::string_view id) noexcept;

}  // namespace mamori::report
