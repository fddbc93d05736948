#pragma once
// Order statistics for dispersion scoring (RITA's beacon analysis): quartiles,
// Bowley skewness and the median absolute deviation. Inputs are small samples
// (reservoirs); the functions sort them in place.
#include <cstddef>
#include <span>

namespace mamori::detect::sketch {

struct Quartiles {
  double q1 = 0, q2 = 0, q3 = 0;
};

// Linear interpolation between order statistics (Hyndman–Fan type 7) over
// `sorted`, which must not be empty.
double quantile_sorted(std::span<const double> sorted, double q) noexcept;
Quartiles quartiles_sorted(std::span<const double> sorted) noexcept;

// How regular a sample is, RITA-style: the mean of a skewness score
// (1 − |Bowley skewness|) and a MAD score ((median − MAD) / median).
struct Dispersion {
  double median = 0;
  double mad = 0;   // median absolute deviation about the median
  double skew = 0;  // Bowley: (Q1 + Q3 − 2·Q2) / (Q3 − Q1); 0 when the IQR is below `min_iqr`
  double score = 0; // 0..1, 1 = perfectly regular
};

// `values` is sorted in place. The skewness counts only when the IQR reaches
// `min_iqr` and the median differs from both quartiles: a tight cluster is
// regular whatever the sign of its tiny asymmetry. A median below
// `min_median` gives `small_median_score` for the MAD part (RITA: sub-second
// intervals and empty payloads carry no dispersion information).
Dispersion dispersion(std::span<double> values, double min_iqr, double min_median, double small_median_score) noexcept;

}  // namespace mamori::detect::sketch
