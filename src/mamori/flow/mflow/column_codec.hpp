#pragma once
// Encoding and decoding of one column chunk of an .mflow block: integer
// narrowing, delta/relative transforms, byte shuffling, compression and the
// chunk checksum. The block layout around chunks lives in the reader/writer.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "mamori/core/byte_reader.hpp"
#include "mamori/core/ip_address.hpp"
#include "mamori/core/result.hpp"
#include "mamori/flow/mflow/mflow_format.hpp"

struct ZSTD_CCtx_s;
struct ZSTD_DCtx_s;

namespace mamori::flow::mflow {

// One entry of a block's column directory.
struct ColumnChunk {
  std::uint8_t id = 0;
  Codec codec = Codec::none;
  std::uint8_t width = 0;
  std::uint8_t flags = 0;
  std::uint32_t scale = 1;
  std::uint32_t stored_len = 0;
  std::uint32_t raw_len = 0;
  std::uint64_t base = 0;
  std::uint64_t hash = 0;

  void store(std::byte* out) const noexcept;
  static ColumnChunk load(const std::byte* in) noexcept;
};

// How a chunk may be transformed; the encoder picks the smallest option.
struct IntColumnHints {
  bool try_delta = false;  // values are roughly sorted (start times)
  bool try_scale = false;  // values are often multiples of 10^3/10^6/10^9 (nanosecond times)
};

class ColumnEncoder {
 public:
  ColumnEncoder(Codec codec, int level, bool shuffle);
  ~ColumnEncoder();
  ColumnEncoder(const ColumnEncoder&) = delete;
  ColumnEncoder& operator=(const ColumnEncoder&) = delete;

  // Appends the stored bytes to `out` and returns the chunk's directory entry.
  // `reference` is either empty or the values of the column's reference.
  ColumnChunk encode_ints(std::uint8_t id, std::span<const std::uint64_t> values,
                          std::span<const std::uint64_t> reference, IntColumnHints hints,
                          std::vector<std::byte>& out);
  ColumnChunk encode_addresses(std::uint8_t id, std::span<const IpAddress> values, std::vector<std::byte>& out);

 private:
  void finish_chunk(ColumnChunk& chunk, std::span<const std::byte> raw, std::vector<std::byte>& out);

  Codec codec_;
  int level_;
  bool shuffle_;
  ZSTD_CCtx_s* zstd_ = nullptr;
  std::vector<std::uint64_t> scratch_values_;
  std::vector<std::byte> raw_;
  std::vector<std::byte> shuffled_;
};

// Where a chunk sits, for error messages.
struct ChunkLocation {
  std::string_view column_name;
  std::uint64_t block_offset = 0;
  std::uint64_t data_offset = 0;
};

class ColumnDecoder {
 public:
  ColumnDecoder();
  ~ColumnDecoder();
  ColumnDecoder(ColumnDecoder&&) noexcept;
  ColumnDecoder& operator=(ColumnDecoder&&) noexcept;

  // Decodes `n` values into `out` (resized). `reference` must hold n values
  // when the chunk is relative. Values are truncated to T.
  template <class T>
  Status decode_ints(const ColumnChunk& chunk, Bytes stored, std::size_t n, const std::uint64_t* reference,
                     const ChunkLocation& where, std::vector<T>& out);
  Status decode_addresses(const ColumnChunk& chunk, Bytes stored, std::size_t n, const ChunkLocation& where,
                          std::vector<IpAddress>& out);

  // Decodes only the values of `rows` (ascending, each < n) into `out`
  // (resized to rows.size()): after decompression, a sparse selection costs
  // per selected row instead of per row. `reference` holds the reference
  // column's values at the same rows when the chunk is relative.
  template <class T>
  Status decode_rows(const ColumnChunk& chunk, Bytes stored, std::size_t n, std::span<const std::uint32_t> rows,
                     const std::uint64_t* reference, const ChunkLocation& where, std::vector<T>& out);
  Status decode_address_rows(const ColumnChunk& chunk, Bytes stored, std::size_t n,
                             std::span<const std::uint32_t> rows, const ChunkLocation& where,
                             std::vector<IpAddress>& out);

 private:
  // Verifies and decompresses; returns the raw (still shuffled) bytes.
  Result<Bytes> open_chunk(const ColumnChunk& chunk, Bytes stored, const ChunkLocation& where);

  ZSTD_DCtx_s* zstd_ = nullptr;
  std::vector<std::byte> raw_;
  std::vector<std::byte> unshuffled_;
  std::vector<std::uint64_t> full_;  // delta columns decoded whole before picking rows
  std::vector<IpAddress> full_addresses_;
};

// Byte (un)shuffling with a given element width; exposed for tests.
void shuffle_bytes(const std::byte* in, std::byte* out, std::size_t count, std::size_t width) noexcept;
void unshuffle_bytes(const std::byte* in, std::byte* out, std::size_t count, std::size_t width) noexcept;

}  // namespace mamori::flow::mflow
