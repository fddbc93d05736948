#pragma once
// Builds oriented flow events for detector tests: records as an exporter
// would send them (one per direction, cumulative TCP flags), with the
// locality a selecting sensor would have set.
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <span>
#include <string_view>
#include <vector>

#include "mamori/detect/detector.hpp"
#include "mamori/detect/flow_event.hpp"
#include "mamori/flow/flow_record.hpp"

namespace mamori::detect::testing {

inline DetectorOptions options_of(std::map<std::string, std::string> values) { return DetectorOptions(std::move(values)); }

inline IpAddress ip(std::string_view text) { return *IpAddress::parse(text); }
inline IpAddress v4(std::uint32_t value) { return IpAddress::v4(value); }
inline TimeNs seconds(double s) { return static_cast<TimeNs>(s * 1e9); }

// 2024-02-13T00:00:00Z: a fixed origin so tests read in seconds.
inline constexpr TimeNs kT0 = 1'707'782'400ULL * kNsPerSecond;

struct FlowSpec {
  IpAddress src, dst;
  std::uint16_t sport = 0, dport = 0;
  std::uint8_t proto = flow::kProtoTcp;
  TimeNs start = 0;
  TimeNs duration = 0;
  std::uint64_t packets = 1, bytes = 60;
  std::uint8_t flags = 0;
  flow::Locality locality = flow::Locality::unknown;
};

class FlowFeed {
 public:
  // A record; the locality says which ends are domestic.
  void add(const FlowSpec& s) {
    flow::FlowRecord r;
    r.src_addr = s.src;
    r.dst_addr = s.dst;
    r.src_port = s.sport;
    r.dst_port = s.dport;
    r.proto = s.proto;
    r.start_ns = s.start;
    r.end_ns = s.start + s.duration;
    r.packets = r.raw_packets = s.packets;
    r.bytes = r.raw_bytes = s.bytes;
    r.tcp_flags = s.flags;
    r.locality = s.locality;
    records_.push_back(r);
  }
  // A completed TCP connection from a domestic client to a foreign server: both directions.
  void tcp_session(IpAddress client, std::uint16_t cport, IpAddress server, std::uint16_t sport, TimeNs start,
                   TimeNs duration, std::uint64_t up_bytes, std::uint64_t down_bytes,
                   flow::Locality up = flow::Locality::domestic_to_foreign) {
    add({client, server, cport, sport, flow::kProtoTcp, start, duration, std::max<std::uint64_t>(3, up_bytes / 500),
         up_bytes, 0x1b, up});
    add({server, client, sport, cport, flow::kProtoTcp, start, duration, std::max<std::uint64_t>(2, down_bytes / 1200),
         down_bytes, 0x1b, reverse(up)});
  }
  static flow::Locality reverse(flow::Locality l) {
    switch (l) {
      case flow::Locality::domestic_to_foreign: return flow::Locality::foreign_to_domestic;
      case flow::Locality::foreign_to_domestic: return flow::Locality::domestic_to_foreign;
      default: return l;
    }
  }
  // Orients everything added so far (in order) and feeds it in batches.
  void feed(Detector& d, std::size_t batch = 256, const LocalityClassifier* classifier = nullptr) {
    std::vector<FlowEvent> events;
    for (std::size_t i = fed_; i < records_.size(); ++i) {
      events.push_back(orient(records_[i], classifier));
      if (events.size() == batch) {
        d.observe(events);
        events.clear();
      }
    }
    if (!events.empty()) d.observe(events);
    fed_ = records_.size();
  }
  std::size_t size() const { return records_.size(); }
  std::deque<flow::FlowRecord>& records() { return records_; }

 private:
  std::deque<flow::FlowRecord> records_;
  std::size_t fed_ = 0;
};

inline std::vector<Finding> final_findings(Detector& d, TimeNs now) {
  std::vector<Finding> out;
  d.emit(now, true, out);
  return out;
}

inline const Finding* find_endpoint(const std::vector<Finding>& findings, const IpAddress& endpoint) {
  for (const auto& f : findings)
    if (f.endpoint == endpoint) return &f;
  return nullptr;
}

inline double metric(const Finding& f, std::string_view name) {
  for (const auto& [k, v] : f.metrics)
    if (k == name) return v;
  return -1;
}

}  // namespace mamori::detect::testing
