// libFuzzer entry point: arbitrary bytes as report free text and as a single
// indicator value. Extraction must never crash, must stay bounded, and every
// indicator it returns must be normalised (extracting from its own value
// gives the same value back) and point inside the input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <cstdlib>
#include <string_view>

#include "mamori/report/domain_name.hpp"
#include "mamori/report/indicators.hpp"
#include "mamori/report/refang.hpp"
#include "mamori/report/report_json.hpp"
#include "mamori/report/wallet.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mamori::report;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const RefangedText r = refang(text);
  if (r.origin.size() != r.text.size() + 1 || r.rewritten.size() != r.text.size()) std::abort();

  ExtractOptions options;
  options.max_indicators = 256;
  IndicatorSet set(options);
  set.add_text("text", text);
  set.add_value("value", text);
  for (const auto& ind : set.indicators()) {
    if (ind.value.empty() || ind.sources.empty()) std::abort();
    for (const auto& s : ind.sources)
      if (s.offset > size || s.length > size - s.offset) std::abort();
    // The normal form is a fixed point: the value alone yields itself (a name
    // ending like a file is taken only from a host context, so it is exempt).
    if (ind.type == IndicatorType::domain && has_file_extension_suffix(ind.value)) continue;
    IndicatorSet again;
    again.add_value("v", ind.value);
    bool found = false;
    for (const auto& other : again.indicators()) found = found || (other.type == ind.type && other.value == ind.value);
    if (!found) {
      std::fprintf(stderr, "not a fixed point: %s '%s'\n", std::string(indicator_type_name(ind.type)).c_str(),
                   ind.value.c_str());
      for (const auto& other : again.indicators())
        std::fprintf(stderr, "  re-extracted: %s '%s'\n", std::string(indicator_type_name(other.type)).c_str(),
                     other.value.c_str());
      std::abort();
    }
  }

  if (size <= 128) (void)parse_wallet_address(text);

  // The same bytes as a report submission: parsing must fail or succeed cleanly.
  SubmissionContext context{"rpt-fuzz", "org-fuzz", 1'700'000'000'000'000'000ULL, nullptr};
  (void)parse_submission(text, context);
  return 0;
}
