#pragma once
// Beaconing (RITA-style): clients contacting a server at regular intervals
// with regular sizes over much of the observation window, as implants poll
// their C2 server. State per (client, server, server port, protocol); the
// server is the shard key, so one worker holds all of a server's pairs.
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "mamori/detect/beaconing/beacon_score.hpp"
#include "mamori/detect/detector.hpp"
#include "mamori/detect/sketch/bounded_table.hpp"
#include "mamori/detect/sketch/doubling_histogram.hpp"
#include "mamori/detect/sketch/hyperloglog.hpp"
#include "mamori/detect/sketch/pair_admission.hpp"
#include "mamori/detect/sketch/random.hpp"
#include "mamori/detect/sketch/reservoir.hpp"

namespace mamori::detect {

struct BeaconingOptions {
  TimeNs window = 24 * 3600 * kNsPerSecond;     // epoch after which pairs are scored and reset
  TimeNs check_interval = 3600 * kNsPerSecond;  // how often (flow time) pairs are scored within an epoch
  std::uint64_t min_connections = 6;
  double threshold = 70;         // report pairs scoring at least this
  double min_ts_score = 0.6;     // and at least this regular in time: beaconing is about timing
  bool by_port = true;           // pairs include the server port
  bool include_domestic = true;  // pairs whose ends are both domestic (unselected data)
  double rereport_delta = 10;    // report a server again in an epoch when its score rose this much
  double ntp_factor = 0.5;       // score factor for NTP-shaped exchanges on UDP/123
  double prevalence_max = 0.3;   // share of all clients above which a server counts as popular
  std::uint64_t prevalence_min_clients = 50;  // the share is meaningful only with this many clients
  double prevalence_factor = 0.5;             // score factor for popular servers
  // A C2 server's clients are its implants, nearly all of them beaconing; a
  // web service with hundreds of repeat clients has a few whose habits look
  // regular by chance. When a server has at least minority_min_clients
  // repeat clients and fewer than minority_share of them beacon, the score
  // is multiplied by minority_factor.
  std::uint64_t minority_min_clients = 10;
  double minority_share = 0.25;
  double minority_factor = 0.5;
  // Pairs get state from their second connection on: a one-probe Bloom
  // filter remembers first contacts, so the many pairs seen once cost a bit,
  // not an entry. Its capacity (first contacts per generation) defaults to
  // four times max_tracked.
  bool admission = true;
  std::uint64_t admission_capacity = 0;
  std::uint64_t seed = 1;
  BeaconScoreParams score;
};

class BeaconingDetector final : public Detector {
 public:
  static constexpr std::size_t kPending = 32;
  static constexpr std::size_t kSample = 32;
  static constexpr std::size_t kBuckets = 24;

  struct PairKey {
    IpAddress client;
    IpAddress server;
    std::uint16_t port = 0;
    std::uint8_t proto = 0;
    friend bool operator==(const PairKey&, const PairKey&) = default;
  };
  struct PairState {
    TimeNs first_seen = 0;
    TimeNs last_seen = 0;
    std::uint64_t bytes = 0;        // client -> server
    std::uint64_t reply_bytes = 0;  // server -> client
    std::uint64_t packets = 0;
    std::uint32_t connections = 0;
    std::uint32_t reported_connections = 0;  // connections when last reported
    std::uint32_t bridge_ms = UINT32_MAX;    // the latest contact already turned into intervals
    std::uint8_t pending_count = 0;
    bool dirty = false;
    bool ntp_shaped = true;
    std::uint8_t reported_score = 0;
    std::array<std::uint32_t, kPending> pending_ms{};  // contact times not yet turned into intervals
    std::array<std::uint32_t, 4> flushed_ms{};  // the latest contacts of the last flushed block (evidence)
    sketch::Reservoir<std::uint32_t, kSample> intervals_ms;
    sketch::Reservoir<std::uint32_t, kSample> sizes;
    sketch::DoublingHistogram<kBuckets> histogram;
  };
  using Table = sketch::BoundedTable<PairKey, PairState>;

  BeaconingDetector(BeaconingOptions options, DetectorLimits limits);

  std::string_view name() const noexcept override { return "beaconing"; }
  void observe(std::span<const FlowEvent> events) override;
  void emit(TimeNs now, bool final, std::vector<Finding>& out) override;
  std::size_t tracked() const noexcept override { return table_.size(); }
  std::size_t memory_bytes() const noexcept override;
  std::uint64_t evictions() const noexcept { return table_.evictions(); }
  std::uint64_t evicted() const noexcept override { return evictions(); }
  bool uses_pair_seen() const noexcept override { return options_.admission && admission_.uses_shared(); }

 private:
  // `h` is the pair key's hash, computed once per event by observe().
  void observe_one(const FlowEvent& e, std::uint64_t h);
  void start_epoch(TimeNs at);
  // Scores pairs (all, or only those changed since the last check) and appends findings.
  void score(TimeNs now, bool all, std::vector<Finding>& out);
  void flush_pending(PairState& s);
  std::uint64_t finest_units(TimeNs t) const noexcept;

  BeaconingOptions options_;
  Table table_;
  sketch::SplitMix64 rng_;
  sketch::HyperLogLog<12> clients_;  // every client of the epoch, for prevalence
  sketch::PairAdmission admission_;
  bool started_ = false;
  TimeNs anchor_ = 0;     // epoch start
  TimeNs finest_ns_ = 1;  // histogram unit at level 0
  TimeNs latest_ = 0;     // latest contact seen
  TimeNs next_check_ = 0;
  std::uint8_t level_ = 0;
  std::vector<Finding> pending_findings_;  // from epochs closed inside observe()
};

Result<std::unique_ptr<Detector>> make_beaconing_detector(const DetectorOptions& options,
                                                          const DetectorLimits& limits);

}  // namespace mamori::detect
