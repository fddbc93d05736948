// libFuzzer entry point: arbitrary bytes as an indicator feed. The first byte
// picks the loader (STIX JSON, CSV, plain list, or a bare STIX pattern); the
// rest is the text. Loading must never crash, and whatever loads must answer
// lookups of the addresses it holds (longest prefix contains the address).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mamori/detect/allowlist/allowlist.hpp"
#include "mamori/detect/indicator/indicator_loader.hpp"
#include "mamori/detect/indicator/stix_pattern.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mamori;
  using namespace mamori::detect;
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  IndicatorSet set;
  switch (data[0] % 5) {
    case 0: (void)load_stix_indicators(text, "fuzz.json", set); break;
    case 1: (void)load_csv_indicators(text, "fuzz.csv", set); break;
    case 2: (void)load_list_indicators(text, "fuzz.txt", set); break;
    case 3: {
      const PatternAddresses p = parse_address_pattern(text);
      if (p.verdict != PatternVerdict::addresses && !p.prefixes.empty()) std::abort();
      if (p.verdict == PatternVerdict::addresses && p.prefixes.empty()) std::abort();
      return 0;
    }
    default: (void)Allowlist::parse(text, "fuzz-allow.txt"); return 0;
  }
  for (const auto& entry : set.entries()) {
    const IndicatorEntry* found = set.lookup(entry.prefix.network());
    if (found == nullptr || !found->prefix.contains(entry.prefix.network())) std::abort();
    if (found->prefix.bits128() < entry.prefix.bits128()) std::abort();  // a longer prefix exists for it
  }
  return 0;
}
