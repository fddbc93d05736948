#include "mamori/report/reporter.hpp"

#include <array>

namespace mamori::report {

namespace {

// The fifteen sectors of the Cybersecurity Policy for Critical Infrastructure
// Protection (重要インフラのサイバーセキュリティに係る行動計画).
constexpr std::array<SectorInfo, 15> kSectors{{
    {"information_communication", "情報通信", "Information and communication"},
    {"finance", "金融", "Finance"},
    {"aviation", "航空", "Aviation"},
    {"airports", "空港", "Airports"},
    {"railways", "鉄道", "Railways"},
    {"electricity", "電力", "Electric power supply"},
    {"gas", "ガス", "Gas supply"},
    {"government", "政府・行政サービス", "Government and administrative services (incl. local government)"},
    {"medical", "医療", "Medical services"},
    {"water", "水道", "Water supply"},
    {"logistics", "物流", "Logistics"},
    {"chemicals", "化学", "Chemical industries"},
    {"credit_cards", "クレジット", "Credit card services"},
    {"petroleum", "石油", "Petroleum industries"},
    {"ports", "港湾", "Ports"},
}};

}  // namespace

std::span<const SectorInfo> japan_ci_sectors() noexcept { return kSectors; }

const SectorInfo* find_ci_sector(std::string_view id) noexcept {
  for (const auto& s : kSectors)
    if (s.id == id) return &s;
  return nullptr;
}

}  // namespace mamori::report
