#include "mamori/detect/sketch/robust_stats.hpp"

#include <algorithm>
#include <cmath>

namespace mamori::detect::sketch {

double quantile_sorted(std::span<const double> sorted, double q) noexcept {
  if (sorted.empty()) return 0;
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(position);
  if (below + 1 >= sorted.size()) return sorted.back();
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[below + 1] - sorted[below]);
}

Quartiles quartiles_sorted(std::span<const double> sorted) noexcept {
  return {quantile_sorted(sorted, 0.25), quantile_sorted(sorted, 0.5), quantile_sorted(sorted, 0.75)};
}

Dispersion dispersion(std::span<double> values, double min_iqr, double min_median, double small_median_score) noexcept {
  Dispersion d;
  if (values.empty()) return d;
  std::sort(values.begin(), values.end());
  const Quartiles q = quartiles_sorted(values);
  d.median = q.q2;
  const double iqr = q.q3 - q.q1;
  if (iqr >= min_iqr && iqr > 0 && q.q2 != q.q1 && q.q2 != q.q3) d.skew = (q.q1 + q.q3 - 2 * q.q2) / iqr;
  const double skew_score = 1.0 - std::min(1.0, std::fabs(d.skew));
  // The absolute deviations reuse the buffer: the values are not needed after this.
  for (double& v : values) v = std::fabs(v - d.median);
  std::sort(values.begin(), values.end());
  d.mad = quantile_sorted(values, 0.5);
  double mad_score = small_median_score;
  if (d.median >= min_median && d.median > 0) mad_score = std::clamp((d.median - d.mad) / d.median, 0.0, 1.0);
  d.score = (skew_score + mad_score) / 2.0;
  return d;
}

}  // namespace mamori::detect::sketch
