#pragma once
// Open-addressing (linear probing) hash table from a key to flow counters.
// A slot is empty while its flow count is 0, so no separate occupancy array
// is needed and a probe touches one cache line in the common case.
#include <cstdint>
#include <vector>

#include "mamori/core/ip_address.hpp"

namespace mamori::flow {

struct FlowCounters {
  std::uint64_t flows = 0;
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
};

struct AddressPair {
  IpAddress src;
  IpAddress dst;
  friend constexpr auto operator<=>(const AddressPair&, const AddressPair&) noexcept = default;
};

struct AddressPairHash {
  std::size_t operator()(const AddressPair& p) const noexcept {
    IpAddressHash h;
    std::uint64_t a = h(p.src), b = h(p.dst);
    return static_cast<std::size_t>((a * 0x9e3779b97f4a7c15ULL) ^ (b + 0x632be59bd9b4e019ULL + (a << 6) + (a >> 2)));
  }
};

template <class Key, class Hash>
class CounterMap {
 public:
  struct Slot {
    Key key{};
    FlowCounters counters;
  };

  CounterMap() { rehash(1024); }

  // The counters of `key`, inserted with zero counts if absent. The caller
  // must increment `flows` before the next call (flows == 0 marks empty).
  FlowCounters& at(const Key& key) {
    std::size_t i = Hash{}(key) & mask_;
    for (;;) {
      Slot& s = slots_[i];
      if (s.counters.flows == 0) {
        if ((size_ + 1) * 2 > slots_.size()) {
          rehash(slots_.size() * 2);
          return at(key);
        }
        s.key = key;
        ++size_;
        return s.counters;
      }
      if (s.key == key) return s.counters;
      i = (i + 1) & mask_;
    }
  }

  // Where `key`'s probe starts, for the caller to prefetch. (A member that
  // prefetches itself is "pure" to GCC, and calls to it are dropped.)
  const void* home(const Key& key) const noexcept { return &slots_[Hash{}(key) & mask_]; }

  std::size_t size() const noexcept { return size_; }

  template <class F>
  void for_each(F&& f) const {
    for (const Slot& s : slots_)
      if (s.counters.flows != 0) f(s.key, s.counters);
  }

 private:
  void rehash(std::size_t capacity) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    size_ = 0;
    for (const Slot& s : old) {
      if (s.counters.flows == 0) continue;
      std::size_t i = Hash{}(s.key) & mask_;
      while (slots_[i].counters.flows != 0) i = (i + 1) & mask_;
      slots_[i] = s;
      ++size_;
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace mamori::flow
