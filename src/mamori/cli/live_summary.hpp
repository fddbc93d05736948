#pragma once
// The live view of a running collector or sensor on stderr: rates,
// exporters, top talkers, anomalies and, for a sensor, the selection.
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>

#include "mamori/flow/collect/udp_collector.hpp"
#include "mamori/flow/decode/export_decoder.hpp"
#include "mamori/select/selector.hpp"

namespace mamori::cli {

std::string anomaly_summary(const AnomalyCounters& counters);
std::string_view export_version_name(flow::ExportVersion v) noexcept;
std::string human_count(double v);

class LiveSummary {
 public:
  LiveSummary(std::string title, double interval_seconds);

  // Counts talkers (by source address and bytes) of the flows shown.
  void add(std::span<const flow::FlowRecord> flows);
  void set_selection(const select::SelectionCounts& counts, std::uint64_t batches) {
    selection_ = counts;
    batches_ = batches;
    have_selection_ = true;
  }
  // Prints when the interval has passed (or always when `final`).
  void maybe_print(const flow::UdpCollector& collector, const flow::ExportDecoder& decoder, std::uint64_t records,
                   bool final = false);

 private:
  std::string title_;
  TimeNs interval_;
  TimeNs started_;
  TimeNs last_;
  std::uint64_t records_at_last_ = 0;
  std::unordered_map<IpAddress, std::uint64_t, IpAddressHash> talkers_;
  select::SelectionCounts selection_;
  std::uint64_t batches_ = 0;
  bool have_selection_ = false;
};

}  // namespace mamori::cli
