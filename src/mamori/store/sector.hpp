#pragma once
// Critical-infrastructure sectors of Japan's action plan for the cybersecurity
// of critical infrastructure (重要インフラのサイバーセキュリティに係る行動計画):
// fifteen sectors, plus "other" for registered organisations outside them.
// Names are the stable API identifiers; the Japanese label is for display.
#include <span>
#include <string_view>

#include "mamori/core/result.hpp"

namespace mamori::store {

struct SectorInfo {
  std::string_view id;        // API identifier, e.g. "electricity"
  std::string_view name_ja;   // e.g. "電力"
  std::string_view ministry;  // the usual sector ministry (所管省庁), a default for new organisations
};

std::span<const SectorInfo> sectors() noexcept;
// Accepts the identifier or the Japanese name; returns the identifier.
Result<std::string_view> parse_sector(std::string_view text);

}  // namespace mamori::store
