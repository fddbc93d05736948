#pragma once
// What a detector reports: a suspected piece of attacker infrastructure (a
// C2 server, scanner, brute-forcer, reflector, controller, known indicator,
// new rare server)
// with the evidence that made it suspicious. Domestic peers appear only as
// they are in the data, i.e. pseudonymised after selection.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mamori/core/ip_address.hpp"
#include "mamori/core/result.hpp"
#include "mamori/core/time.hpp"

namespace mamori::detect {

enum class FindingKind : std::uint8_t {
  indicator,        // matches a known-bad address or prefix
  beaconing,        // periodic client -> server contacts (C2)
  fan_in,           // many domestic clients contacting one server alike (botnet C2)
  scanning,         // one source probing many targets or ports
  brute_force,      // repeated short authentication attempts to one service
  reflection,       // a reflector/amplifier used in a DDoS
  ddos_controller,  // a controller commanding DDoS sources
  long_connection,  // long-lived, low-volume connection
  rare_server,      // a new server few clients contact persistently (triage, not scored)
};

std::string_view finding_kind_name(FindingKind kind) noexcept;
Result<FindingKind> parse_finding_kind(std::string_view name);

struct Finding {
  FindingKind kind = FindingKind::indicator;
  std::string detector;  // registry name of the detector that reported it
  IpAddress endpoint;    // the suspected attacker infrastructure
  std::string role;      // "c2_server", "scanner", "brute_forcer", "reflector", "controller", "indicator",
                         // "rare_server", ...
  std::vector<std::uint16_t> ports;  // the endpoint's service ports, or the ports it targeted
  std::uint8_t proto = 0;
  double score = 0;  // 0..100
  TimeNs first_seen = 0;
  TimeNs last_seen = 0;
  std::uint64_t flows = 0;
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::uint64_t peers = 0;                 // distinct counterparts (estimated where sketched)
  std::vector<IpAddress> sample_peers;     // a few, as they are in the data
  std::vector<TimeNs> sample_times;        // a few contact times
  std::vector<std::pair<std::string, double>> metrics;  // detector-specific evidence, e.g. {"ts_skew", 0.02}
  std::string summary;                     // one line for a human
  // Textual evidence that is not a number, e.g. {"indicator_id", "indicator--…"}, {"tlp", "amber"}.
  std::vector<std::pair<std::string, std::string>> attributes = {};
};

}  // namespace mamori::detect
