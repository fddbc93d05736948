// libFuzzer entry for the sFlow v5 decoder: any byte string must decode
// without crashing or reading out of bounds, and never yield more records
// than flow samples it counted.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "mamori/flow/decode/sflow.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mamori;
  using namespace mamori::flow;
  std::vector<FlowRecord> out;
  AnomalyCounters anomalies;
  SflowStats stats;
  decode_sflow(as_bytes(data, size), 1, out, anomalies, stats);
  if (out.size() > stats.flow_samples) __builtin_trap();
  for (const FlowRecord& r : out) {
    if (r.raw_packets != 1 || r.packets != r.sampling_rate || r.bytes != r.raw_bytes * r.sampling_rate) __builtin_trap();
  }
  return 0;
}
