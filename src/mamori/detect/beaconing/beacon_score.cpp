#include "mamori/detect/beaconing/beacon_score.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "mamori/detect/sketch/robust_stats.hpp"

namespace mamori::detect {

namespace {

double coefficient_of_variation_score(std::span<const std::uint16_t> buckets) {
  if (buckets.empty()) return 0;
  double total = 0;
  for (auto c : buckets) total += c;
  if (total <= 0) return 0;
  const double mean = total / static_cast<double>(buckets.size());
  double sum_sq = 0;
  for (auto c : buckets) sum_sq += (c - mean) * (c - mean);
  const double cv = std::sqrt(sum_sq / static_cast<double>(buckets.size())) / mean;
  return cv >= 1.0 ? 0.0 : 1.0 - cv;
}

// RITA's bimodal fit: bucket heights are grouped in bins of
// ceil(max × sensitivity); the two most common bins' share of the non-empty
// buckets (less a few outliers) is the fit.
double bimodal_fit_score(std::span<const std::uint16_t> buckets, unsigned total_bars, const BeaconScoreParams& p) {
  if (total_bars < p.bimodal_min_buckets || total_bars == 0) return 0;
  unsigned largest_height = 0;
  for (auto c : buckets) largest_height = std::max<unsigned>(largest_height, c);
  const double bin = std::max(1.0, std::ceil(largest_height * p.mode_sensitivity));
  // At most one bin per bucket: count bins by scanning (buckets are few).
  std::array<std::pair<unsigned, unsigned>, 256> bins{};
  std::size_t used = 0;
  for (auto c : buckets) {
    if (c == 0) continue;
    const auto key = static_cast<unsigned>(std::floor(c / bin));
    std::size_t i = 0;
    while (i < used && bins[i].first != key) ++i;
    if (i == used) bins[used++] = {key, 0};
    ++bins[i].second;
  }
  unsigned first = 0, second = 0;
  for (std::size_t i = 0; i < used; ++i) {
    const unsigned v = bins[i].second;
    if (v > first) {
      second = first;
      first = v;
    } else if (v > second) {
      second = v;
    }
  }
  const double denominator = std::max(1.0, static_cast<double>(total_bars) - p.bimodal_outlier_removal);
  return std::min(1.0, (first + second) / denominator);
}

}  // namespace

BeaconScore score_beacon(const BeaconSample& s, const BeaconScoreParams& p) noexcept {
  BeaconScore r;
  if (!s.intervals_s.empty()) {
    const auto d = sketch::dispersion(s.intervals_s, p.skew_min_iqr_s, p.min_interval_s, 0.0);
    // Sub-second medians are bursts (a resolver, a page load), not beacons: no timing credit at all.
    r.ts = d.median >= p.min_interval_s ? d.score : 0.0;
    r.interval_median_s = d.median;
    r.interval_mad_s = d.mad;
    r.ts_skew = d.skew;
  }
  if (!s.sizes.empty()) {
    const auto d = sketch::dispersion(s.sizes, p.size_skew_min_iqr, 1.0, 0.0);
    r.ds = d.score;
    r.size_median = d.median;
    r.size_mad = d.mad;
    r.ds_skew = d.skew;
  }
  unsigned bars = 0, run = 0, longest = 0;
  const std::size_t n = s.buckets.size();
  // Longest run of non-empty buckets, wrapping from the end to the start as RITA does.
  for (std::size_t i = 0; i < 2 * n; ++i) {
    if (s.buckets[i % n] > 0) {
      ++run;
      if (i < n) ++bars;
    } else {
      longest = std::max(longest, run);
      run = 0;
    }
  }
  longest = std::min<unsigned>(std::max(longest, run), static_cast<unsigned>(n));
  r.buckets_seen = bars;
  r.longest_run = longest;
  r.cv_score = coefficient_of_variation_score(s.buckets);
  r.bimodal_score = bimodal_fit_score(s.buckets, bars, p);
  r.hist = std::max(r.cv_score, r.bimodal_score);
  if (bars >= p.dur_min_buckets && s.window_span_s > 0) {
    r.coverage = std::min(1.0, s.pair_span_s / s.window_span_s);
    r.consistency = std::min(1.0, static_cast<double>(longest) / std::max(1u, p.dur_ideal_run));
    r.dur = std::max(r.coverage, r.consistency);
  }
  r.count = p.count_full > 0 ? std::min(1.0, static_cast<double>(s.connections) / p.count_full) : 1.0;
  const double weights = p.ts_weight + p.ds_weight + p.hist_weight + p.dur_weight + p.count_weight;
  if (weights > 0) {
    r.total = 100.0 *
              (p.ts_weight * r.ts + p.ds_weight * r.ds + p.hist_weight * r.hist + p.dur_weight * r.dur +
               p.count_weight * r.count) /
              weights;
  }
  return r;
}

}  // namespace mamori::detect
