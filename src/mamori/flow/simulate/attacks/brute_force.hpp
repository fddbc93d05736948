#pragma once
// `bruteforce`: a foreign source guessing passwords on one domestic service:
// many short, nearly identical connections (SSH key exchange and a few
// password tries; an RDP TLS/CredSSP handshake; a telnet login prompt),
// arriving as a Poisson stream from a tool running parallel threads. A target
// may start dropping the source after a number of attempts (fail2ban), after
// which only unanswered SYNs are left. One label per brute-forcer.
#include <cstdint>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/flow/simulate/attacks/environment.hpp"
#include "mamori/flow/simulate/attacks/planted.hpp"

namespace mamori::flow::sim::attacks {

enum class AuthService : std::uint8_t { ssh, rdp, telnet };

struct BruteForcer {
  AuthService service = AuthService::ssh;
  std::uint16_t port = 22;
  double attempts_per_minute = 30.0;  // scaled by --attack-intensity
  double start_at = 0.1, stop_at = 0.8;
  bool target_server = true;          // a domestic server in hosting space; false: a subscriber
  std::uint32_t ban_after = 0;        // 0: never banned
};

struct BruteForceConfig {
  std::vector<BruteForcer> attackers;
};

// SSH on 22 (a server) and 2222 (a subscriber's NAS), RDP on 3389 and 33890,
// telnet on 23 (a subscriber's IoT device), and one SSH attacker banned after 60 tries.
BruteForceConfig default_brute_force_config();

class BruteForceSource final : public PlantedSource {
 public:
  static Result<std::unique_ptr<BruteForceSource>> create(const BruteForceConfig& config, AttackEnvironment& env);
  double rate_at(TimeNs t) const noexcept override;

 private:
  struct Attacker {
    Infra source;
    BruteForcer shape;
    FlowLabel label;
    Rng rng;
    TimeNs start, stop;
    Peer target;
    std::uint32_t attempts = 0;
  };
  explicit BruteForceSource(const FlowFactory& factory) : factory_(factory) {}
  TimeNs act(std::uint32_t actor, TimeNs now, FlowBatch& out) override;

  FlowFactory factory_;
  std::vector<Attacker> attackers_;
};

}  // namespace mamori::flow::sim::attacks
