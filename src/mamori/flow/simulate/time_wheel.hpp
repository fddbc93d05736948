#pragma once
// A calendar queue for items due at a future time: a ring of time buckets
// covering a horizon, and a heap for anything further out. Push and drain
// cost O(1) per item, where a plain heap would cost a cache miss per level
// with the hundreds of thousands of long-lived sessions a busy model keeps.
// Items come out in no particular order; callers that need order sort.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <utility>
#include <vector>

#include "mamori/core/time.hpp"

namespace mamori::flow::sim {

template <class T>
class TimeWheel {
 public:
  // Buckets of 2^24 ns (about 17 ms) covering at least `horizon` ahead of the drain point.
  explicit TimeWheel(TimeNs horizon, TimeNs origin = 0) {
    const std::uint64_t wanted = (horizon >> kShift) + 2;
    const std::uint64_t size = std::bit_ceil(std::min<std::uint64_t>(wanted, std::uint64_t{1} << 18));
    ring_.resize(size);
    mask_ = size - 1;
    cursor_ = origin >> kShift;
  }

  // `due` must not be before the last drain's `until`.
  void push(TimeNs due, T item) {
    const std::uint64_t b = due >> kShift;
    if (b < cursor_ + ring_.size()) {
      ring_[b & mask_].push_back({due, std::move(item)});
    } else {
      far_.push_back({due, std::move(item)});
      std::push_heap(far_.begin(), far_.end(), later);
    }
    ++size_;
  }

  // Calls fn(T&&) for every item due before `until`. fn may push items due at
  // or after `until`.
  template <class Fn>
  void drain_before(TimeNs until, Fn&& fn) {
    while (!far_.empty() && far_.front().due < until) {
      std::pop_heap(far_.begin(), far_.end(), later);
      Entry e = std::move(far_.back());
      far_.pop_back();
      --size_;
      fn(std::move(e.item));
    }
    const std::uint64_t last = until >> kShift;
    const std::uint64_t full = std::min<std::uint64_t>(last > cursor_ ? last - cursor_ : 0, ring_.size());
    for (std::uint64_t i = 0; i < full; ++i) {
      auto& bucket = ring_[(cursor_ + i) & mask_];
      scratch_.swap(bucket);
      for (auto& e : scratch_) {
        --size_;
        fn(std::move(e.item));
      }
      scratch_.clear();
      scratch_.swap(bucket);  // hand the capacity back
    }
    if (last < cursor_ + ring_.size() && last >= cursor_) {
      auto& bucket = ring_[last & mask_];
      scratch_.swap(bucket);
      for (auto& e : scratch_) {
        if (e.due < until) {
          --size_;
          fn(std::move(e.item));
        } else {
          bucket.push_back(std::move(e));
        }
      }
      scratch_.clear();
    }
    if (last > cursor_) cursor_ = last;
    // Items that came within the horizon move from the heap to the ring.
    while (!far_.empty() && (far_.front().due >> kShift) < cursor_ + ring_.size()) {
      std::pop_heap(far_.begin(), far_.end(), later);
      Entry e = std::move(far_.back());
      far_.pop_back();
      ring_[(e.due >> kShift) & mask_].push_back(std::move(e));
    }
  }

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

 private:
  static constexpr unsigned kShift = 24;
  struct Entry {
    TimeNs due;
    T item;
  };
  static bool later(const Entry& a, const Entry& b) noexcept { return a.due > b.due; }

  std::vector<std::vector<Entry>> ring_;
  std::vector<Entry> far_;  // a min-heap on due
  std::vector<Entry> scratch_;
  std::uint64_t mask_ = 0;
  std::uint64_t cursor_ = 0;  // bucket of the last drain's `until`
  std::size_t size_ = 0;
};

}  // namespace mamori::flow::sim
