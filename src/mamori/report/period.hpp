#pragma once
// Reporting periods as the law writes them: hours, days or calendar months.
// All arithmetic is in UTC, which has no daylight saving: "72 hours" is
// 72 * 3600 seconds, and "1 month" is the same day of the next month (the
// last day of that month when it is shorter, so Jan 31 + 1 month = Feb 28/29),
// same time of day.
#include <cstdint>
#include <string>
#include <string_view>

#include "mamori/core/result.hpp"
#include "mamori/core/time.hpp"

namespace mamori::report {

struct Period {
  enum class Unit : std::uint8_t { minutes, hours, days, months };
  std::uint32_t count = 0;
  Unit unit = Unit::hours;

  friend bool operator==(const Period&, const Period&) = default;
};

// "90m"/"90min", "24h", "30d", "1mo"/"1month"/"3months"; count 0..100000 (months: 0..1200).
Result<Period> parse_period(std::string_view text);
// "24h", "30d", "1mo": parse_period's input form.
std::string format_period(const Period& period);

// `from` plus `period`; saturates at the largest representable time.
TimeNs add_period(TimeNs from, const Period& period) noexcept;

}  // namespace mamori::report
