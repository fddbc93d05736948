#pragma once
// Fan-in (after DISCLOSURE, Bilge et al., ACSAC 2012): a server that many
// distinct clients contact alike — uniform request and reply sizes, each
// client returning at regular intervals — as bots poll a botnet's C2 server.
// Popularity alone scores little: CDNs and web services have many clients
// too, but their sizes and access times vary. State per (server, port,
// protocol), the server being the shard key.
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "mamori/detect/detector.hpp"
#include "mamori/detect/sketch/bounded_table.hpp"
#include "mamori/detect/sketch/first_contact_filter.hpp"
#include "mamori/detect/sketch/hyperloglog.hpp"
#include "mamori/detect/sketch/random.hpp"
#include "mamori/detect/sketch/reservoir.hpp"

namespace mamori::detect {

struct FanInOptions {
  std::uint64_t min_clients = 20;  // distinct clients before a server is scored
  double threshold = 80;
  double rereport_delta = 10;
  TimeNs idle_timeout = 6 * 3600 * kNsPerSecond;
  // Botnet fan-in is domestic bots and a foreign C2 server. Where foreignness
  // is known, domestic servers (the carrier's own resolvers, national
  // services) are left out unless this is set.
  bool include_domestic = false;
  double ntp_factor = 0.5;  // score factor for servers whose requests are all NTP-shaped
  double size_weight = 0.30;
  double reply_weight = 0.10;
  double timing_weight = 0.30;
  double clients_weight = 0.15;
  double repeat_weight = 0.15;
  // Servers get state from their second connection on (see BeaconingOptions).
  bool admission = true;
  std::uint64_t admission_capacity = 0;
  std::uint64_t seed = 1;
};

class FanInDetector final : public Detector {
 public:
  static constexpr std::size_t kFollowed = 8;  // clients followed for their return intervals

  struct ServerKey {
    IpAddress server;
    std::uint16_t port = 0;
    std::uint8_t proto = 0;
    friend bool operator==(const ServerKey&, const ServerKey&) = default;
  };
  struct Followed {
    std::uint32_t hash = 0;     // the client's hash (bottom-k sampling: the smallest are followed)
    std::uint32_t last_ms = 0;  // its last contact, ms after the server's first contact
  };
  struct ServerState {
    TimeNs first_seen = 0;
    TimeNs last_seen = 0;
    std::uint64_t bytes = 0;
    std::uint64_t reply_bytes = 0;
    std::uint32_t packets = 0;
    std::uint32_t connections = 0;
    std::uint32_t next_check = 0;
    std::uint32_t reported_connections = 0;  // connections when last reported
    std::uint8_t followed_count = 0;
    std::uint8_t sample_count = 0;
    std::uint8_t reported_score = 0;
    bool ntp_shaped = true;  // every request so far NTP-shaped
    std::array<Followed, kFollowed> followed{};
    std::array<IpAddress, 4> sample_clients{};
    sketch::HyperLogLog<6> clients;
    sketch::Reservoir<std::uint32_t, 32> sizes;
    sketch::Reservoir<std::uint32_t, 16> reply_sizes;
    sketch::Reservoir<std::uint32_t, 16> return_intervals_ms;
  };
  using Table = sketch::BoundedTable<ServerKey, ServerState>;

  FanInDetector(FanInOptions options, DetectorLimits limits);

  std::string_view name() const noexcept override { return "fan_in"; }
  void observe(std::span<const FlowEvent> events) override;
  void emit(TimeNs now, bool final, std::vector<Finding>& out) override;
  std::size_t tracked() const noexcept override { return table_.size(); }
  std::size_t memory_bytes() const noexcept override;
  std::uint64_t evictions() const noexcept { return table_.evictions(); }
  std::uint64_t evicted() const noexcept override { return evictions(); }

 private:
  // `h` is the server key's hash, computed once per event by observe().
  void observe_one(const FlowEvent& e, std::uint64_t h);
  void follow(ServerState& s, std::uint32_t client_hash, std::uint32_t at_ms);
  // At the end of input (`final`) a server whose evidence grew is reported again with it.
  void check(const ServerKey& key, ServerState& s, std::vector<Finding>& out, bool final = false);

  FanInOptions options_;
  Table table_;
  sketch::SplitMix64 rng_;
  sketch::FirstContactFilter admission_;
  TimeNs latest_ = 0;
  TimeNs next_sweep_ = 0;
  std::vector<Finding> pending_;
};

Result<std::unique_ptr<Detector>> make_fan_in_detector(const DetectorOptions& options,
                                                       const DetectorLimits& limits);

}  // namespace mamori::detect
