#pragma once
// Has an earlier record of this (client, server, server port, protocol) pair
// been seen? Detectors that give a pair state only from its second record
// (beaconing, brute_force, long_connection's flagless pairs) ask it of
// nearly every flow, and each asking its own filter of tens of MiB cost a
// cache miss per detector per flow. The engine now answers it once per flow
// from one filter per worker (FlowEvent::pair_seen, see engine/shard.cpp);
// a detector run on its own (tests, benchmarks) or with its own filter size
// configured falls back to a filter of its own, made on first use.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "mamori/detect/flow_event.hpp"
#include "mamori/detect/sketch/first_contact_filter.hpp"

namespace mamori::detect::sketch {

class PairAdmission {
 public:
  // `own_capacity`: first contacts per generation of the fallback filter.
  // `use_shared`: whether the engine's answer applies (false when the
  // detector keys pairs otherwise or its own capacity was configured).
  PairAdmission(std::size_t own_capacity, bool use_shared)
      : own_capacity_(own_capacity), use_shared_(use_shared) {}

  // True when the pair of `e` (hash `pair_hash`) was seen before; remembers it either way.
  bool seen_before(const FlowEvent& e, std::uint64_t pair_hash) {
    if (use_shared_ && e.pair_seen >= 0) return e.pair_seen != 0;
    if (!own_) own_ = std::make_unique<FirstContactFilter>(own_capacity_, 0.05, 1);
    return own_->test_and_set(pair_hash);
  }
  void prefetch(const FlowEvent& e, std::uint64_t pair_hash) const noexcept {
    if (own_ && !(use_shared_ && e.pair_seen >= 0)) own_->prefetch(pair_hash);
  }
  std::size_t memory_bytes() const noexcept { return own_ ? own_->memory_bytes() : 0; }
  bool uses_shared() const noexcept { return use_shared_; }

 private:
  std::size_t own_capacity_;
  bool use_shared_;
  std::unique_ptr<FirstContactFilter> own_;
};

}  // namespace mamori::detect::sketch
