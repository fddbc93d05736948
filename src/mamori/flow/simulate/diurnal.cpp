#include "mamori/flow/simulate/diurnal.hpp"

#include <cmath>
#include <numbers>

namespace mamori::flow::sim {

double DiurnalProfile::local_hour(TimeNs t) const noexcept {
  constexpr std::int64_t kDayNs = 86400LL * 1'000'000'000LL;
  const std::int64_t shifted = static_cast<std::int64_t>(t % static_cast<TimeNs>(kDayNs)) +
                               static_cast<std::int64_t>(utc_offset_minutes) * 60LL * 1'000'000'000LL;
  const std::int64_t in_day = ((shifted % kDayNs) + kDayNs) % kDayNs;
  return static_cast<double>(in_day) / 3.6e12;
}

double DiurnalProfile::factor(TimeNs t) const noexcept {
  const double phase = 2.0 * std::numbers::pi * (local_hour(t) - trough_hour) / 24.0;
  return 1.0 - amplitude * std::cos(phase);
}

}  // namespace mamori::flow::sim
