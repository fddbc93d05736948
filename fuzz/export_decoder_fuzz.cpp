// Feeds arbitrary datagrams to the NetFlow v5/v9/IPFIX/sFlow decoder. The
// first byte picks how many datagrams the input is split into, so template
// state built by one datagram is exercised by the next.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "mamori/flow/decode/export_decoder.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mamori;
  if (size < 2) return 0;
  const std::size_t parts = 1 + data[0] % 4;
  ++data;
  --size;
  flow::ExportDecoder decoder;
  std::vector<flow::FlowRecord> out;
  const std::size_t chunk = size / parts + 1;
  for (std::size_t off = 0; off < size; off += chunk) {
    const std::size_t n = off + chunk > size ? size - off : chunk;
    decoder.decode(flow::ExportDatagram{IpAddress::v4(0x7f000001), off * 1000000000ULL, as_bytes(data + off, n)}, out);
  }
  decoder.finish();
  return 0;
}
