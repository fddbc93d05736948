#pragma once
// The rows of a column batch that a filter selected, one bit per row.
#include <bit>
#include <cstdint>
#include <vector>

namespace mamori::flow {

class Selection {
 public:
  Selection() = default;
  explicit Selection(std::size_t n, bool value = false) { assign(n, value); }

  void assign(std::size_t n, bool value) {
    size_ = n;
    words_.assign((n + 63) / 64, value ? ~std::uint64_t{0} : 0);
    clear_tail();
  }
  std::size_t size() const noexcept { return size_; }
  bool test(std::size_t i) const noexcept { return (words_[i / 64] >> (i % 64)) & 1; }
  void set(std::size_t i, bool value = true) noexcept {
    std::uint64_t bit = std::uint64_t{1} << (i % 64);
    words_[i / 64] = value ? (words_[i / 64] | bit) : (words_[i / 64] & ~bit);
  }
  std::size_t count() const noexcept {
    std::size_t c = 0;
    for (std::uint64_t w : words_) c += static_cast<std::size_t>(std::popcount(w));
    return c;
  }
  bool none() const noexcept {
    for (std::uint64_t w : words_)
      if (w != 0) return false;
    return true;
  }
  bool all() const noexcept { return count() == size_; }

  void and_with(const Selection& o) noexcept {
    for (std::size_t i = 0; i < words_.size(); ++i) words_[i] &= o.words_[i];
  }
  void or_with(const Selection& o) noexcept {
    for (std::size_t i = 0; i < words_.size(); ++i) words_[i] |= o.words_[i];
  }
  void invert() noexcept {
    for (std::uint64_t& w : words_) w = ~w;
    clear_tail();
  }

  // Raw words; bits past size() are zero and must stay zero.
  std::uint64_t* words() noexcept { return words_.data(); }
  const std::uint64_t* words() const noexcept { return words_.data(); }
  std::size_t word_count() const noexcept { return words_.size(); }

  template <class F>
  void for_each(F&& f) const {
    for (std::size_t w = 0; w < words_.size(); ++w) {
      std::uint64_t bits = words_[w];
      while (bits != 0) {
        f(w * 64 + static_cast<std::size_t>(std::countr_zero(bits)));
        bits &= bits - 1;
      }
    }
  }
  void to_indices(std::vector<std::uint32_t>& out) const {
    out.clear();
    for_each([&](std::size_t i) { out.push_back(static_cast<std::uint32_t>(i)); });
  }

 private:
  void clear_tail() noexcept {
    if (size_ % 64 != 0 && !words_.empty()) words_.back() &= (std::uint64_t{1} << (size_ % 64)) - 1;
  }
  std::vector<std::uint64_t> words_;
  std::size_t size_ = 0;
};

}  // namespace mamori::flow
