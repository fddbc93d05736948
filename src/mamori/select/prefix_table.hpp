#pragma once
// A longest-prefix-match table of 16-bit values over the 128-bit address
// space (IPv4 lives at ::ffff:0:0/96), flattened into a multibit trie with
// prefix expansion: a 16-bit root stride, then 8-bit strides. A lookup is
// one to a few array reads, against the ~250 ns tree walk of libmaxminddb.
#include <cstdint>
#include <vector>

#include "mamori/core/ip_address.hpp"

namespace mamori::select {

class PrefixTable {
 public:
  using Value = std::uint16_t;  // 0 = no entry

  PrefixTable();

  // Longest-prefix semantics: a longer prefix wins over a shorter one.
  void insert(const Prefix& prefix, Value value) { insert_bits(prefix, value, false); }
  // Overrides everything inside the prefix, longer entries included.
  void assign(const Prefix& prefix, Value value) { insert_bits(prefix, value, true); }

  Value lookup(const IpAddress& a) const noexcept {
    if (a.is_v4()) {
      const std::uint32_t v = a.v4_value();
      Entry e = v4_root_[v >> 16];
      if (!e.is_child()) return e.value();
      e = blocks_[e.child() * 256 + ((v >> 8) & 0xff)];
      if (!e.is_child()) return e.value();
      return blocks_[e.child() * 256 + (v & 0xff)].value();
    }
    Entry e = v6_root_[a.hi() >> 48];
    for (unsigned offset = 16; e.is_child(); offset += 8) e = blocks_[e.child() * 256 + byte_at(a, offset)];
    return e.value();
  }

  std::size_t memory_bytes() const noexcept;
  std::size_t block_count() const noexcept { return blocks_.size() / 256; }

 private:
  // value:16 | length:8 | child flag:1 — or, for a child, the block index.
  struct Entry {
    std::uint32_t bits = 0;
    static Entry leaf(Value v, unsigned len) { return Entry{v | (len << 16)}; }
    static Entry node(std::uint32_t block) { return Entry{0x80000000u | block}; }
    bool is_child() const noexcept { return (bits & 0x80000000u) != 0; }
    std::uint32_t child() const noexcept { return bits & 0x7fffffffu; }
    Value value() const noexcept { return static_cast<Value>(bits & 0xffff); }
    unsigned length() const noexcept { return (bits >> 16) & 0xff; }
  };

  static unsigned byte_at(const IpAddress& a, unsigned offset) noexcept {
    return offset < 64 ? static_cast<unsigned>((a.hi() >> (56 - offset)) & 0xff)
                       : static_cast<unsigned>((a.lo() >> (120 - offset)) & 0xff);
  }
  void insert_bits(const Prefix& prefix, Value value, bool force);
  void paint(bool in_root, bool v4, std::size_t index, unsigned len, Value value, bool force);
  Entry& slot(bool in_root, bool v4, std::size_t index) noexcept {
    return in_root ? (v4 ? v4_root_[index] : v6_root_[index]) : blocks_[index];
  }
  std::uint32_t new_block(Entry inherit);

  std::vector<Entry> v4_root_;
  std::vector<Entry> v6_root_;
  std::vector<Entry> blocks_;
};

}  // namespace mamori::select
