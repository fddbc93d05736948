#include "mamori/detect/indicator/indicator_set.hpp"

namespace mamori::detect {

IndicatorSet::HostSlot& IndicatorSet::host_slot(const IpAddress& a) noexcept {
  const std::size_t mask = host_slots_.size() - 1;
  const std::size_t h = IpAddressHash{}(a);
  std::size_t i = h & mask;
  while (host_slots_[i].entry != kEmpty && host_slots_[i].address != a) i = (i + 1) & mask;
  return host_slots_[i];
}

void IndicatorSet::grow_hosts() {
  std::vector<HostSlot> old = std::move(host_slots_);
  host_slots_.assign(old.empty() ? 64 : old.size() * 2, HostSlot{});
  // At most half the slots hold hosts, so 8 slots a word leaves >= 16 filter bits per host.
  host_filter_.assign(host_slots_.size() / 8, 0);
  for (const auto& slot : old) {
    if (slot.entry == kEmpty) continue;
    host_slot(slot.address) = slot;
    add_to_filter(slot.address);
  }
}

Status IndicatorSet::add(const Prefix& prefix, IndicatorSource source) {
  const bool host = prefix.bits128() == 128;
  if (host) {
    if (2 * (hosts_ + 1) > host_slots_.size()) grow_hosts();
    HostSlot& slot = host_slot(prefix.network());
    if (slot.entry != kEmpty) {
      ++stats_.duplicates;
      return {};
    }
    slot = HostSlot{prefix.network(), static_cast<std::uint32_t>(entries_.size())};
    add_to_filter(prefix.network());
    ++hosts_;
    ++stats_.addresses;
  } else {
    auto [it, inserted] = prefix_index_.try_emplace({prefix.network(), prefix.bits128()},
                                                    static_cast<std::uint32_t>(entries_.size()));
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
    list_v4_blocks(prefix);
    ++stats_.prefixes;
  }
  entries_.push_back(IndicatorEntry{prefix, std::move(source)});
  return {};
}

void IndicatorSet::list_v4_blocks(const Prefix& prefix) noexcept {
  // IPv4 addresses match IPv4 prefixes only, as in the prefix table.
  if (!prefix.is_v4()) return;
  const std::uint32_t first = prefix.network().v4_value() >> 16;
  const std::uint32_t count = prefix.length() >= 16 ? 1 : 1u << (16 - prefix.length());
  for (std::uint32_t b = first; b < first + count; ++b) v4_blocks_[b >> 6] |= std::uint64_t{1} << (b & 63);
}

std::size_t IndicatorSet::memory_bytes() const noexcept {
  std::size_t n = table_.memory_bytes() + entries_.capacity() * sizeof(IndicatorEntry) +
                  host_slots_.capacity() * sizeof(HostSlot) +
                  host_filter_.capacity() * sizeof(std::uint64_t) +
                  v4_blocks_.capacity() * sizeof(std::uint64_t) +
                  prefix_entries_.capacity() * sizeof(std::uint32_t) + prefix_index_.size() * 64;
  for (const auto& e : entries_)
    n += e.source.id.capacity() + e.source.name.capacity() + e.source.origin.capacity();
  return n;
}

}  // namespace mamori::detect
