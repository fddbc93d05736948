#include "mamori/detect/sketch/first_contact_filter.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace mamori::detect::sketch {

FirstContactFilter::FirstContactFilter(std::size_t capacity, double fp_rate, unsigned max_probes)
    : capacity_(std::max<std::size_t>(capacity, 64)) {
  fp_rate = std::clamp(fp_rate, 1e-6, 0.5);
  const double n = static_cast<double>(capacity_);
  // Optimal Bloom sizing: m = −n ln p / (ln 2)², k = (m/n) ln 2. With fewer
  // probes than that, m = −k n / ln(1 − p^(1/k)) keeps the rate.
  double bits = -n * std::log(fp_rate) / 0.4804530139182014;
  double k = std::max(1.0, std::round(bits / n * 0.6931471805599453));
  const double cap = static_cast<double>(std::clamp(max_probes, 1u, 8u));
  if (k > cap) {
    k = cap;
    bits = -k * n / std::log(1.0 - std::pow(fp_rate, 1.0 / k));
  }
  const std::size_t m = std::bit_ceil(static_cast<std::size_t>(std::max(bits, 512.0)));
  probes_ = static_cast<unsigned>(k);
  mask_ = m - 1;
  current_.assign(m / 64, 0);
  previous_.assign(m / 64, 0);
}

bool FirstContactFilter::test(const std::vector<std::uint64_t>& bits, std::uint64_t hash) const noexcept {
  // Double hashing (Kirsch–Mitzenmacher): probe i at h1 + i·h2.
  const std::uint64_t h1 = hash, h2 = (hash >> 32) | 1;
  for (unsigned i = 0; i < probes_; ++i) {
    const std::uint64_t bit = (h1 + i * h2) & mask_;
    if ((bits[bit >> 6] & (std::uint64_t{1} << (bit & 63))) == 0) return false;
  }
  return true;
}

bool FirstContactFilter::test_and_set(std::uint64_t hash) noexcept {
  if (test(current_, hash)) return true;
  const bool seen_before = test(previous_, hash);
  if (inserted_ >= capacity_) {
    current_.swap(previous_);
    std::fill(current_.begin(), current_.end(), 0);
    inserted_ = 0;
    ++rotations_;
  }
  const std::uint64_t h1 = hash, h2 = (hash >> 32) | 1;
  for (unsigned i = 0; i < probes_; ++i) {
    const std::uint64_t bit = (h1 + i * h2) & mask_;
    current_[bit >> 6] |= std::uint64_t{1} << (bit & 63);
  }
  ++inserted_;
  return seen_before;
}

void FirstContactFilter::clear() noexcept {
  std::fill(current_.begin(), current_.end(), 0);
  std::fill(previous_.begin(), previous_.end(), 0);
  inserted_ = 0;
}

}  // namespace mamori::detect::sketch
