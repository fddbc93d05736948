#include "mamori/cli/live_summary.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace mamori::cli {

std::string anomaly_summary(const AnomalyCounters& counters) {
  std::string text;
  counters.for_each_nonzero([&](Anomaly a, std::uint64_t n) {
    if (!text.empty()) text += ", ";
    text += fmt::format("{}={}", anomaly_name(a), n);
  });
  return text;
}

std::string_view export_version_name(flow::ExportVersion v) noexcept {
  switch (v) {
    case flow::ExportVersion::netflow5: return "netflow5";
    case flow::ExportVersion::netflow9: return "netflow9";
    case flow::ExportVersion::ipfix: return "ipfix";
    case flow::ExportVersion::sflow5: return "sflow5";
  }
  return "?";
}

std::string human_count(double v) {
  if (v >= 1e9) return fmt::format("{:.2f}G", v / 1e9);
  if (v >= 1e6) return fmt::format("{:.2f}M", v / 1e6);
  if (v >= 1e3) return fmt::format("{:.1f}k", v / 1e3);
  return fmt::format("{:.0f}", v);
}

LiveSummary::LiveSummary(std::string title, double interval_seconds)
    : title_(std::move(title)),
      interval_(static_cast<TimeNs>(interval_seconds * 1e9)),
      started_(now_ns()),
      last_(started_) {}

void LiveSummary::add(std::span<const flow::FlowRecord> flows) {
  for (const auto& f : flows) talkers_[f.src_addr] += f.bytes;
}

void LiveSummary::maybe_print(const flow::UdpCollector& collector, const flow::ExportDecoder& decoder,
                              std::uint64_t records, bool final) {
  const TimeNs now = now_ns();
  if (!final && now - last_ < interval_) return;
  const double elapsed = static_cast<double>(now - started_) / 1e9;
  const double window = static_cast<double>(now - last_) / 1e9;
  const double rate = window > 0 ? static_cast<double>(records - records_at_last_) / window : 0;
  last_ = now;
  records_at_last_ = records;

  std::string s;
  if (!final && isatty(fileno(stderr)) == 1) s += "\033[H\033[2J";
  const auto& cs = collector.stats();
  s += fmt::format("{}  {:.0f}s  records {} ({} rec/s now, {} rec/s avg){}\n", title_, elapsed, records,
                   human_count(rate), human_count(elapsed > 0 ? static_cast<double>(records) / elapsed : 0),
                   final ? "  [final]" : "");
  s += fmt::format("  datagrams {}  bytes {}  kernel drops {}  truncated {}  receive buffer {} KiB\n", cs.datagrams,
                   cs.bytes, cs.kernel_drops, cs.truncated, cs.receive_buffer_bytes / 1024);
  if (have_selection_) {
    const auto d = [&](select::DropReason r) { return selection_.dropped[static_cast<std::size_t>(r)]; };
    s += fmt::format(
        "  selection: {} in, {} kept (f->d {}, d->f {}, f->f {}), dropped {} domestic-domestic, {} direction, "
        "{} policy; {} ledger batches\n",
        selection_.in, selection_.kept, selection_.kept_by_direction[0], selection_.kept_by_direction[1],
        selection_.kept_by_direction[2], d(select::DropReason::domestic_to_domestic),
        d(select::DropReason::direction_not_allowed), d(select::DropReason::policy_not_valid), batches_);
  }
  const auto exporters = decoder.exporters();
  s += fmt::format("  exporters {}\n", exporters.size());
  for (std::size_t i = 0; i < exporters.size() && i < 8; ++i) {
    const auto& e = exporters[i];
    s += fmt::format("    {} domain {} {}: {} datagrams, {} flows\n", e.exporter.to_string(), e.domain,
                     export_version_name(e.version), e.datagrams, e.flows);
  }
  std::vector<std::pair<IpAddress, std::uint64_t>> top(talkers_.begin(), talkers_.end());
  const std::size_t n = std::min<std::size_t>(top.size(), 5);
  std::partial_sort(top.begin(), top.begin() + static_cast<std::ptrdiff_t>(n), top.end(),
                    [](const auto& a, const auto& b) { return a.second > b.second; });
  s += fmt::format("  top talkers by bytes{}:\n", have_selection_ ? " (selected flows)" : "");
  for (std::size_t i = 0; i < n; ++i) {
    s += fmt::format("    {:<40} {}B\n", top[i].first.to_string(), human_count(static_cast<double>(top[i].second)));
  }
  const std::string anomalies = anomaly_summary(decoder.anomalies());
  s += fmt::format("  anomalies: {}\n", anomalies.empty() ? "none" : anomalies);
  std::fwrite(s.data(), 1, s.size(), stderr);
  std::fflush(stderr);
}

}  // namespace mamori::cli
