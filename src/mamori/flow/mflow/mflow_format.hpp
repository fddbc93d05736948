#pragma once
// On-disk constants of the .mflow format (docs/mflow-format.md is the
// normative description). Everything is little-endian.
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>

#include "mamori/flow/flow_fields.hpp"

namespace mamori::flow::mflow {

inline constexpr std::array<std::uint8_t, 8> kFileMagic = {0x89, 'M', 'F', 'L', 'O', 'W', '\r', '\n'};
inline constexpr std::array<std::uint8_t, 8> kTrailerMagic = {'M', 'F', 'L', 'O', 'W', 'E', 'N', 'D'};
inline constexpr std::uint16_t kVersionMajor = 1;
inline constexpr std::uint16_t kVersionMinor = 0;
inline constexpr std::size_t kFileHeaderSize = 32;

// Each section after the file header starts with a 4-byte tag.
inline constexpr std::uint32_t kBlockTag = 0x4b4c424d;   // "MBLK"
inline constexpr std::uint32_t kFooterTag = 0x444e454d;  // "MEND"

inline constexpr std::size_t kBlockFixedSize = 136;  // tag .. stats, before the directory
inline constexpr std::size_t kColumnEntrySize = 32;
inline constexpr std::size_t kChecksumSize = 8;
inline constexpr std::size_t kFooterFixedSize = 16;  // tag, block count, total records
inline constexpr std::size_t kIndexEntrySize = 32;
inline constexpr std::size_t kTrailerSize = 16;      // footer offset, trailer magic

// Readers refuse blocks larger than this so that a corrupt count cannot make
// them allocate unbounded memory.
inline constexpr std::uint32_t kMaxBlockRecords = 1u << 20;
inline constexpr std::uint16_t kMaxColumns = 64;

enum class Codec : std::uint8_t { none = 0, zstd = 1, lz4 = 2 };

// Transform flags of a column chunk.
inline constexpr std::uint8_t kDelta = 1;     // zigzag deltas from the previous value
inline constexpr std::uint8_t kShuffle = 2;   // bytes transposed: all byte 0s, then all byte 1s, ...
inline constexpr std::uint8_t kRelative = 4;  // value is stored minus the reference column

// Column ids are part of the format and independent of FlowField's order.
enum class ColumnId : std::uint8_t {
  start_ns = 1,
  end_ns = 2,
  src_addr = 3,
  dst_addr = 4,
  src_port = 5,
  dst_port = 6,
  proto = 7,
  tcp_flags = 8,
  tos = 9,
  packets = 10,
  bytes = 11,
  raw_packets = 12,
  raw_bytes = 13,
  exporter = 14,
  observation_domain = 15,
  sampling_rate = 16,
  input_if = 17,
  output_if = 18,
  direction = 19,
  source = 20,
  locality = 21,  // format version 1 readers without it fill 0 (unknown)
};
inline constexpr std::uint8_t kMaxColumnId = 21;

std::optional<FlowField> field_of(std::uint8_t column_id) noexcept;
ColumnId column_of(FlowField field) noexcept;
// The column a kRelative column is stored against, if it may be.
std::optional<FlowField> reference_of(FlowField field) noexcept;
bool is_address(FlowField field) noexcept;
// Byte width of the field in FlowRecord (16 for addresses).
unsigned field_width(FlowField field) noexcept;

inline std::uint16_t load_le16(const std::byte* p) noexcept {
  std::uint16_t v;
  std::memcpy(&v, p, 2);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap16(v);
  return v;
}
inline std::uint32_t load_le32(const std::byte* p) noexcept {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  return v;
}
inline std::uint64_t load_le64(const std::byte* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}
inline void store_le16(std::byte* p, std::uint16_t v) noexcept {
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap16(v);
  std::memcpy(p, &v, 2);
}
inline void store_le32(std::byte* p, std::uint32_t v) noexcept {
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  std::memcpy(p, &v, 4);
}
inline void store_le64(std::byte* p, std::uint64_t v) noexcept {
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  std::memcpy(p, &v, 8);
}

// XXH3-64 (seed 0), the checksum used everywhere in the format.
std::uint64_t checksum(const std::byte* data, std::size_t size) noexcept;

}  // namespace mamori::flow::mflow
