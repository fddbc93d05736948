#pragma once
// `scan`: foreign scanners probing the carrier's subscribers. A horizontal
// scanner sweeps random addresses of the home access space on one port; a
// vertical one tries many ports of one host. Probes are bare SYNs (40 bytes
// from masscan/zmap-like tools, 44 with nmap's MSS option, which also
// retransmits unanswered ones) or single UDP datagrams; most get no answer,
// closed ports answer RST-ACK, and the few open ones answer SYN-ACK, which
// the stateless scanner's kernel resets. One label per scanner.
#include <cstdint>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/flow/simulate/attacks/environment.hpp"
#include "mamori/flow/simulate/attacks/planted.hpp"

namespace mamori::flow::sim::attacks {

enum class ScanDirection : std::uint8_t { horizontal, vertical };

struct Scanner {
  ScanDirection direction = ScanDirection::horizontal;
  std::vector<std::uint16_t> ports;  // horizontal: the port swept; vertical: every port tried, in random order
  std::uint8_t proto = kProtoTcp;    // TCP or UDP
  double probes_per_second = 10.0;   // scaled by --attack-intensity
  double start_at = 0.0;             // fraction of the horizon where it starts ...
  double stop_at = 1.0;              // ... and stops (a vertical scan stops when its ports are done)
  bool ipv6 = false;                 // vertical scans of a subscriber's IPv6 address
};

struct ScanConfig {
  std::vector<Scanner> scanners;
  // Horizontal probes that land on a simulated subscriber rather than an
  // arbitrary address of the access space.
  double subscriber_share = 0.1;
};

// Eighteen horizontal scanners (telnet, SSH, SMB, RDP, web, SIP and SNMP
// over UDP, databases, ADB, TR-069, ..., at 0.5 to 20 probes/s, some
// low-and-slow over the whole hour) and three vertical ones (ports 1-1024 of
// an IPv4 subscriber at 150/s; nmap's top 100 of an IPv6 subscriber at 10/s
// and of an IPv4 one at 2/s).
ScanConfig default_scan_config();

class ScanSource final : public PlantedSource {
 public:
  static Result<std::unique_ptr<ScanSource>> create(const ScanConfig& config, AttackEnvironment& env);
  double rate_at(TimeNs t) const noexcept override;

 private:
  struct Probe {
    Infra scanner;
    Scanner shape;
    FlowLabel label;
    Rng rng;
    TimeNs start, stop;
    std::uint32_t syn_bytes;     // 40/44 (IPv4), 60/64 (IPv6)
    bool fixed_port;             // nmap and masscan keep one source port per run
    bool retransmits;            // nmap sends an unanswered SYN twice
    std::uint16_t source_port;
    std::size_t next = 0;        // vertical: next port in `shape.ports` (shuffled)
    DomesticHost target;         // vertical: the host
    bool target_filtered = false;// vertical: a firewall drops closed ports silently
    std::vector<std::uint16_t> open;  // vertical: the host's open ports
  };
  ScanSource(const ScanConfig& config, const AttackEnvironment& env)
      : config_(config), factory_(env.factory()), subscribers_(env.subscribers()), sweep_(env.target_blocks()) {}
  TimeNs act(std::uint32_t actor, TimeNs now, FlowBatch& out) override;

  ScanConfig config_;
  FlowFactory factory_;
  std::vector<DomesticHost> subscribers_;
  std::vector<Prefix> sweep_;  // the access space horizontal scans sweep
  std::vector<Probe> scanners_;
};

}  // namespace mamori::flow::sim::attacks
