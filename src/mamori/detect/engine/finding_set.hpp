#pragma once
// The findings an engine has collected, one per (detector, kind, endpoint).
// Detectors report cumulative state, so a later report of the same key
// updates the earlier one instead of adding a duplicate. Shards' sets are
// combined in an explicit merge step.
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "mamori/detect/finding.hpp"

namespace mamori::detect {

struct FindingKey {
  std::string detector;
  FindingKind kind;
  IpAddress endpoint;
  friend auto operator<=>(const FindingKey&, const FindingKey&) = default;
};

FindingKey key_of(const Finding& f);

class FindingSet {
 public:
  // Adds `f`, or updates the finding with its key: counters, score, metrics
  // and summary are the new report's (it is cumulative), first_seen is the
  // earliest, and sample peers, times and ports keep what either had.
  void update(Finding f);
  // Takes in another shard's findings. A key both hold (an endpoint that
  // was not the shard key of all its flows) is combined: counters added,
  // the higher-scored report's evidence kept.
  void merge(FindingSet&& other);

  std::size_t size() const noexcept { return findings_.size(); }
  std::uint64_t updates() const noexcept { return updates_; }
  // Highest score first; ties in (detector, kind, endpoint) order.
  std::vector<Finding> sorted() const;

 private:
  std::map<FindingKey, Finding> findings_;
  std::uint64_t updates_ = 0;
};

}  // namespace mamori::detect
