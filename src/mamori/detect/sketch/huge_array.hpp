#pragma once
// A zeroed array for large, randomly accessed sketch memory (Bloom filters,
// table indexes). At sizes of a huge page and above it is aligned to 2 MiB
// and the kernel is asked for transparent huge pages before it is touched:
// random probes into tens of MiB otherwise miss the TLB as well as the
// cache, and a prefetch cannot hide a page walk.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <type_traits>

#include <sys/mman.h>

namespace mamori::detect::sketch {

template <class T>
class HugeArray {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;

  HugeArray() = default;
  explicit HugeArray(std::size_t n) { assign(n); }

  // n zeroed elements (previous contents are dropped).
  void assign(std::size_t n) {
    data_.reset();
    size_ = 0;
    if (n == 0) return;
    const std::size_t bytes = n * sizeof(T);
    const bool huge = bytes >= kHugePage;
    const std::size_t alignment = huge ? kHugePage : 64;
    const std::size_t rounded = (bytes + alignment - 1) / alignment * alignment;
    void* p = std::aligned_alloc(alignment, rounded);
    if (p == nullptr) throw std::bad_alloc();
    if (huge) (void)madvise(p, rounded, MADV_HUGEPAGE);  // advice only: without THP it stays 4 KiB pages
    std::memset(p, 0, rounded);
    data_.reset(static_cast<T*>(p));
    size_ = n;
  }
  void fill_zero() noexcept {
    if (size_ != 0) std::memset(data_.get(), 0, size_ * sizeof(T));
  }

  T& operator[](std::size_t i) noexcept { return data_[i]; }
  const T& operator[](std::size_t i) const noexcept { return data_[i]; }
  T* data() noexcept { return data_.get(); }
  const T* data() const noexcept { return data_.get(); }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

 private:
  struct Free {
    void operator()(T* p) const noexcept { std::free(p); }
  };
  std::unique_ptr<T[], Free> data_;
  std::size_t size_ = 0;
};

}  // namespace mamori::detect::sketch
