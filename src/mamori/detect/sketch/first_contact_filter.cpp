#include "mamori/detect/sketch/first_contact_filter.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "mamori/detect/sketch/hash.hpp"

namespace mamori::detect::sketch {

FirstContactFilter::FirstContactFilter(std::size_t capacity, double fp_rate, unsigned max_probes)
    : capacity_(std::max<std::size_t>(capacity, 64)) {
  fp_rate = std::clamp(fp_rate, 1e-6, 0.5);
  const double n = static_cast<double>(capacity_);
  // Optimal Bloom sizing: m = −n ln p / (ln 2)², k = (m/n) ln 2. With fewer
  // probes than that, m = −k n / ln(1 − p^(1/k)) keeps the rate. Blocking
  // costs a little; 20 % more bits buy it back at these rates.
  double bits = -n * std::log(fp_rate) / 0.4804530139182014;
  double k = std::max(1.0, std::round(bits / n * 0.6931471805599453));
  const double cap = static_cast<double>(std::clamp(max_probes, 1u, 7u));
  if (k > cap) {
    k = cap;
    bits = -k * n / std::log(1.0 - std::pow(fp_rate, 1.0 / k));
  }
  bits *= 1.2;
  const std::size_t lines = std::bit_ceil(static_cast<std::size_t>(std::max(bits / 512.0, 1.0)));
  probes_ = static_cast<unsigned>(k);
  line_mask_ = lines - 1;
  words_ = lines * kWordsPerLine;
  // Cache-line aligned (HugeArray), so a key's probes touch one line.
  generations_[0].assign(words_);
  generations_[1].assign(words_);
  current_ = generations_[0].data();
  previous_ = generations_[1].data();
}

bool FirstContactFilter::test(const std::uint64_t* bits, std::size_t line, std::uint64_t positions) const noexcept {
  const std::uint64_t* block = bits + line * kWordsPerLine;
  for (unsigned i = 0; i < probes_; ++i, positions >>= 9) {
    const unsigned p = static_cast<unsigned>(positions & 511);
    if ((block[p >> 6] & (std::uint64_t{1} << (p & 63))) == 0) return false;
  }
  return true;
}

bool FirstContactFilter::test_and_set(std::uint64_t hash) noexcept {
  // The line comes from the low bits; the bits within it from a remix, so
  // the two are independent.
  const std::size_t line = hash & line_mask_;
  const std::uint64_t positions = mix64(hash ^ 0x6c696e65ULL);
  if (test(current_, line, positions)) return true;
  const bool seen_before = !previous_empty_ && test(previous_, line, positions);
  set(line, positions);
  return seen_before;
}

bool FirstContactFilter::refresh(std::uint64_t hash) noexcept {
  const std::size_t line = hash & line_mask_;
  const std::uint64_t positions = mix64(hash ^ 0x6c696e65ULL);
  if (test(current_, line, positions)) return true;
  if (previous_empty_ || !test(previous_, line, positions)) return false;
  set(line, positions);
  return true;
}

void FirstContactFilter::set(std::size_t line, std::uint64_t positions) noexcept {
  if (inserted_ >= capacity_) {
    std::swap(current_, previous_);
    std::memset(current_, 0, words_ * sizeof(std::uint64_t));
    inserted_ = 0;
    ++rotations_;
    previous_empty_ = false;
  }
  std::uint64_t* block = current_ + line * kWordsPerLine;
  for (unsigned i = 0; i < probes_; ++i, positions >>= 9) {
    const unsigned bit = static_cast<unsigned>(positions & 511);
    block[bit >> 6] |= std::uint64_t{1} << (bit & 63);
  }
  ++inserted_;
}

void FirstContactFilter::clear() noexcept {
  std::memset(current_, 0, words_ * sizeof(std::uint64_t));
  std::memset(previous_, 0, words_ * sizeof(std::uint64_t));
  inserted_ = 0;
  previous_empty_ = true;
}

}  // namespace mamori::detect::sketch
