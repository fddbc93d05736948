#pragma once
// DDoS infrastructure, two patterns in one detector:
//
// Reflection/amplification: UDP services that answer a small spoofed request
// with a large response (DNS, NTP, chargen, SSDP, memcached, CLDAP, ...).
// Per reflector and service: responses against requests (bytes ratio),
// response rate and size, how concentrated the responses are on few
// victims, and — per victim — how many reflectors hit it (HyperLogLog).
//
// Controllers: many domestic hosts that start flooding one victim at about
// the same time, having contacted one common server shortly before. Per
// domestic client, the last few small contacts with foreign servers; per
// flooded victim, a sample of its flooding sources; at flood onset, the
// servers most of the sampled flooders contacted within the lead time (and
// few other clients did) are reported as controllers.
#include <array>
#include <bitset>
#include <cstdint>
#include <memory>
#include <vector>

#include "mamori/detect/detector.hpp"
#include "mamori/detect/sketch/bounded_table.hpp"
#include "mamori/detect/sketch/heavy_hitters.hpp"
#include "mamori/detect/sketch/hyperloglog.hpp"
#include "mamori/detect/sketch/random.hpp"

namespace mamori::detect {

struct DdosOptions {
  std::vector<std::uint16_t> ports = {53, 123, 19, 1900, 11211, 389, 161, 17, 111, 137, 1434, 3702, 5353, 5683, 10001, 3283, 37810};
  double min_ratio = 5;          // response/request bytes of a reflector
  double full_ratio = 50;        // ratio for a full amplification score
  double min_pps = 100;          // response packets per second from one reflector
  std::uint64_t min_packets = 1000;  // response packets before a reflector is scored
  std::uint64_t min_reflectors = 20;  // reflectors per victim for a full corroboration score
  double threshold = 60;
  double rereport_delta = 10;
  TimeNs idle_timeout = 600 * kNsPerSecond;
  // Controllers
  bool controllers = true;
  std::uint64_t flood_packets = 500;  // a flood flow: at least this many packets ...
  double flood_pps = 100;             // ... at this rate
  std::uint64_t min_bots = 10;        // distinct flooding sources per victim for an onset
  TimeNs lead = 600 * kNsPerSecond;   // how long before the onset a command contact may be
  std::uint64_t control_bytes = 4096;  // a command contact is at most this large
  double min_share = 0.5;  // share of sampled flooders that contacted the controller
  double max_background_share = 0.25;  // share of other clients that contacted it, at most ...
  double min_lift = 4;                 // ... and the flooders' share must be this many times it
  std::uint64_t seed = 1;
};

class DdosDetector final : public Detector {
 public:
  static constexpr std::size_t kContacts = 6;
  static constexpr std::size_t kSampledBots = 16;

  struct ReflectorKey {
    IpAddress reflector;
    std::uint16_t port = 0;
    friend bool operator==(const ReflectorKey&, const ReflectorKey&) = default;
  };
  struct ReflectorState {
    TimeNs first_seen = 0;
    TimeNs last_seen = 0;
    std::uint64_t request_bytes = 0;
    std::uint64_t response_bytes = 0;
    std::uint64_t request_packets = 0;
    std::uint64_t response_packets = 0;
    std::uint64_t next_check = 0;
    std::uint64_t reported_packets = 0;  // response packets when last reported
    std::uint64_t records = 0;
    std::uint8_t reported_score = 0;
    sketch::HyperLogLog<6> victims;
    sketch::HeavyHitters<IpAddress, 2> top_victims;  // weighted by KiB of responses
  };
  struct VictimState {  // a victim of reflected traffic
    TimeNs last_seen = 0;
    std::uint64_t bytes = 0;
    sketch::HyperLogLog<8> reflectors;
  };
  struct Contact {
    IpAddress server;
    TimeNs at = 0;
    std::uint16_t port = 0;
  };
  struct ClientState {  // a domestic client's last small contacts with foreign servers
    std::array<Contact, kContacts> contacts{};
    std::uint8_t next = 0;
    TimeNs last_seen = 0;
  };
  struct FloodState {  // a victim of floods from many sources
    TimeNs onset = 0;
    TimeNs last_seen = 0;
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
    std::uint64_t reply_packets = 0;  // from the victim back to anyone, in large records
    std::uint8_t bot_count = 0;
    bool correlated = false;
    std::array<IpAddress, kSampledBots> bots{};
    std::array<std::uint32_t, kSampledBots> bot_hashes{};
    sketch::HyperLogLog<6> sources;
  };

  DdosDetector(DdosOptions options, DetectorLimits limits);

  std::string_view name() const noexcept override { return "ddos"; }
  void observe(std::span<const FlowEvent> events) override;
  void emit(TimeNs now, bool final, std::vector<Finding>& out) override;
  std::size_t tracked() const noexcept override;
  std::size_t memory_bytes() const noexcept override;
  std::uint64_t evictions() const noexcept;
  std::uint64_t evicted() const noexcept override { return evictions(); }

 private:
  struct Hashes {  // computed once per event by observe(); 0 = not concerned
    std::uint64_t reflector = 0;
    std::uint64_t client = 0;
    bool response = false;  // the record runs reflector -> victim
  };
  void observe_reflection(const FlowEvent& e, const Hashes& h);
  void observe_contact(const FlowEvent& e, std::uint64_t client_hash);
  void observe_flood(const FlowEvent& e);
  // At the end of input (`final`) a reflector whose evidence grew is reported again with it.
  void check_reflector(const ReflectorKey& key, ReflectorState& s, std::vector<Finding>& out, bool final = false);
  void correlate(const IpAddress& victim, FloodState& v, std::vector<Finding>& out);

  DdosOptions options_;
  std::bitset<65536> amplifier_ports_;
  sketch::BoundedTable<ReflectorKey, ReflectorState> reflectors_;
  sketch::BoundedTable<IpAddress, VictimState> victims_;
  sketch::BoundedTable<IpAddress, ClientState> clients_;
  sketch::BoundedTable<IpAddress, FloodState> floods_;
  sketch::SplitMix64 rng_;
  TimeNs latest_ = 0;
  TimeNs next_sweep_ = 0;
  std::vector<Finding> pending_;
};

Result<std::unique_ptr<Detector>> make_ddos_detector(const DetectorOptions& options, const DetectorLimits& limits);

}  // namespace mamori::detect
