#pragma once
// A zeroed array for large, randomly accessed sketch memory (Bloom filters,
// table indexes). At sizes of a huge page and above it is aligned to 2 MiB
// and the kernel is asked for transparent huge pages before it is touched:
// random probes into tens of MiB otherwise miss the TLB as well as the
// cache, and a prefetch cannot hide a page walk.
#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

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

// Address space for up to `capacity` elements, reserved once and committed by
// the kernel page by page as it is first touched: elements never move, so a
// growing table copies nothing, and past the first 2 MiB the range is
// advised MADV_HUGEPAGE, so random lookups into a table of hundreds of MiB
// do not miss the TLB on every access (a page walk is dearer still in a VM).
// The first 2 MiB keep 4 KiB pages: a small table costs what it holds.
template <class T>
class ReservedArray {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;
  static constexpr std::size_t kSmallGranule = std::size_t{64} << 10;

  ReservedArray() = default;
  ReservedArray(const ReservedArray&) = delete;
  ReservedArray& operator=(const ReservedArray&) = delete;
  ReservedArray(ReservedArray&& o) noexcept { swap(o); }
  ReservedArray& operator=(ReservedArray&& o) noexcept {
    ReservedArray(std::move(o)).swap(*this);
    return *this;
  }
  ~ReservedArray() {
    if (mapping_ != nullptr) (void)munmap(mapping_, mapped_);
  }

  // Reserves room for `capacity` elements (dropping any previous contents).
  void reserve(std::size_t capacity) {
    ReservedArray().swap(*this);
    if (capacity == 0) return;
    const std::size_t bytes = (capacity * sizeof(T) + kHugePage - 1) / kHugePage * kHugePage;
    // One huge page more than needed, to align the start to 2 MiB.
    mapped_ = bytes + kHugePage;
    void* p =
        mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    mapping_ = p;
    const auto start = (reinterpret_cast<std::uintptr_t>(p) + kHugePage - 1) / kHugePage * kHugePage;
    data_ = reinterpret_cast<T*>(start);
    if (bytes > kHugePage)
      (void)madvise(reinterpret_cast<char*>(start) + kHugePage, bytes - kHugePage, MADV_HUGEPAGE);
    capacity_ = capacity;
  }
  // Returns the memory to the kernel; the reservation stays (and reads as zeros).
  void discard() noexcept {
    if (mapping_ != nullptr) (void)madvise(mapping_, mapped_, MADV_DONTNEED);
  }

  // Memory that the first `n` elements occupy once touched: 64 KiB steps
  // within the first 2 MiB, whole huge pages beyond.
  static constexpr std::size_t resident_bytes(std::size_t n) noexcept {
    const std::size_t bytes = n * sizeof(T);
    if (bytes <= kHugePage) return (bytes + kSmallGranule - 1) / kSmallGranule * kSmallGranule;
    return (bytes + kHugePage - 1) / kHugePage * kHugePage;
  }

  T& operator[](std::size_t i) noexcept { return data_[i]; }
  const T& operator[](std::size_t i) const noexcept { return data_[i]; }
  std::size_t capacity() const noexcept { return capacity_; }
  bool reserved() const noexcept { return data_ != nullptr; }

 private:
  void swap(ReservedArray& o) noexcept {
    std::swap(mapping_, o.mapping_);
    std::swap(mapped_, o.mapped_);
    std::swap(data_, o.data_);
    std::swap(capacity_, o.capacity_);
  }
  void* mapping_ = nullptr;
  std::size_t mapped_ = 0;
  T* data_ = nullptr;
  std::size_t capacity_ = 0;
};

}  // namespace mamori::detect::sketch
