#include "mamori/detect/indicator/indicator_set.hpp"

namespace mamori::detect {

Status IndicatorSet::add(const Prefix& prefix, IndicatorSource source) {
  const bool host = prefix.bits128() == 128;
  if (host) {
    auto [it, inserted] = hosts_.try_emplace(prefix.network(), static_cast<std::uint32_t>(entries_.size()));
    if (!inserted) {
      ++stats_.duplicates;
      return {};
    }
    ++stats_.addresses;
  } else {
    auto [it, inserted] =
        prefix_index_.try_emplace({prefix.network(), prefix.bits128()}, static_cast<std::uint32_t>(entries_.size()));
    if (!inserted) {
      ++stats_.duplicates;
      return {};
    }
    if (prefix_entries_.size() >= kMaxPrefixes) {
      prefix_index_.erase(it);
      return fail(Errc::exhausted, "{}: more than {} distinct indicator prefixes (hosts are not limited)",
                  source.origin, kMaxPrefixes);
    }
    prefix_entries_.push_back(static_cast<std::uint32_t>(entries_.size()));
    table_.insert(prefix, static_cast<select::PrefixTable::Value>(prefix_entries_.size()));
    ++stats_.prefixes;
  }
  entries_.push_back(IndicatorEntry{prefix, std::move(source)});
  return {};
}

std::size_t IndicatorSet::memory_bytes() const noexcept {
  std::size_t n = table_.memory_bytes() + entries_.capacity() * sizeof(IndicatorEntry) +
                  hosts_.size() * (sizeof(IpAddress) + sizeof(std::uint32_t) + 2 * sizeof(void*)) +
                  hosts_.bucket_count() * sizeof(void*) + prefix_entries_.capacity() * sizeof(std::uint32_t) +
                  prefix_index_.size() * 64;
  for (const auto& e : entries_) n += e.source.id.capacity() + e.source.name.capacity() + e.source.origin.capacity();
  return n;
}

}  // namespace mamori::detect
