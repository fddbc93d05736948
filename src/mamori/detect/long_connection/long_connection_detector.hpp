#pragma once
// Long-lived, low-volume connections: a (initiator, responder, responder
// port, protocol) pair in contact for a long time while moving little data,
// as interactive C2 sessions, reverse shells and implants holding a channel
// open do. Duration is the union of the pair's flow spans: records of one
// session cut by an exporter's active timeout are joined across a gap of up
// to `split_gap` when they keep the same client port (same session), others
// only across `gap`. Score grows with duration and with how constant the
// throughput of the records is.
//
// State is one entry per pair, within max_tracked; pairs live in the worker
// of their foreign endpoint (the flow's shard key), and findings name it.
//
// Most records cannot be part of a long connection, and giving each pair an
// entry made this detector the engine's largest state (one entry per pair
// seen). So a record opens an entry only if it could be a piece of a long
// session: it lasts a session piece (sketch::kSessionPieceNs) or is TCP
// still open at export (flags without FIN or RST). A closed, short TCP
// session (a page load) only updates an entry its pair already has (the
// last piece of a long session ends with FIN). Records without flags (UDP,
// exporters that omit flags) open one from the pair's second record on (a
// first-contact filter): a keepalive channel that an exporter's idle
// timeout cuts into one-packet records is then followed from its second
// record, its duration short of the truth by at most one record and gap.
#include "mamori/detect/detector.hpp"
#include "mamori/detect/sketch/bounded_table.hpp"
#include "mamori/detect/sketch/pair_admission.hpp"
#include "mamori/detect/sketch/random.hpp"

namespace mamori::detect {

struct LongConnectionOptions {
  TimeNs min_duration = 3600 * kNsPerSecond;
  double max_bytes_per_second = 1000;     // mean over the whole duration
  TimeNs gap = 5 * kNsPerSecond;          // bridged between any two records of the pair
  TimeNs split_gap = 300 * kNsPerSecond;  // bridged between records with the same client port
  std::uint64_t min_flows = 1;
  // First contacts of flagless pairs remembered per generation of an own
  // filter (0: the engine's shared pair filter; four times max_tracked outside the engine).
  std::uint64_t admission_capacity = 0;
  std::uint64_t seed = 1;  // eviction sampling

  static Result<LongConnectionOptions> from(const DetectorOptions& options);
};

class LongConnectionDetector final : public Detector {
 public:
  LongConnectionDetector(const LongConnectionOptions& options, const DetectorLimits& limits);

  std::string_view name() const noexcept override { return "long_connection"; }
  void observe(std::span<const FlowEvent> events) override;
  void emit(TimeNs now, bool final, std::vector<Finding>& out) override;
  std::size_t tracked() const noexcept override { return pairs_.size(); }
  std::size_t memory_bytes() const noexcept override {
    return pairs_.memory_bytes() + admission_.memory_bytes();
  }
  std::uint64_t evicted() const noexcept override { return pairs_.evictions(); }
  bool uses_pair_seen() const noexcept override { return admission_.uses_shared(); }

  struct PairKey {
    IpAddress initiator, responder;
    std::uint16_t port = 0;
    std::uint8_t proto = 0;
    bool responder_foreign = true;  // which end the finding names
    friend bool operator==(const PairKey& a, const PairKey& b) noexcept {
      return a.initiator == b.initiator && a.responder == b.responder && a.port == b.port &&
             a.proto == b.proto;
    }
  };
  struct PairState {
    TimeNs first = 0, last = 0;         // earliest start, latest end
    TimeNs run_start = 0, run_end = 0;  // the current joined span
    TimeNs covered = 0;                 // closed spans, summed
    std::uint64_t flows = 0, packets = 0, bytes = 0;
    double rate_mean = 0, rate_m2 = 0;  // Welford over per-record bytes/s
    std::uint64_t rated = 0;
    std::uint16_t client_port = 0;
    bool dirty = false;

    TimeNs duration() const noexcept { return covered + (run_end - run_start); }
  };

 private:
  // How a record may touch the pair table (see the header comment).
  enum class Admission : std::uint8_t { none, update_only, second_record, open };
  static Admission admission_of(const FlowEvent& e) noexcept;
  // `hash` is the event's pair_hash (FlowEvent), the key's hash.
  void observe_one(const FlowEvent& e, std::size_t hash, Admission admission);

  LongConnectionOptions options_;
  // Tagged open addressing: the closing pieces of sessions never tracked
  // (most records) are turned away by an index slot, without reading an entry.
  sketch::BoundedTable<PairKey, PairState> pairs_;
  sketch::SplitMix64 rng_;
  sketch::PairAdmission admission_;
};

}  // namespace mamori::detect
