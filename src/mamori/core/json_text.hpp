#pragma once
// Quoting for JSON text built by hand (one-line bodies and outputs where a
// document model would only add allocations).
#include <string>
#include <string_view>

namespace mamori {

// `s` as a JSON string literal, quotes included.
std::string json_quote(std::string_view s);

}  // namespace mamori
