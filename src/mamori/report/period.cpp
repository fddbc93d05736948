#include "mamori/report/period.hpp"

#include <limits>

#include <fmt/format.h>

namespace mamori::report {

namespace {

constexpr std::uint32_t kMaxCount = 100000;
constexpr std::uint32_t kMaxMonths = 1200;

// Howard Hinnant's civil calendar conversions (proleptic Gregorian, exact).
struct Civil {
  std::int64_t y;
  unsigned m, d;
};

Civil civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2) {
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[m - 1];
}

TimeNs saturating_add(TimeNs a, TimeNs b) noexcept {
  return a > std::numeric_limits<TimeNs>::max() - b ? std::numeric_limits<TimeNs>::max() : a + b;
}

}  // namespace

Result<Period> parse_period(std::string_view text) {
  std::size_t i = 0;
  std::uint64_t count = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i < 8) {
    count = count * 10 + static_cast<unsigned>(text[i] - '0');
    ++i;
  }
  if (i == 0) return fail(Errc::parse_error, "not a period: '{}' (use e.g. \"24h\", \"30d\", \"1mo\")", text);
  auto unit = text.substr(i);
  Period p;
  if (unit == "m" || unit == "min") p.unit = Period::Unit::minutes;
  else if (unit == "h") p.unit = Period::Unit::hours;
  else if (unit == "d") p.unit = Period::Unit::days;
  else if (unit == "mo" || unit == "month" || unit == "months") p.unit = Period::Unit::months;
  else return fail(Errc::parse_error, "unknown unit in period '{}' (use m, h, d or mo)", text);
  const std::uint32_t limit = p.unit == Period::Unit::months ? kMaxMonths : kMaxCount;
  if (count > limit) return fail(Errc::parse_error, "period '{}' is longer than {} units", text, limit);
  p.count = static_cast<std::uint32_t>(count);
  return p;
}

std::string format_period(const Period& p) {
  switch (p.unit) {
    case Period::Unit::minutes: return fmt::format("{}m", p.count);
    case Period::Unit::hours: return fmt::format("{}h", p.count);
    case Period::Unit::days: return fmt::format("{}d", p.count);
    case Period::Unit::months: return fmt::format("{}mo", p.count);
  }
  return "?";
}

TimeNs add_period(TimeNs from, const Period& p) noexcept {
  switch (p.unit) {
    case Period::Unit::minutes: return saturating_add(from, TimeNs{p.count} * 60 * kNsPerSecond);
    case Period::Unit::hours: return saturating_add(from, TimeNs{p.count} * 3600 * kNsPerSecond);
    case Period::Unit::days: return saturating_add(from, TimeNs{p.count} * 86400 * kNsPerSecond);
    case Period::Unit::months: {
      const TimeNs day_ns = 86400 * kNsPerSecond;
      const auto days = static_cast<std::int64_t>(from / day_ns);
      const TimeNs time_of_day = from % day_ns;
      Civil c = civil_from_days(days);
      const std::int64_t months = c.y * 12 + (c.m - 1) + p.count;
      const std::int64_t y = months / 12;
      const auto m = static_cast<unsigned>(months % 12) + 1;
      const unsigned d = std::min(c.d, days_in_month(y, m));
      const std::int64_t out_days = days_from_civil(y, m, d);
      // 1200 months from any TimeNs still fits in days; the product may not.
      const auto max_days = static_cast<std::int64_t>(std::numeric_limits<TimeNs>::max() / day_ns);
      if (out_days >= max_days) return std::numeric_limits<TimeNs>::max();
      return saturating_add(static_cast<TimeNs>(out_days) * day_ns, time_of_day);
    }
  }
  return from;
}

}  // namespace mamori::report
