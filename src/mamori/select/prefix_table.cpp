#include "mamori/select/prefix_table.hpp"

namespace mamori::select {

PrefixTable::PrefixTable() : v4_root_(1u << 16), v6_root_(1u << 16) {}

std::size_t PrefixTable::memory_bytes() const noexcept {
  return (v4_root_.size() + v6_root_.size() + blocks_.size()) * sizeof(Entry);
}

std::uint32_t PrefixTable::new_block(Entry inherit) {
  const auto block = static_cast<std::uint32_t>(blocks_.size() / 256);
  blocks_.resize(blocks_.size() + 256, inherit);
  return block;
}

void PrefixTable::paint(bool in_root, bool v4, std::size_t index, unsigned len, Value value,
                        bool force) {
  Entry e = slot(in_root, v4, index);
  if (e.is_child()) {
    const std::size_t base = static_cast<std::size_t>(e.child()) * 256;
    for (std::size_t i = 0; i < 256; ++i) paint(false, v4, base + i, len, value, force);
    return;
  }
  if (force || e.length() <= len) slot(in_root, v4, index) = Entry::leaf(value, len);
}

void PrefixTable::insert_bits(const Prefix& prefix, Value value, bool force) {
  const bool v4 = prefix.is_v4();
  const unsigned len = prefix.length();
  const IpAddress& net = prefix.network();
  // Bits [offset, offset + stride) of the family-relative address.
  auto bits = [&](unsigned offset, unsigned stride) -> std::size_t {
    if (v4) return (net.v4_value() >> (32 - offset - stride)) & ((1u << stride) - 1);
    if (stride == 16) return static_cast<std::size_t>(net.hi() >> 48);
    return byte_at(net, offset);
  };
  bool in_root = true;
  std::size_t base = 0;  // index of the current level's first slot
  unsigned offset = 0;
  unsigned stride = 16;
  for (;;) {
    if (len <= offset + stride) {
      // Prefix expansion: the prefix covers `count` consecutive slots of this level.
      const std::size_t first = base + bits(offset, stride);
      const std::size_t count = std::size_t{1} << (offset + stride - len);
      for (std::size_t i = 0; i < count; ++i) paint(in_root, v4, first + i, len, value, force);
      return;
    }
    const std::size_t index = base + bits(offset, stride);
    Entry e = slot(in_root, v4, index);
    if (!e.is_child()) {
      const std::uint32_t block = new_block(e);
      slot(in_root, v4, index) = Entry::node(block);
      e = Entry::node(block);
    }
    in_root = false;
    base = static_cast<std::size_t>(e.child()) * 256;
    offset += stride;
    stride = 8;
  }
}

}  // namespace mamori::select
