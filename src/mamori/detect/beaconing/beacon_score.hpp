#pragma once
// RITA's beacon scoring (activecm/rita, analysis/beacons.go), restated for a
// bounded sample: four regularity components and a connection-count
// component, each 0..1, combined by weights.
//
//   ts    inter-arrival times: (1 − |Bowley skew| + (median − MAD)/median) / 2
//   ds    bytes per connection: the same statistic
//   hist  connections per time bucket: max(1 − coefficient of variation,
//         bimodal fit = share of non-empty buckets in the two most common
//         bucket heights), so a beacon that sleeps, or alternates between two
//         rates, still scores
//   dur   max(coverage = pair's span / window so far,
//         consistency = longest run of non-empty buckets / ideal run),
//         only once enough buckets are non-empty
//   count connections / connections for a full score
#include <cstdint>
#include <span>

namespace mamori::detect {

struct BeaconScoreParams {
  double ts_weight = 0.30;
  double ds_weight = 0.20;
  double hist_weight = 0.20;
  double dur_weight = 0.20;
  double count_weight = 0.10;
  double skew_min_iqr_s = 10;      // RITA: a smaller IQR leaves the skewness at 0
  double min_interval_s = 1;       // a median interval below this earns no timing score
  double size_skew_min_iqr = 10;   // bytes
  double count_full = 24;          // connections for a full count score
  unsigned dur_min_buckets = 6;    // RITA duration_min_hours_seen
  unsigned dur_ideal_run = 12;     // RITA duration_consistency_ideal_hours_seen
  double mode_sensitivity = 0.05;  // RITA histogram_mode_sensitivity
  unsigned bimodal_outlier_removal = 1;
  unsigned bimodal_min_buckets = 11;
};

struct BeaconScore {
  double ts = 0, ds = 0, hist = 0, dur = 0, count = 0;
  double interval_median_s = 0, interval_mad_s = 0, ts_skew = 0;
  double size_median = 0, size_mad = 0, ds_skew = 0;
  double cv_score = 0, bimodal_score = 0, coverage = 0, consistency = 0;
  unsigned buckets_seen = 0, longest_run = 0;
  double total = 0;  // 0..100
};

struct BeaconSample {
  std::span<double> intervals_s;  // non-zero inter-arrival times (sorted in place)
  std::span<double> sizes;        // bytes per connection (sorted in place)
  std::span<const std::uint16_t> buckets;  // connections per bucket, elapsed buckets only
  double pair_span_s = 0;    // last − first contact of the pair
  double window_span_s = 0;  // observation so far
  std::uint64_t connections = 0;
};

BeaconScore score_beacon(const BeaconSample& sample, const BeaconScoreParams& params) noexcept;

}  // namespace mamori::detect
