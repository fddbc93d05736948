#pragma once
// New and rare servers: a foreign server nobody contacted while the detector
// learned the network's usual destinations, that only one or two domestic
// clients contact, and that they keep contacting. An implant calling home is
// exactly that; a one-off visit to an unfamiliar site is not, and a new
// server many clients adopt (a new CDN node) is popular, not rare. A triage
// signal for analysts: real networks have many such servers (a user's own
// VPS, a niche game server), so it is off by default.
//
// State per server address (ports are evidence, not key: an implant may
// rotate ports, and "server" is what an analyst blocks). Servers seen while
// learning, and servers that turned out popular, are remembered in a
// rotating Bloom filter; only the others get an entry.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mamori/detect/detector.hpp"
#include "mamori/detect/sketch/bounded_table.hpp"
#include "mamori/detect/sketch/first_contact_filter.hpp"
#include "mamori/detect/sketch/random.hpp"

namespace mamori::detect {

struct RareServerOptions {
  // Flow time from the first event during which every server contacted is
  // learned as known. Too short and the usual destinations that are
  // contacted less often than this look new.
  TimeNs learn = 3600 * kNsPerSecond;
  std::uint64_t max_clients = 2;             // more distinct clients than this: popular, not rare
  std::uint64_t min_connections = 5;         // connections before a server is reported
  TimeNs min_span = 10 * 60 * kNsPerSecond;  // first to last connection, before it is reported
  TimeNs idle_timeout = 24 * 3600 * kNsPerSecond;
  // Implants call home abroad; the carrier's own services are left out where
  // foreignness is known, as fan_in does.
  bool include_domestic = false;
  std::uint64_t known_capacity = 0;  // known servers per filter generation (0: four times max_tracked)
  std::uint64_t seed = 1;
};

class RareServerDetector final : public Detector {
 public:
  // Clients are counted exactly (a rare server has a handful): max_clients
  // hashes are kept, and one more client makes the server popular.
  static constexpr std::size_t kClientSlots = 16;
  static constexpr std::uint64_t kMaxClientsLimit = kClientSlots;
  static constexpr std::size_t kPorts = 8;
  static constexpr std::size_t kSamples = 4;

  struct ServerState {
    // The counters every update touches.
    TimeNs first_seen = 0;  // first connection
    TimeNs last_seen = 0;   // end of the latest record
    TimeNs last_connection = 0;
    std::uint64_t bytes = 0;
    std::uint32_t packets = 0;
    std::uint32_t connections = 0;
    std::uint32_t reported_connections = 0;  // 0: not reported yet
    std::uint32_t next_report = 0;           // connections at which a report is due again
    std::uint8_t clients = 0;
    std::uint8_t port_count = 0;
    std::uint8_t sample_count = 0;
    std::uint8_t proto = 0;
    bool more_ports = false;  // ports beyond the kPorts kept
    std::array<std::uint16_t, kPorts> ports{};
    std::array<std::uint32_t, kClientSlots> client_hashes{};
    std::array<IpAddress, kSamples> sample_clients{};
    std::array<TimeNs, kSamples> sample_times{};  // the first connections
  };
  using Table = sketch::BoundedTable<IpAddress, ServerState>;

  RareServerDetector(RareServerOptions options, DetectorLimits limits);

  std::string_view name() const noexcept override { return "rare_server"; }
  void observe(std::span<const FlowEvent> events) override;
  void emit(TimeNs now, bool final, std::vector<Finding>& out) override;
  std::size_t tracked() const noexcept override { return table_.size(); }
  std::size_t memory_bytes() const noexcept override;
  std::uint64_t evictions() const noexcept { return table_.evictions(); }
  std::uint64_t evicted() const noexcept override { return evictions(); }
  std::string status() const override;
  // Servers that outgrew max_clients since the start (dropped and remembered as known).
  std::uint64_t popular() const noexcept { return popular_; }

 private:
  void observe_one(const FlowEvent& e, std::uint64_t h);
  bool qualifies(const ServerState& s) const noexcept;
  void report(const IpAddress& server, ServerState& s, std::vector<Finding>& out);

  RareServerOptions options_;
  Table table_;
  sketch::SplitMix64 rng_;
  sketch::FirstContactFilter known_;
  bool started_ = false;
  TimeNs learn_until_ = 0;
  TimeNs latest_ = 0;
  TimeNs next_sweep_ = 0;
  std::uint64_t learned_ = 0;  // distinct servers learned (as far as the filter tells them apart)
  std::uint64_t popular_ = 0;
  std::vector<Finding> pending_;
};

Result<std::unique_ptr<Detector>> make_rare_server_detector(const DetectorOptions& options,
                                                            const DetectorLimits& limits);

}  // namespace mamori::detect
