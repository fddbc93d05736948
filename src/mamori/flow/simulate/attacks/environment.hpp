#pragma once
// What planted attacks and look-alikes need from the simulated world: the
// subscribers and domestic servers they aim at, the run's time window and
// exporter, foreign infrastructure that no benign server uses, labels, and
// random streams derived from the run's seed.
#include <cstdint>
#include <string_view>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/flow/simulate/attacks/flow_shapes.hpp"
#include "mamori/flow/simulate/attacks/infrastructure.hpp"
#include "mamori/flow/simulate/background_traffic.hpp"

namespace mamori::flow::sim::attacks {

// A domestic host an attack can aim at.
struct DomesticHost {
  IpAddress v4;
  IpAddress v6;
  std::uint16_t interface = 0;

  Peer peer(bool use_v6, std::uint16_t port) const noexcept { return {use_v6 ? v6 : v4, port, interface}; }
};

class AttackEnvironment {
 public:
  AttackEnvironment(const AttackEnvironment&) = delete;
  AttackEnvironment& operator=(const AttackEnvironment&) = delete;

  // The world of `background` (built from `config`); campaigns are placed
  // within [config.start_ns, config.start_ns + horizon).
  AttackEnvironment(const BackgroundTraffic& background, const BackgroundConfig& config, TimeNs horizon,
                    double intensity);

  std::uint64_t seed() const noexcept { return seed_; }
  TimeNs start() const noexcept { return start_; }
  TimeNs horizon() const noexcept { return horizon_; }
  TimeNs active_timeout() const noexcept { return active_timeout_; }
  // Scales attack volume (probe and attempt rates, botnet and reflector counts); 1 = as documented.
  double intensity() const noexcept { return intensity_; }
  const FlowFactory& factory() const noexcept { return factory_; }
  const AddressPlan& plan() const noexcept { return plan_; }
  // The subscribers attacks aim at: those in blocks a country database
  // classifies as home throughout (see unreliable_for_planting).
  const std::vector<DomesticHost>& subscribers() const noexcept { return subscribers_; }
  // Domestic servers (hosting space), as they answer sessions from abroad.
  const std::vector<DomesticHost>& domestic_servers() const noexcept { return domestic_servers_; }
  InfrastructurePool& infrastructure() noexcept { return infrastructure_; }

  // A random stream of its own for `stream` of attack `attack`: the same
  // whatever else is planted, so adding one attack does not move another.
  Rng rng(std::string_view attack, std::uint64_t stream) const noexcept;

  // The next unused flow label (1, 2, ...); an error once 65,535 are used.
  Result<FlowLabel> take_label();

  // `count` distinct subscribers (all of them if there are fewer).
  std::vector<std::uint32_t> pick_subscribers(std::size_t count, Rng& rng) const;

  // The home country's (reliable) access blocks: scanners sweep addresses
  // there whether or not a simulated subscriber holds them.
  const std::vector<Prefix>& target_blocks() const noexcept { return target_blocks_; }

  // A time at fraction `at` of the horizon, rounded to the millisecond.
  TimeNs at_fraction(double at) const noexcept;

 private:
  std::uint64_t seed_;
  TimeNs start_;
  TimeNs horizon_;
  TimeNs active_timeout_;
  double intensity_;
  FlowFactory factory_;
  AddressPlan plan_;
  std::vector<Prefix> target_blocks_;
  std::vector<DomesticHost> subscribers_;
  std::vector<DomesticHost> domestic_servers_;
  InfrastructurePool infrastructure_;
  FlowLabel next_label_ = 1;
};

// Count scaled by intensity, at least `floor`.
std::uint32_t scaled(std::uint32_t count, double intensity, std::uint32_t floor = 1) noexcept;

}  // namespace mamori::flow::sim::attacks
