#include "mamori/detect/output/finding_json.hpp"

#include <cmath>

#include "mamori/core/json_text.hpp"

namespace mamori::detect {

namespace {

// JSON has no NaN or infinity; a metric that is not finite is null.
std::string number(double v) { return std::isfinite(v) ? fmt::format("{}", v) : std::string("null"); }

}  // namespace

std::string finding_to_json(const Finding& f) {
  std::string s;
  s.reserve(512);
  s += fmt::format("{{\"kind\":\"{}\",\"detector\":{},\"endpoint\":\"{}\",\"role\":{},\"ports\":[",
                   finding_kind_name(f.kind), json_quote(f.detector), f.endpoint.to_string(), json_quote(f.role));
  for (std::size_t i = 0; i < f.ports.size(); ++i) s += fmt::format("{}{}", i ? "," : "", f.ports[i]);
  s += fmt::format("],\"proto\":{},\"score\":{},\"first_seen\":\"{}\",\"last_seen\":\"{}\",\"first_seen_ns\":{},"
                   "\"last_seen_ns\":{},\"flows\":{},\"packets\":{},\"bytes\":{},\"peers\":{},\"sample_peers\":[",
                   f.proto, number(std::round(f.score * 100) / 100), format_rfc3339(f.first_seen),
                   format_rfc3339(f.last_seen), f.first_seen, f.last_seen, f.flows, f.packets, f.bytes, f.peers);
  for (std::size_t i = 0; i < f.sample_peers.size(); ++i) {
    s += fmt::format("{}\"{}\"", i ? "," : "", f.sample_peers[i].to_string());
  }
  s += "],\"sample_times\":[";
  for (std::size_t i = 0; i < f.sample_times.size(); ++i) {
    s += fmt::format("{}\"{}\"", i ? "," : "", format_rfc3339(f.sample_times[i]));
  }
  s += "],\"metrics\":{";
  for (std::size_t i = 0; i < f.metrics.size(); ++i) {
    s += fmt::format("{}{}:{}", i ? "," : "", json_quote(f.metrics[i].first), number(f.metrics[i].second));
  }
  s += "},\"attributes\":{";
  for (std::size_t i = 0; i < f.attributes.size(); ++i) {
    s += fmt::format("{}{}:{}", i ? "," : "", json_quote(f.attributes[i].first), json_quote(f.attributes[i].second));
  }
  s += fmt::format("}},\"summary\":{}}}", json_quote(f.summary));
  return s;
}

std::string findings_to_jsonl(const std::vector<Finding>& findings) {
  std::string out;
  for (const auto& f : findings) {
    out += finding_to_json(f);
    out += '\n';
  }
  return out;
}

}  // namespace mamori::detect
