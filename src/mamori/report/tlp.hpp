#pragma once
// Traffic Light Protocol 2.0 (FIRST, 2022): the reporter's choice of how far
// a report may travel. Ordered from least to most restricted.
#include <cstdint>
#include <optional>
#include <string_view>

namespace mamori::report {

enum class Tlp : std::uint8_t { clear, green, amber, amber_strict, red };

// "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED" (the TLP 2.0 labels without "TLP:").
std::string_view tlp_name(Tlp tlp) noexcept;
// Accepts the labels above in any case, with or without a "TLP:" prefix, and
// TLP 1.0's WHITE as CLEAR (FIRST's own mapping), so older tooling can report.
std::optional<Tlp> parse_tlp(std::string_view text) noexcept;

// Whether `tlp` is at least as restrictive as `limit`.
constexpr bool at_least(Tlp tlp, Tlp limit) noexcept { return static_cast<int>(tlp) >= static_cast<int>(limit); }

}  // namespace mamori::report
