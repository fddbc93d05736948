// libFuzzer entry point: arbitrary bytes as an .mflow file. The reader must
// never crash, hang or read out of bounds, whether a scan decodes a few
// columns lazily (through a filter) or every column.
//
// Random mutations rarely survive the checksums, so each input is also read
// after "resealing": recomputing every checksum it has, which lets the
// fuzzer reach the length and encoding validation behind them.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "mamori/core/byte_reader.hpp"
#include "mamori/flow/filter/filter.hpp"
#include "mamori/flow/mflow/mflow_format.hpp"
#include "mamori/flow/mflow/mflow_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using namespace mamori;
using namespace mamori::flow;

// Recomputes the checksums of whatever structure the bytes describe.
void reseal(std::vector<std::byte>& b) {
  using namespace mflow;
  const std::size_t size = b.size();
  if (size < kFileHeaderSize) return;
  store_le64(b.data() + 24, checksum(b.data(), 24));
  std::uint64_t pos = load_le32(b.data() + 12);
  while (pos + kFooterFixedSize <= size) {
    std::byte* p = b.data() + pos;
    const std::uint32_t tag = load_le32(p);
    if (tag == kFooterTag) {
      const std::uint64_t body = kFooterFixedSize + std::uint64_t{kIndexEntrySize} * load_le32(p + 4);
      if (pos + body + kChecksumSize <= size) store_le64(p + body, checksum(p, body));
      return;
    }
    if (tag != kBlockTag || pos + kBlockFixedSize > size) return;
    const std::uint64_t header = kBlockFixedSize + std::uint64_t{kColumnEntrySize} * load_le16(p + 12) + kChecksumSize;
    if (pos + header > size) return;
    std::uint64_t data = pos + header;
    for (std::uint64_t e = kBlockFixedSize; e + kColumnEntrySize <= header - kChecksumSize; e += kColumnEntrySize) {
      const std::uint32_t stored = load_le32(p + e + 8);
      if (data + stored <= size) store_le64(p + e + 24, checksum(b.data() + data, stored));
      data += stored;
    }
    store_le64(p + header - kChecksumSize, checksum(p, header - kChecksumSize));
    pos = data;
  }
}

void read_lazily_and_fully(Bytes input) {
  // Lazy path: a filter that reads a few columns, then the rows it selects.
  static const Filter filter = *Filter::compile("proto tcp and dst port 443 or duration > 1000 or ipv6");
  if (auto reader = MflowReader::open_memory(input)) {
    Selection selection;
    std::vector<std::uint32_t> rows;
    std::vector<FlowRecord> out;
    for (int blocks = 0; blocks < 256; ++blocks) {
      auto more = reader->next_block();
      if (!more || !*more) break;
      MflowBlock& block = reader->block();
      if (!filter.select(block, selection)) continue;
      selection.to_indices(rows);
      out.clear();
      (void)block.append_records(out, rows);
    }
  }

  // Eager path: every column of every block.
  if (auto reader = MflowReader::open_memory(input)) {
    std::vector<FlowRecord> batch;
    for (int blocks = 0; blocks < 256; ++blocks) {
      auto n = reader->next_batch(batch);
      if (!n || *n == 0) break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  read_lazily_and_fully(as_bytes(data, size));
  std::vector<std::byte> sealed(size);
  if (size != 0) std::memcpy(sealed.data(), data, size);
  reseal(sealed);
  read_lazily_and_fully(sealed);
  return 0;
}
