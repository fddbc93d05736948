#include "mamori/report/tlp.hpp"

#include <array>
#include <cctype>
#include <string>

namespace mamori::report {

std::string_view tlp_name(Tlp tlp) noexcept {
  switch (tlp) {
    case Tlp::clear: return "CLEAR";
    case Tlp::green: return "GREEN";
    case Tlp::amber: return "AMBER";
    case Tlp::amber_strict: return "AMBER+STRICT";
    case Tlp::red: return "RED";
  }
  return "?";
}

std::optional<Tlp> parse_tlp(std::string_view text) noexcept {
  if (text.size() > 16) return std::nullopt;
  std::array<char, 16> buf{};
  for (std::size_t i = 0; i < text.size(); ++i)
    buf[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
  std::string_view up(buf.data(), text.size());
  if (up.starts_with("TLP:")) up.remove_prefix(4);
  if (up == "CLEAR" || up == "WHITE") return Tlp::clear;
  if (up == "GREEN") return Tlp::green;
  if (up == "AMBER") return Tlp::amber;
  if (up == "AMBER+STRICT") return Tlp::amber_strict;
  if (up == "RED") return Tlp::red;
  return std::nullopt;
}

}  // namespace mamori::report
