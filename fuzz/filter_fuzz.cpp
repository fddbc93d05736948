// libFuzzer entry point: arbitrary text as a filter expression. Compiling
// must never crash or recurse without bound, and a compiled filter must give
// the same answer per record and over a column batch.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "mamori/flow/filter/filter.hpp"
#include "mamori/flow/mflow/column_batch.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<mamori::flow::FlowRecord> sample_flows() {
  using namespace mamori;
  using namespace mamori::flow;
  std::vector<FlowRecord> flows;
  const char* addresses[] = {"192.0.2.10", "198.51.100.20", "10.1.2.3", "2001:db8::1", "2001:db8:1::2", "::"};
  const std::uint8_t protos[] = {6, 17, 1, 58, 47};
  for (std::uint32_t i = 0; i < 64; ++i) {
    FlowRecord f;
    f.start_ns = 1'700'000'000ULL * kNsPerSecond + i * 977 * kNsPerMs;
    f.end_ns = f.start_ns + (i % 7) * 1234 * kNsPerMs;
    f.src_addr = *IpAddress::parse(addresses[i % 6]);
    f.dst_addr = *IpAddress::parse(addresses[(i * 5 + 1) % 6]);
    f.proto = protos[i % 5];
    f.src_port = static_cast<std::uint16_t>(i * 1021);
    f.dst_port = static_cast<std::uint16_t>(i % 3 == 0 ? 443 : i * 257);
    f.tcp_flags = static_cast<std::uint8_t>(i * 37);
    f.tos = static_cast<std::uint8_t>(i * 11);
    f.packets = i * i;
    f.bytes = i * i * 1400ULL + (i == 63 ? ~0ULL / 2 : 0);
    f.input_if = i % 4;
    f.output_if = i % 5;
    flows.push_back(f);
  }
  return flows;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mamori::flow;
  static const std::vector<FlowRecord> flows = sample_flows();
  auto filter = Filter::compile(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!filter) return 0;
  (void)filter->describe();
  RecordColumns batch(flows);
  Selection selection;
  if (!filter->select(batch, selection)) std::abort();
  for (std::size_t i = 0; i < flows.size(); ++i)
    if (selection.test(i) != filter->matches(flows[i])) std::abort();  // the two evaluators disagree
  return 0;
}
