#pragma once
// Benign look-alikes: legitimate traffic shaped like the attacks, planted
// with labels of their own so that false positives can be counted.
//   benign_ntp     clients polling one NTP server at fixed powers of two (beaconing)
//   benign_update  software checking one update server every 15-60 minutes (beaconing)
//   benign_cdn     hundreds of clients fetching one popular object from a CDN node (fan-in)
//   benign_push    long-lived push-notification connections, exported as
//                  periodic active-timeout records (beaconing, long connections)
//   benign_dns     devices querying a public resolver every few minutes (fan-in, beaconing)
#include <cstdint>
#include <string_view>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/flow/simulate/attacks/environment.hpp"
#include "mamori/flow/simulate/attacks/planted.hpp"

namespace mamori::flow::sim::attacks {

enum class Lookalike : std::uint8_t { ntp, update, cdn, push, dns };
inline constexpr std::size_t kLookalikeCount = 5;

// "benign_ntp", ...: the attack column of the labels file.
std::string_view lookalike_name(Lookalike kind) noexcept;

struct LookalikeConfig {
  Lookalike kind = Lookalike::ntp;
  std::uint32_t clients = 30;
};

// The standard set: 30 NTP clients, 60 updaters, 300 CDN clients, 80 push
// connections, 150 devices on a public resolver.
std::vector<LookalikeConfig> default_lookalike_configs();

class LookalikeSource final : public PlantedSource {
 public:
  static Result<std::unique_ptr<LookalikeSource>> create(const std::vector<LookalikeConfig>& configs,
                                                         AttackEnvironment& env);
  double rate_at(TimeNs t) const noexcept override;

 private:
  struct Service {
    Lookalike kind;
    Infra server;
    FlowLabel label;
  };
  struct Client {
    std::uint32_t service;
    DomesticHost host;
    Rng rng;
    TimeNs interval = 0;      // its own fixed period (NTP, updates, DNS, push records)
    std::uint16_t port = 0;   // its source port, where it keeps one
  };
  LookalikeSource(const FlowFactory& factory, TimeNs record_length) : factory_(factory), record_(record_length) {}
  TimeNs act(std::uint32_t actor, TimeNs now, FlowBatch& out) override;

  FlowFactory factory_;
  TimeNs record_;  // how an exporter cuts a long connection
  std::vector<Service> services_;
  std::vector<Client> clients_;
  double rate_ = 0.0;
};

}  // namespace mamori::flow::sim::attacks
