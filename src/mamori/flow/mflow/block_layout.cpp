#include "mamori/flow/mflow/block_layout.hpp"

namespace mamori::flow::mflow {

BlockHeader BlockHeader::load_fixed(const std::byte* in) noexcept {
  BlockHeader h;
  h.header_size = load_le32(in + 4);
  h.record_count = load_le32(in + 8);
  h.column_count = load_le16(in + 12);
  h.flags = load_le16(in + 14);
  h.payload_size = load_le64(in + 16);
  BlockStats& s = h.stats;
  s.start_min = load_le64(in + 24);
  s.start_max = load_le64(in + 32);
  s.end_min = load_le64(in + 40);
  s.end_max = load_le64(in + 48);
  s.packets_min = load_le64(in + 56);
  s.packets_max = load_le64(in + 64);
  s.bytes_min = load_le64(in + 72);
  s.bytes_max = load_le64(in + 80);
  s.src_port_min = load_le16(in + 88);
  s.src_port_max = load_le16(in + 90);
  s.dst_port_min = load_le16(in + 92);
  s.dst_port_max = load_le16(in + 94);
  s.tcp_flags_or = static_cast<std::uint8_t>(in[96]);
  s.tcp_flags_and = static_cast<std::uint8_t>(in[97]);
  s.families = static_cast<std::uint8_t>(in[98]);
  std::memcpy(s.protos, in + 100, sizeof s.protos);
  return h;
}

void BlockHeader::store(std::span<const ColumnChunk> chunks, std::byte* out) const noexcept {
  const std::size_t size = block_header_size(chunks.size());
  std::memset(out, 0, size);
  store_le32(out, kBlockTag);
  store_le32(out + 4, static_cast<std::uint32_t>(size));
  store_le32(out + 8, record_count);
  store_le16(out + 12, static_cast<std::uint16_t>(chunks.size()));
  store_le16(out + 14, flags);
  store_le64(out + 16, payload_size);
  const BlockStats& s = stats;
  store_le64(out + 24, s.start_min);
  store_le64(out + 32, s.start_max);
  store_le64(out + 40, s.end_min);
  store_le64(out + 48, s.end_max);
  store_le64(out + 56, s.packets_min);
  store_le64(out + 64, s.packets_max);
  store_le64(out + 72, s.bytes_min);
  store_le64(out + 80, s.bytes_max);
  store_le16(out + 88, s.src_port_min);
  store_le16(out + 90, s.src_port_max);
  store_le16(out + 92, s.dst_port_min);
  store_le16(out + 94, s.dst_port_max);
  out[96] = std::byte{s.tcp_flags_or};
  out[97] = std::byte{s.tcp_flags_and};
  out[98] = std::byte{s.families};
  std::memcpy(out + 100, s.protos, sizeof s.protos);
  std::byte* e = out + kBlockFixedSize;
  for (const ColumnChunk& c : chunks) {
    c.store(e);
    e += kColumnEntrySize;
  }
  store_le64(e, checksum(out, static_cast<std::size_t>(e - out)));
}

void IndexEntry::store(std::byte* out) const noexcept {
  store_le64(out, offset);
  store_le32(out + 8, record_count);
  store_le32(out + 12, 0);
  store_le64(out + 16, start_min);
  store_le64(out + 24, end_max);
}

IndexEntry IndexEntry::load(const std::byte* in) noexcept {
  return IndexEntry{load_le64(in), load_le32(in + 8), load_le64(in + 16), load_le64(in + 24)};
}

}  // namespace mamori::flow::mflow
