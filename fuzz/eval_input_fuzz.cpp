// libFuzzer entry point: the two inputs of `mamori eval`. The first byte
// picks findings JSON lines or a labels CSV; the rest is the text. Parsing
// must never crash; every line is either a finding or an error with its line
// number; labels that parse are scored against each other without crashing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mamori/eval/evaluation.hpp"
#include "mamori/eval/findings_file.hpp"
#include "mamori/flow/simulate/attacks/label_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mamori;
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] % 2 == 0) {
    const eval::FindingsText parsed = eval::parse_findings(text);
    if (parsed.findings.size() + parsed.errors.size() > parsed.lines) std::abort();
    for (const auto& e : parsed.errors)
      if (e.line == 0 || e.message.empty()) std::abort();
    return 0;
  }
  auto labels = flow::sim::attacks::parse_label_csv(text);
  if (!labels) return 0;
  std::vector<eval::ReportedFinding> findings;
  for (const auto& row : *labels) findings.push_back({1, "beaconing", "beaconing", row.endpoint.to_string(), "", 90, true});
  const eval::Evaluation ev = eval::evaluate(*labels, findings, eval::EvalOptions{});
  if (ev.findings_total != findings.size()) std::abort();
  return 0;
}
