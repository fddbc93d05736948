#pragma once
#include <cstdint>
#include <string>

#include "mamori/core/result.hpp"

namespace mamori {

// Nanoseconds since the Unix epoch, UTC. Every timestamp in mamori uses it.
using TimeNs = std::uint64_t;

inline constexpr TimeNs kNsPerSecond = 1'000'000'000ULL;
inline constexpr TimeNs kNsPerMs = 1'000'000ULL;

// RFC 3339 with nanoseconds, e.g. 2024-01-02T03:04:05.123456789Z; writes up to 30 chars.
std::size_t format_rfc3339(TimeNs t, char* out) noexcept;
std::string format_rfc3339(TimeNs t);
Result<TimeNs> parse_rfc3339(std::string_view text);
// "30s", "5m", "2h", "1d", "250ms" or a plain number of seconds.
Result<TimeNs> parse_duration(std::string_view text);

TimeNs now_ns() noexcept;

}  // namespace mamori
