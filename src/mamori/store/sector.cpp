#include "mamori/store/sector.hpp"

#include <array>

namespace mamori::store {

namespace {
// Ministries as in the action plan's annex (2022 revision): 総務省 (MIC), 金融庁 (FSA),
// 国土交通省 (MLIT), 経済産業省 (METI), 厚生労働省 (MHLW), デジタル庁/内閣官房 for government services.
constexpr std::array<SectorInfo, 16> kSectors = {{
    {"information_communication", "情報通信", "MIC"},
    {"finance", "金融", "FSA"},
    {"aviation", "航空", "MLIT"},
    {"airport", "空港", "MLIT"},
    {"railway", "鉄道", "MLIT"},
    {"electricity", "電力", "METI"},
    {"gas", "ガス", "METI"},
    {"government_services", "政府・行政サービス", "Digital Agency"},
    {"medical", "医療", "MHLW"},
    {"water", "水道", "MLIT"},
    {"logistics", "物流", "MLIT"},
    {"chemical", "化学", "METI"},
    {"credit", "クレジット", "METI"},
    {"petroleum", "石油", "METI"},
    {"port", "港湾", "MLIT"},
    {"other", "その他", ""},
}};
}  // namespace

std::span<const SectorInfo> sectors() noexcept { return kSectors; }

Result<std::string_view> parse_sector(std::string_view text) {
  for (const auto& s : kSectors)
    if (s.id == text || s.name_ja == text) return s.id;
  return fail(Errc::invalid_argument, "unknown sector '{}' (one of information_communication, finance, aviation, "
              "airport, railway, electricity, gas, government_services, medical, water, logistics, chemical, credit, "
              "petroleum, port, other)", text);
}

}  // namespace mamori::store
