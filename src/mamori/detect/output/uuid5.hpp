#pragma once
// Name-based UUIDs (RFC 9562 version 5, SHA-1): the same name in the same
// namespace always gives the same id, which makes STIX ids of findings
// deterministic.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "mamori/core/result.hpp"

namespace mamori::detect {

using Uuid = std::array<std::uint8_t, 16>;

Result<Uuid> parse_uuid(std::string_view text);
std::string format_uuid(const Uuid& u);
Uuid uuid5(const Uuid& name_space, std::string_view name);

}  // namespace mamori::detect
