// `mamori flows read|collect|stats|top`: the carrier engineer's view of flow data.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "mamori/cli/command.hpp"
#include "mamori/cli/flow_options.hpp"
#include "mamori/cli/live_summary.hpp"
#include "mamori/cli/stop_signal.hpp"
#include "mamori/core/output_file.hpp"
#include "mamori/flow/collect/udp_collector.hpp"
#include "mamori/flow/flow_fields.hpp"
#include "mamori/flow/output/text_writers.hpp"
#include "mamori/flow/source/flow_input.hpp"

namespace mamori::cli {

namespace {

using namespace mamori::flow;

// ---------------------------------------------------------------- read

struct ReadOptions {
  std::vector<std::string> files;
  FlowInputOptions input;
  FlowOutputOptions output;
};

int run_read(const ReadOptions& o) {
  auto filter = o.output.compiled_filter();
  if (!filter) return report_error(filter.error().message, 2);
  auto source = FlowInputSet::open(o.files, o.input);
  if (!source) return report_error(source.error().message);
  auto writer = o.output.open();
  if (!writer) return report_error(writer.error().message);
  auto status = source->for_each_batch([&](std::span<const FlowRecord> flows) { return (*writer)->write(flows); },
                                       &*filter);
  auto finished = (*writer)->finish();
  source->report_anomalies(stderr);
  if (!status) return report_error(status.error().message);
  if (!finished) return report_error(finished.error().message);
  return 0;
}

// ---------------------------------------------------------------- stats

struct StatsOptions {
  std::vector<std::string> files;
  FlowInputOptions input;
  std::string filter;
  bool json = false;
};

struct Totals {
  std::uint64_t flows = 0, packets = 0, bytes = 0, v4 = 0, v6 = 0;
  TimeNs first = ~TimeNs{0}, last = 0;
  std::map<std::uint8_t, std::uint64_t> by_proto;
  void add(const FlowRecord& f) {
    ++flows;
    packets += f.packets;
    bytes += f.bytes;
    (f.is_v4() ? v4 : v6) += 1;
    first = std::min(first, f.start_ns);
    last = std::max(last, f.end_ns);
    ++by_proto[f.proto];
  }
};

int run_stats(const StatsOptions& o) {
  auto filter = Filter::compile(o.filter);
  if (!filter) return report_error(filter.error().message, 2);
  auto source = FlowInputSet::open(o.files, o.input);
  if (!source) return report_error(source.error().message);
  Totals t;
  auto status = source->for_each_batch(
      [&](std::span<const FlowRecord> flows) -> Status {
        for (const auto& f : flows) t.add(f);
        return {};
      },
      &*filter);
  const auto& decoder = source->decoder();
  AnomalyCounters anomalies = source->anomalies();
  std::string out;
  if (o.json) {
    out += fmt::format("{{\"flows\":{},\"packets\":{},\"bytes\":{},\"ipv4\":{},\"ipv6\":{}", t.flows, t.packets,
                       t.bytes, t.v4, t.v6);
    if (t.flows != 0) {
      out += fmt::format(",\"first\":\"{}\",\"last\":\"{}\"", format_rfc3339(t.first), format_rfc3339(t.last));
    }
    out += ",\"protocols\":{";
    bool first = true;
    for (auto [p, n] : t.by_proto) {
      out += fmt::format("{}\"{}\":{}", first ? "" : ",", p, n);
      first = false;
    }
    out += "},\"exporters\":[";
    first = true;
    for (const auto& e : decoder.exporters()) {
      out += fmt::format("{}{{\"exporter\":\"{}\",\"domain\":{},\"version\":\"{}\",\"datagrams\":{},\"flows\":{}}}",
                         first ? "" : ",", e.exporter.to_string(), e.domain, export_version_name(e.version), e.datagrams,
                         e.flows);
      first = false;
    }
    out += "],\"templates\":[";
    first = true;
    for (const auto& tm : decoder.templates()) {
      out += fmt::format(
          "{}{{\"exporter\":\"{}\",\"domain\":{},\"version\":\"{}\",\"id\":{},\"options\":{},\"fields\":{},"
          "\"record_length\":{},\"fixed_length\":{}}}",
          first ? "" : ",", tm.exporter.to_string(), tm.domain, export_version_name(tm.version), tm.template_id,
          tm.is_options, tm.field_count, tm.record_length, tm.fixed_length);
      first = false;
    }
    out += "],\"anomalies\":{";
    first = true;
    anomalies.for_each_nonzero([&](Anomaly a, std::uint64_t n) {
      out += fmt::format("{}\"{}\":{}", first ? "" : ",", anomaly_name(a), n);
      first = false;
    });
    out += "}}\n";
  } else {
    out += fmt::format("flows      {}\npackets    {}\nbytes      {}\nipv4/ipv6  {}/{}\n", t.flows, t.packets, t.bytes,
                       t.v4, t.v6);
    if (t.flows != 0) {
      out += fmt::format("first      {}\nlast       {}\nspan       {:.3f} s\n", format_rfc3339(t.first),
                         format_rfc3339(t.last), static_cast<double>(t.last - t.first) / 1e9);
    }
    out += "protocols ";
    for (auto [p, n] : t.by_proto) out += fmt::format(" {}:{}", p, n);
    out += "\n";
    const auto exporters = decoder.exporters();
    out += fmt::format("exporters  {}\n", exporters.size());
    for (const auto& e : exporters) {
      out += fmt::format("  {} domain {} {}: {} datagrams, {} flows, sampling 1:{}\n", e.exporter.to_string(),
                         e.domain, export_version_name(e.version), e.datagrams, e.flows, e.default_sampling_rate);
    }
    const auto templates = decoder.templates();
    out += fmt::format("templates  {}\n", templates.size());
    for (const auto& tm : templates) {
      out += fmt::format("  {} domain {} {} id {}{}: {} fields, {} bytes{}\n", tm.exporter.to_string(), tm.domain,
                         export_version_name(tm.version), tm.template_id, tm.is_options ? " (options)" : "",
                         tm.field_count, tm.record_length, tm.fixed_length ? "" : "+ (variable)");
    }
    out += fmt::format("anomalies  {}\n", anomalies.total());
    anomalies.for_each_nonzero([&](Anomaly a, std::uint64_t n) {
      out += fmt::format("  {:<28} {:>10}  {}\n", anomaly_name(a), n, anomaly_description(a));
    });
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (!status) return report_error(status.error().message);
  return 0;
}

// ---------------------------------------------------------------- collect

struct CollectOptions {
  std::vector<std::string> listen;
  FlowOutputOptions output;
  std::uint64_t count = 0;
  double seconds = 0;
  bool summary = false;
  double summary_interval = 1.0;
  std::string port_file;
};

int run_collect(const CollectOptions& o) {
  std::vector<ListenAddress> addresses;
  for (const auto& text : o.listen) {
    auto a = parse_listen_address(text);
    if (!a) return report_error(a.error().message, 2);
    addresses.push_back(*a);
  }
  auto collector = UdpCollector::open(addresses);
  if (!collector) return report_error(collector.error().message);
  if (!o.port_file.empty()) {
    if (auto s = write_port_file(o.port_file, *collector); !s) return report_error(s.error().message);
  }
  for (const auto& b : collector->bound()) std::fprintf(stderr, "mamori: listening on %s\n", b.to_string().c_str());

  std::unique_ptr<FlowWriter> writer;
  // With a live summary on the terminal, records go to a file only when asked for.
  if (!o.summary || !o.output.path.empty()) {
    auto w = o.output.open();
    if (!w) return report_error(w.error().message);
    writer = std::move(*w);
  }
  const auto filter = o.output.compiled_filter();
  if (!filter) return report_error(filter.error().message, 2);

  install_stop_handlers();
  ExportDecoder decoder;
  LiveSummary live("mamori flows collect", o.summary_interval);
  std::vector<FlowRecord> batch, selected;
  std::uint64_t records = 0;
  const TimeNs started = now_ns();
  const TimeNs deadline = o.seconds > 0 ? started + static_cast<TimeNs>(o.seconds * 1e9) : 0;
  Status status;
  // Filters, caps at --count, and writes one polled batch.
  auto deliver = [&]() -> Status {
    std::span<const FlowRecord> flows = batch;
    if (!filter->matches_everything()) {
      selected.clear();
      for (const auto& f : batch)
        if (filter->matches(f)) selected.push_back(f);
      flows = selected;
    }
    if (o.count != 0 && records + flows.size() > o.count) flows = flows.first(o.count - records);
    records += flows.size();
    if (o.summary) live.add(flows);
    Status written;
    if (writer && !flows.empty()) written = writer->write(flows);
    batch.clear();
    return written;
  };
  while (!stop_requested()) {
    const TimeNs now = now_ns();
    if (deadline != 0 && now >= deadline) break;
    if (o.count != 0 && records >= o.count) break;
    auto polled = collector->poll(decoder, batch, 100);
    if (!polled) {
      status = tl::unexpected(polled.error());
      break;
    }
    status = deliver();
    if (!status) break;
    if (o.summary) live.maybe_print(*collector, decoder, records);
  }
  // Whatever the kernel already queued was sent to us: take it before stopping.
  if (status && stop_requested()) {
    if (auto polled = collector->poll(decoder, batch, 0); polled) status = deliver();
  }
  decoder.finish();
  if (writer) {
    if (auto s = writer->finish(); !s && status) status = s;
  }
  const double elapsed = static_cast<double>(now_ns() - started) / 1e9;
  if (o.summary) live.maybe_print(*collector, decoder, records, /*final=*/true);
  const auto& cs = collector->stats();
  std::fprintf(stderr,
               "mamori: collected %llu records from %llu datagrams in %.1f s; kernel drops %llu; anomalies %llu%s%s\n",
               static_cast<unsigned long long>(records), static_cast<unsigned long long>(cs.datagrams), elapsed,
               static_cast<unsigned long long>(cs.kernel_drops),
               static_cast<unsigned long long>(decoder.anomalies().total()),
               decoder.anomalies().total() ? ": " : "", anomaly_summary(decoder.anomalies()).c_str());
  if (!status) return report_error(status.error().message);
  return 0;
}

}  // namespace

void register_flows_commands(CommandSet& commands) {
  CLI::App& flows =
      commands.group("flows", "Read, collect, filter and summarise NetFlow/IPFIX/sFlow exports and captures");

  {
    auto o = std::make_shared<ReadOptions>();
    CLI::App& cmd = commands.verb(flows, "read",
                                  "Decode flows from export captures (NetFlow v5/v9, IPFIX, sFlow), raw traffic "
                                  "captures (pcap/pcapng) or .mflow files",
                                  [o] { return run_read(*o); });
    cmd.add_option("FILE", o->files,
                   "Input files, read in order with shared template state (e.g. a template capture, then data)")
        ->required()
        ->check(CLI::ExistingFile);
    add_input_options(cmd, o->input);
    add_output_options(cmd, o->output);
  }
  {
    auto o = std::make_shared<StatsOptions>();
    CLI::App& cmd = commands.verb(flows, "stats",
                                  "Summarise inputs: counts, time span, exporters, templates, anomalies by reason",
                                  [o] { return run_stats(*o); });
    cmd.add_option("FILE", o->files, "Input files (any kind `flows read` accepts)")
        ->required()
        ->check(CLI::ExistingFile);
    add_input_options(cmd, o->input);
    add_filter_option(cmd, o->filter);
    cmd.add_flag("--json", o->json, "Print one JSON object instead of text");
  }
  {
    auto o = std::make_shared<CollectOptions>();
    CLI::App& cmd = commands.verb(flows, "collect",
                                  "Receive NetFlow v5/v9, IPFIX and sFlow v5 over UDP and write the flows",
                                  [o] { return run_collect(*o); });
    cmd.add_option("--listen", o->listen, "udp://HOST:PORT to receive on (repeatable; port 0 picks a free port)")
        ->required();
    add_output_options(cmd, o->output);
    cmd.add_option("--count", o->count, "Stop after this many records");
    cmd.add_option("--seconds", o->seconds, "Stop after this many seconds");
    cmd.add_flag("--summary", o->summary,
                 "Show a live summary on stderr (records/s, exporters, top talkers, anomalies); records are then "
                 "written only with -o");
    cmd.add_option("--summary-interval", o->summary_interval, "Seconds between summary updates")
        ->default_val(1.0);
    cmd.add_option("--port-file", o->port_file, "Write the bound port(s) to this file once listening");
  }
  register_flows_top_command(commands, flows);
}

}  // namespace mamori::cli
