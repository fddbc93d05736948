#pragma once
// Serialised form of an .mflow block header (fixed part, statistics, column
// directory, checksum) and of the footer's per-block index entries.
#include <cstdint>
#include <span>

#include "mamori/flow/mflow/column_batch.hpp"
#include "mamori/flow/mflow/column_codec.hpp"

namespace mamori::flow::mflow {

constexpr std::size_t block_header_size(std::size_t columns) noexcept {
  return kBlockFixedSize + kColumnEntrySize * columns + kChecksumSize;
}

struct BlockHeader {
  std::uint32_t header_size = 0;
  std::uint32_t record_count = 0;
  std::uint16_t column_count = 0;
  std::uint16_t flags = 0;
  std::uint64_t payload_size = 0;
  BlockStats stats;

  // Reads the first kBlockFixedSize bytes (the tag is not checked here).
  static BlockHeader load_fixed(const std::byte* in) noexcept;
  // Writes the whole header, directory and checksum into
  // block_header_size(chunks.size()) bytes.
  void store(std::span<const ColumnChunk> chunks, std::byte* out) const noexcept;
};

struct IndexEntry {
  std::uint64_t offset = 0;
  std::uint32_t record_count = 0;
  TimeNs start_min = 0;
  TimeNs end_max = 0;

  void store(std::byte* out) const noexcept;
  static IndexEntry load(const std::byte* in) noexcept;
  friend bool operator==(const IndexEntry&, const IndexEntry&) = default;
};

}  // namespace mamori::flow::mflow
