#pragma once
// Where a reader's bytes come from: a caller's buffer, a memory-mapped file
// (columns a scan does not need are never paged in), or a pipe read in order.
#include <cstdint>
#include <memory>
#include <string>

#include "mamori/core/byte_reader.hpp"
#include "mamori/core/result.hpp"

namespace mamori::flow::mflow {

class ByteInput {
 public:
  virtual ~ByteInput() = default;
  // Up to `n` bytes starting at `offset`; fewer only at the end of input. The
  // view stays valid until a call with a different offset. Streams only move
  // forward: `offset` may not go back before the previous call's offset.
  virtual Result<Bytes> view(std::uint64_t offset, std::size_t n) = 0;

  static std::unique_ptr<ByteInput> memory(Bytes data);
  // "-" is standard input.
  static Result<std::unique_ptr<ByteInput>> open(const std::string& path);
};

}  // namespace mamori::flow::mflow
