#include "mamori/detect/engine/finding_set.hpp"

#include <algorithm>

namespace mamori::detect {

namespace {

constexpr std::size_t kMaxSamples = 8;

template <class T>
void keep_union(std::vector<T>& into, const std::vector<T>& from) {
  for (const auto& v : from) {
    if (into.size() >= kMaxSamples) break;
    if (std::find(into.begin(), into.end(), v) == into.end()) into.push_back(v);
  }
  std::sort(into.begin(), into.end());
}

}  // namespace

FindingKey key_of(const Finding& f) { return FindingKey{f.detector, f.kind, f.endpoint}; }

void FindingSet::update(Finding f) {
  auto [it, inserted] = findings_.try_emplace(key_of(f));
  if (inserted) {
    it->second = std::move(f);
    return;
  }
  ++updates_;
  Finding& old = it->second;
  if (old.first_seen != 0 && (f.first_seen == 0 || old.first_seen < f.first_seen)) f.first_seen = old.first_seen;
  f.last_seen = std::max(f.last_seen, old.last_seen);
  keep_union(f.sample_peers, old.sample_peers);
  keep_union(f.sample_times, old.sample_times);
  keep_union(f.ports, old.ports);
  old = std::move(f);
}

void FindingSet::merge(FindingSet&& other) {
  for (auto& [key, f] : other.findings_) {
    auto [it, inserted] = findings_.try_emplace(key);
    if (inserted) {
      it->second = std::move(f);
      continue;
    }
    Finding& mine = it->second;
    Finding& keep = f.score > mine.score ? f : mine;
    Finding& add = f.score > mine.score ? mine : f;
    keep.flows += add.flows;
    keep.packets += add.packets;
    keep.bytes += add.bytes;
    keep.peers += add.peers;
    if (add.first_seen != 0 && (keep.first_seen == 0 || add.first_seen < keep.first_seen)) keep.first_seen = add.first_seen;
    keep.last_seen = std::max(keep.last_seen, add.last_seen);
    keep_union(keep.sample_peers, add.sample_peers);
    keep_union(keep.sample_times, add.sample_times);
    keep_union(keep.ports, add.ports);
    if (&keep != &mine) mine = std::move(keep);
  }
  updates_ += other.updates_;
  other.findings_.clear();
}

std::vector<Finding> FindingSet::sorted() const {
  std::vector<const std::pair<const FindingKey, Finding>*> order;
  order.reserve(findings_.size());
  for (const auto& entry : findings_) order.push_back(&entry);
  std::stable_sort(order.begin(), order.end(),
                   [](const auto* a, const auto* b) { return a->second.score > b->second.score; });
  std::vector<Finding> out;
  out.reserve(order.size());
  for (const auto* entry : order) out.push_back(entry->second);
  return out;
}

}  // namespace mamori::detect
