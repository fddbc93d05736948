#include "mamori/detect/sketch/hyperloglog.hpp"

#include <cmath>
#include <limits>

namespace mamori::detect::sketch {

namespace {

// σ and τ from Ertl (2017), algorithm 6: the contributions of registers that
// are still zero (small cardinalities) and of saturated ones (large).
double sigma(double x) noexcept {
  if (x == 1.0) return std::numeric_limits<double>::infinity();
  double y = 1.0, z = x, previous = 0.0;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (z != previous);
  return z;
}

double tau(double x) noexcept {
  if (x == 0.0 || x == 1.0) return 0.0;
  double y = 1.0, z = 1.0 - x, previous = 0.0;
  do {
    x = std::sqrt(x);
    previous = z;
    y *= 0.5;
    z -= (1.0 - x) * (1.0 - x) * y;
  } while (z != previous);
  return z / 3.0;
}

}  // namespace

double hyperloglog_estimate(std::span<const std::uint32_t> counts, unsigned p) noexcept {
  const unsigned q = 32 - p;
  const double m = static_cast<double>(std::uint64_t{1} << p);
  double z = m * tau(1.0 - counts[q + 1] / m);
  for (unsigned k = q; k >= 1; --k) z = 0.5 * (z + counts[k]);
  z += m * sigma(counts[0] / m);
  if (!std::isfinite(z) || z <= 0) return 0.0;
  constexpr double kAlphaInfinity = 0.5 / 0.69314718055994530942;  // 1 / (2 ln 2)
  return kAlphaInfinity * m * m / z;
}

}  // namespace mamori::detect::sketch
