#pragma once
// The daily rhythm of a consumer network: one sinusoid over 24 hours of local
// time, lowest in the small hours. Real carrier curves peak later and more
// sharply in the evening; a single sinusoid keeps the model easy to state and
// to test, and is close enough for rate-driven detectors.
#include "mamori/core/time.hpp"

namespace mamori::flow::sim {

struct DiurnalProfile {
  double amplitude = 0.6;           // 0 = flat; the trough is (1 - a), the peak (1 + a) times the mean
  double trough_hour = 4.5;         // local time of the minimum (04:30)
  int utc_offset_minutes = 9 * 60;  // Japan Standard Time

  // Multiplier of the mean rate at `t`; averages to 1 over a day.
  double factor(TimeNs t) const noexcept;
  // Local hour of day in [0, 24).
  double local_hour(TimeNs t) const noexcept;
};

}  // namespace mamori::flow::sim
