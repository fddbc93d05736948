#pragma once
// Known-bad addresses and prefixes with longest-prefix match. Host entries
// (/32, /128) sit in a hash table; shorter prefixes in a select::PrefixTable
// whose 16-bit values index them, so a lookup is one hash probe plus a few
// array reads. Nearly every address looked up is in no feed: a small
// register-blocked Bloom filter over the hosts (all of a key's bits in one
// 64-bit word, ~16 bits per host: a 1M-address feed takes 2 MiB, 30,000
// addresses 64 KiB) answers most of them from the core's cache, so the
// host table, larger than the caches, is read only for the few that pass.
// Each entry keeps where it came from (indicator id, name, TLP, file and
// line) for the evidence of a finding. IPv4 addresses in a /16 that no
// prefix touches skip the prefix table (a bitmap of the /16s).
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "mamori/core/ip_address.hpp"
#include "mamori/core/prefetch.hpp"
#include "mamori/core/result.hpp"
#include "mamori/select/prefix_table.hpp"

namespace mamori::detect {

struct IndicatorSource {
  std::string id;      // STIX id (indicator--… or ipv4-addr--…), empty for CSV/list entries
  std::string name;    // indicator name or CSV name/description column
  std::string tlp;     // "clear", "green", "amber", "amber+strict", "red", or empty
  std::string origin;  // FILE:LINE or FILE#object-index
};

struct IndicatorEntry {
  Prefix prefix;
  IndicatorSource source;
};

// What loading saw, per reason, for reports and tests.
struct IndicatorLoadStats {
  std::uint64_t addresses = 0;          // host entries added
  std::uint64_t prefixes = 0;           // shorter prefixes added
  std::uint64_t duplicates = 0;         // entries already present (the first source is kept)
  std::uint64_t not_address = 0;        // indicators whose pattern an address alone does not satisfy
  std::uint64_t unparsable = 0;         // indicators whose pattern could not be read
  std::uint64_t revoked = 0;            // revoked objects
  std::uint64_t other_objects = 0;      // STIX objects of other types (identities, relationships, ...)
  std::uint64_t non_stix_patterns = 0;  // indicators in another pattern language (Snort, YARA, ...)

  std::uint64_t ignored() const noexcept { return not_address + unparsable + revoked + non_stix_patterns; }
};

class IndicatorSet {
 public:
  // At most this many distinct non-host prefixes (the PrefixTable's value range).
  static constexpr std::size_t kMaxPrefixes = 65535;

  Status add(const Prefix& prefix, IndicatorSource source);

  // The most specific entry containing `a`, or null.
  const IndicatorEntry* lookup(const IpAddress& a) const noexcept {
    const std::size_t h = IpAddressHash{}(a);
    if (!host_slots_.empty() && may_be_host(h)) {
      // Open addressing, linear probing, at most half full: one or two cache lines per miss.
      const std::size_t mask = host_slots_.size() - 1;
      for (std::size_t i = h & mask;; i = (i + 1) & mask) {
        const HostSlot& slot = host_slots_[i];
        if (slot.entry == kEmpty) break;
        if (slot.address == a) return &entries_[slot.entry];
      }
    }
    if (prefix_entries_.empty()) return nullptr;
    if (a.is_v4() && !v4_block_listed(a.v4_value() >> 16)) return nullptr;
    const auto v = table_.lookup(a);
    return v == 0 ? nullptr : &entries_[prefix_entries_[v - 1]];
  }

  // Requests the host filter's word a lookup of `a` reads first, to overlap
  // the misses of a batch of lookups (the /16 bitmap stays in cache).
  void prefetch(const IpAddress& a) const noexcept {
    if (!host_filter_.empty()) prefetch_read(&host_filter_[filter_word(IpAddressHash{}(a))]);
  }

  std::size_t size() const noexcept { return entries_.size(); }
  const std::vector<IndicatorEntry>& entries() const noexcept { return entries_; }
  IndicatorLoadStats& stats() noexcept { return stats_; }
  const IndicatorLoadStats& stats() const noexcept { return stats_; }
  std::size_t memory_bytes() const noexcept;

 private:
  static constexpr std::uint32_t kEmpty = 0xffffffffu;
  struct HostSlot {
    IpAddress address;
    std::uint32_t entry = kEmpty;
  };
  // The slot of `a`: where it is, or the empty slot where it belongs.
  HostSlot& host_slot(const IpAddress& a) noexcept;
  void grow_hosts();

  // The filter's word and bits come from the hash bits above those that
  // pick the host slot (the low ones), so the two stay independent.
  std::size_t filter_word(std::size_t h) const noexcept { return (h >> 32) & (host_filter_.size() - 1); }
  static std::uint64_t filter_bits(std::size_t h) noexcept {
    return (std::uint64_t{1} << ((h >> 26) & 63)) | (std::uint64_t{1} << ((h >> 20) & 63)) |
           (std::uint64_t{1} << ((h >> 14) & 63));
  }
  bool may_be_host(std::size_t h) const noexcept {
    const std::uint64_t bits = filter_bits(h);
    return (host_filter_[filter_word(h)] & bits) == bits;
  }
  // Whether any prefix reaches into the IPv4 /16 `block`. Most addresses
  // fall in a /16 no prefix of the feed touches: this 8 KiB bitmap, held in
  // the core's first-level cache, answers them without the prefix table.
  bool v4_block_listed(std::uint32_t block) const noexcept {
    return ((v4_blocks_[block >> 6] >> (block & 63)) & 1) != 0;
  }
  void list_v4_blocks(const Prefix& prefix) noexcept;
  void add_to_filter(const IpAddress& a) noexcept {
    const std::size_t h = IpAddressHash{}(a);
    host_filter_[filter_word(h)] |= filter_bits(h);
  }

  std::vector<IndicatorEntry> entries_;
  std::vector<HostSlot> host_slots_;        // power-of-two size
  std::vector<std::uint64_t> host_filter_;  // power-of-two size: a word per 8 host slots
  std::size_t hosts_ = 0;
  std::map<std::pair<IpAddress, unsigned>, std::uint32_t> prefix_index_;
  std::vector<std::uint32_t> prefix_entries_;  // PrefixTable value - 1 -> entry
  select::PrefixTable table_;
  std::vector<std::uint64_t> v4_blocks_ = std::vector<std::uint64_t>(65536 / 64, 0);
  IndicatorLoadStats stats_;
};

}  // namespace mamori::detect
