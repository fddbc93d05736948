// `mamori simulate traffic`: realistic carrier traffic from the background
// model, optionally with labelled attacks and benign look-alikes planted in
// it, written as flow records, a raw packet capture, or NetFlow/IPFIX export
// datagrams (to a capture file or a live UDP collector), plus the labels
// file the evaluation harness scores detectors against.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <thread>

#include "mamori/cli/command.hpp"
#include "mamori/cli/progress_line.hpp"
#include "mamori/core/output_file.hpp"
#include "mamori/flow/capture/pcap_writer.hpp"
#include "mamori/flow/encode/export_sink.hpp"
#include "mamori/flow/encode/flow_encoder.hpp"
#include "mamori/flow/output/flow_writer.hpp"
#include "mamori/flow/simulate/attacks/catalog.hpp"
#include "mamori/flow/simulate/attacks/ground_truth.hpp"
#include "mamori/flow/simulate/attacks/scenario.hpp"
#include "mamori/flow/simulate/background_traffic.hpp"
#include "mamori/flow/simulate/packet_synthesizer.hpp"

namespace mamori::cli {

namespace {

using flow::FlowRecord;
using flow::sim::FlowBatch;
using flow::sim::kNever;

constexpr const char* kDefaultStart = "2025-06-02T11:00:00Z";  // a Monday, 20:00 in Japan

struct TrafficOptions {
  std::uint64_t seed = 1;
  std::uint32_t subscribers = 10'000;
  std::uint32_t servers = 2'000;
  std::string duration;
  double rate = 2'000.0;
  std::string start = kDefaultStart;
  std::uint64_t flows = 0;
  std::string out;
  std::string path;
  std::string to;
  std::size_t mtu = 1400;
  bool pace = false;
  double speed = 1.0;
  bool progress = false;
  double ipv6_share = 0.2;
  double diurnal = 0.6;
  std::string active_timeout = "300s";
  std::uint32_t max_packets = 64;
  std::uint32_t snaplen = 0;
  std::string link = "ethernet";
  std::uint32_t domain = 0;
  std::uint32_t template_refresh = 20;
  std::uint16_t collector_port = 0;
  std::string truth;
  std::string attacks;
  double intensity = 1.0;
  std::string labels;
  std::string scenario;
  // Options a scenario fixes: giving one with --scenario is an error.
  std::vector<CLI::Option*> fixed_by_scenario;
};

// Applies `--scenario NAME` to the options, refusing options it fixes.
Status apply_scenario(TrafficOptions& o) {
  if (o.scenario.empty()) return {};
  auto scenario = flow::sim::attacks::find_scenario(o.scenario);
  if (!scenario) return tl::unexpected(scenario.error());
  for (const CLI::Option* opt : o.fixed_by_scenario) {
    if (opt->count() > 0) {
      return fail(Errc::invalid_argument, "--scenario {} fixes {}; leave it out", o.scenario,
                  opt->get_name());
    }
  }
  o.start = std::string(scenario->start);
  o.duration = fmt::format("{}s", scenario->duration / kNsPerSecond);
  o.rate = scenario->flows_per_second;
  o.subscribers = scenario->subscribers;
  o.servers = scenario->servers;
  o.intensity = scenario->intensity;
  o.attacks.clear();
  for (auto kind : scenario->plants) {
    if (!o.attacks.empty()) o.attacks += ',';
    o.attacks += flow::sim::attacks::plant_name(kind);
  }
  return {};
}

Status write_labels(const std::string& path, const flow::sim::attacks::GroundTruth& truth) {
  auto file = OutputFile::open(path);
  if (!file) return tl::unexpected(file.error());
  if (!file->append(flow::sim::attacks::format_label_csv(truth.rows()))) {
    return fail(Errc::io_error, "{}: {}", path, file->error());
  }
  return file->close();
}

enum class OutKind { flows, capture, exports };

// Everything the run writes to, behind one interface so the loop is the same.
class Output {
 public:
  virtual ~Output() = default;
  virtual Status write(const std::vector<FlowRecord>& flows) = 0;
  virtual Status flush() { return {}; }  // push partial datagrams out (pacing)
  virtual Status finish() = 0;
  // "… → ipfix: 123 datagrams …": the output half of the summary line.
  virtual std::string summary() const = 0;
  // The flow as this output carries it (what a decoder of it should see),
  // or nothing when the output cannot carry it.
  virtual std::optional<FlowRecord> as_carried(const FlowRecord& f) const { return f; }
};

class FlowOutput final : public Output {
 public:
  FlowOutput(std::unique_ptr<flow::FlowWriter> writer, std::string name, std::string where)
      : writer_(std::move(writer)), name_(std::move(name)), where_(std::move(where)) {}
  Status write(const std::vector<FlowRecord>& flows) override { return writer_->write(flows); }
  Status finish() override { return writer_->finish(); }
  std::string summary() const override { return fmt::format("{} to {}", name_, where_); }

 private:
  std::unique_ptr<flow::FlowWriter> writer_;
  std::string name_;
  std::string where_;
};

class CaptureOutput final : public Output {
 public:
  CaptureOutput(std::unique_ptr<flow::PcapWriter> writer, const flow::sim::CaptureOptions& options,
                std::string where)
      : writer_(std::move(writer)), options_(options), synth_(options, *writer_), where_(std::move(where)) {}
  Status write(const std::vector<FlowRecord>& flows) override {
    for (const auto& f : flows) {
      if (auto ok = synth_.add(f); !ok) return ok;
    }
    return {};
  }
  Status finish() override {
    if (auto ok = synth_.finish(); !ok) return ok;
    return writer_->close();
  }
  std::string summary() const override {
    return fmt::format("pcap: {} packets ({} flows thinned to {} packets), {} bytes to {}", synth_.packets(),
                       synth_.thinned_flows(), options_.max_packets_per_flow, writer_->file_bytes(), where_);
  }
  std::optional<FlowRecord> as_carried(const FlowRecord& f) const override {
    return flow::sim::fit_to_capture(f, options_);
  }

 private:
  std::unique_ptr<flow::PcapWriter> writer_;
  flow::sim::CaptureOptions options_;
  flow::sim::PacketSynthesizer synth_;
  std::string where_;
};

class ExportOutput final : public Output {
 public:
  ExportOutput(flow::ExportFormat format, std::unique_ptr<flow::ExportSink> sink, flow::UdpExportSink* udp,
               std::string where)
      : format_(format), sink_(std::move(sink)), udp_(udp), where_(std::move(where)) {}
  Status open(const flow::EncoderOptions& options) {
    auto encoder = flow::make_flow_encoder(format_, options, *sink_);
    if (!encoder) return tl::unexpected(encoder.error());
    encoder_ = std::move(*encoder);
    return {};
  }
  Status write(const std::vector<FlowRecord>& flows) override { return encoder_->add(flows); }
  Status flush() override { return encoder_->flush(); }
  Status finish() override {
    if (auto ok = encoder_->flush(); !ok) return ok;
    return sink_->finish();
  }
  std::string summary() const override {
    const auto& s = encoder_->stats();
    std::string text = fmt::format("{}: {} datagrams, {} records ({} bytes)",
                                   flow::export_format_name(format_), s.datagrams, s.data_records, s.bytes);
    if (s.skipped != 0) text += fmt::format(", {} IPv6 flows skipped", s.skipped);
    if (s.clamped != 0) text += fmt::format(", {} clamped", s.clamped);
    if (udp_ != nullptr) {
      text += fmt::format(" sent to {} ({} sent", where_, udp_->sent());
      if (udp_->failed() != 0) text += fmt::format(", {} failed: {}", udp_->failed(), udp_->last_error());
      text += ")";
    } else {
      text += fmt::format(" to {}", where_);
    }
    return text;
  }
  std::optional<FlowRecord> as_carried(const FlowRecord& f) const override {
    if (format_ != flow::ExportFormat::netflow5) return f;
    if (!f.src_addr.is_v4() || !f.dst_addr.is_v4()) return std::nullopt;
    FlowRecord g = f;
    g.packets = g.raw_packets = std::min<std::uint64_t>(f.packets, 0xffffffffULL);
    g.bytes = g.raw_bytes = std::min<std::uint64_t>(f.bytes, 0xffffffffULL);
    return g;
  }

 private:
  flow::ExportFormat format_;
  std::unique_ptr<flow::ExportSink> sink_;
  flow::UdpExportSink* udp_;
  std::string where_;
  std::unique_ptr<flow::FlowEncoder> encoder_;
};

Result<std::unique_ptr<Output>> open_output(const TrafficOptions& o) {
  const bool to_udp = !o.to.empty();
  if (auto format = flow::parse_flow_format(o.out); format) {
    if (to_udp)
      return fail(Errc::invalid_argument,
                  "--to sends export datagrams; use it with --out ipfix|netflow9|netflow5");
    const std::string path = o.path.empty() ? "-" : o.path;
    auto writer = flow::open_flow_writer(*format, path);
    if (!writer) return tl::unexpected(writer.error());
    return std::unique_ptr<Output>(
        std::make_unique<FlowOutput>(std::move(*writer), o.out, path == "-" ? "standard output" : path));
  }
  if (o.out == "pcap") {
    if (to_udp) return fail(Errc::invalid_argument, "--to is for export formats; pcap needs -o FILE");
    if (o.path.empty()) return fail(Errc::invalid_argument, "--out pcap needs -o FILE");
    flow::LinkType link;
    if (o.link == "ethernet") {
      link = flow::LinkType::ethernet;
    } else if (o.link == "raw") {
      link = flow::LinkType::raw_ip;
    } else {
      return fail(Errc::invalid_argument, "--link must be ethernet or raw, got '{}'", o.link);
    }
    auto writer = flow::PcapWriter::open(o.path, link, o.snaplen);
    if (!writer) return tl::unexpected(writer.error());
    flow::sim::CaptureOptions capture;
    capture.max_packets_per_flow = o.max_packets;
    return std::unique_ptr<Output>(std::make_unique<CaptureOutput>(std::move(*writer), capture, o.path));
  }
  auto format = flow::parse_export_format(o.out);
  if (!format) {
    return fail(Errc::invalid_argument,
                "unknown --out '{}' (use pcap, ipfix, netflow9, netflow5, mflow, csv or jsonl)", o.out);
  }
  flow::EncoderOptions encoder;
  encoder.max_datagram = o.mtu;
  encoder.observation_domain = o.domain;
  encoder.template_refresh_packets = o.template_refresh;
  std::unique_ptr<Output> output;
  if (to_udp) {
    if (!o.path.empty())
      return fail(Errc::invalid_argument, "use either -o FILE or --to udp://HOST:PORT, not both");
    auto target = flow::parse_udp_target(o.to);
    if (!target) return tl::unexpected(target.error());
    auto sink = flow::UdpExportSink::open(target->host, target->port);
    if (!sink) return tl::unexpected(sink.error());
    flow::UdpExportSink* udp = sink->get();
    if (!o.pace) udp->set_throttle(32, 100);  // a gentle yield between bursts
    auto out = std::make_unique<ExportOutput>(*format, std::move(*sink), udp, o.to);
    if (auto ok = out->open(encoder); !ok) return tl::unexpected(ok.error());
    output = std::move(out);
  } else {
    if (o.path.empty()) {
      return fail(Errc::invalid_argument,
                  "--out {} needs -o FILE (a pcap of export datagrams) or --to udp://HOST:PORT", o.out);
    }
    flow::PcapExportSink::Endpoints endpoints;
    endpoints.collector_port =
        o.collector_port != 0 ? o.collector_port : flow::default_collector_port(*format);
    auto sink = flow::PcapExportSink::open(o.path, endpoints);
    if (!sink) return tl::unexpected(sink.error());
    auto out = std::make_unique<ExportOutput>(*format, std::move(*sink), nullptr, o.path);
    if (auto ok = out->open(encoder); !ok) return tl::unexpected(ok.error());
    output = std::move(out);
  }
  return output;
}

std::string human_bytes(double bytes) {
  static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  int unit = 0;
  while (bytes >= 1000.0 && unit < 5) {
    bytes /= 1000.0;
    ++unit;
  }
  return unit == 0 ? fmt::format("{:.0f} {}", bytes, kUnits[unit])
                   : fmt::format("{:.1f} {}", bytes, kUnits[unit]);
}

int run_traffic(TrafficOptions& o) {
  if (auto ok = apply_scenario(o); !ok) return report_error(ok.error().message, 2);
  if (!(o.intensity > 0.0 && o.intensity <= 100.0))
    return report_error("--attack-intensity must be in (0, 100]", 2);
  std::vector<flow::sim::attacks::PlantKind> plants;
  if (!o.attacks.empty()) {
    auto parsed = flow::sim::attacks::parse_plant_list(o.attacks);
    if (!parsed) return report_error(fmt::format("--attacks: {}", parsed.error().message), 2);
    plants = std::move(*parsed);
  }
  if (o.labels == "-" && flow::parse_flow_format(o.out) && (o.path.empty() || o.path == "-")) {
    return report_error("--labels - and the flows would share standard output; give one of them a file", 2);
  }
  auto start = parse_rfc3339(o.start);
  if (!start) return report_error(fmt::format("--start: {}", start.error().message), 2);
  std::string duration_text = o.duration;
  if (duration_text.empty() && o.flows == 0) duration_text = "1m";
  TimeNs duration = kNever;
  if (!duration_text.empty()) {
    auto d = parse_duration(duration_text);
    if (!d) return report_error(fmt::format("--duration: {}", d.error().message), 2);
    if (*d == 0) return report_error("--duration must be positive", 2);
    duration = *d;
  }
  auto timeout = parse_duration(o.active_timeout);
  if (!timeout) return report_error(fmt::format("--active-timeout: {}", timeout.error().message), 2);
  if (o.pace && o.to.empty()) return report_error("--pace only applies with --to udp://HOST:PORT", 2);
  if (!(o.speed > 0.0)) return report_error("--speed must be positive", 2);

  flow::sim::BackgroundConfig config;
  config.seed = o.seed;
  config.subscribers = o.subscribers;
  config.servers = o.servers;
  config.flows_per_second = o.rate;
  config.start_ns = *start;
  config.ipv6_share = o.ipv6_share;
  config.diurnal.amplitude = o.diurnal;
  config.active_timeout_ns = *timeout;
  config.observation_domain = o.domain;
  auto model = flow::sim::BackgroundTraffic::create(config);
  if (!model) return report_error(model.error().message, 2);

  auto output = open_output(o);
  if (!output)
    return report_error(output.error().message, output.error().code == Errc::invalid_argument ? 2 : 1);
  std::unique_ptr<flow::FlowWriter> truth;
  if (!o.truth.empty()) {
    auto w = flow::open_flow_writer(flow::FlowFormat::csv, o.truth);
    if (!w) return report_error(w.error().message);
    truth = std::move(*w);
  }

  flow::sim::MixLimits limits;
  limits.start_ns = *start;
  limits.end_ns = duration == kNever || *start + duration < *start ? kNever : *start + duration;
  if (o.flows != 0) limits.max_flows = o.flows;
  flow::sim::TrafficMix mix(limits);
  flow::sim::attacks::GroundTruth ground_truth;
  if (!plants.empty()) {
    // Campaigns are placed within the run; an open-ended run places them in its first hour.
    const TimeNs horizon = duration == kNever ? 3600 * kNsPerSecond : duration;
    flow::sim::attacks::AttackEnvironment env(**model, config, horizon, o.intensity);
    auto planting = flow::sim::attacks::plant(plants, env);
    if (!planting) return report_error(planting.error().message, 2);
    for (const auto& instance : planting->instances) {
      if (auto ok = ground_truth.declare(instance); !ok) return report_error(ok.error().message);
    }
    mix.add(std::move(*model));
    for (auto& source : planting->sources) mix.add(std::move(source));
  } else {
    mix.add(std::move(*model));
  }
  std::vector<FlowRecord> planted_flows;
  std::vector<flow::sim::FlowLabel> planted_labels;

  using Clock = std::chrono::steady_clock;
  const auto began = Clock::now();
  auto last_flush = began;
  ProgressLine progress(o.progress);
  FlowBatch batch;
  std::vector<FlowRecord> carried;
  std::uint64_t flows = 0, v6 = 0, packets = 0, bytes = 0;
  while (mix.next(batch)) {
    if (o.pace) {
      // Release each flow when the simulated clock, scaled by --speed, reaches its start.
      std::size_t done = 0;
      for (std::size_t i = 0; i < batch.flows.size(); ++i) {
        const double offset_s = static_cast<double>(batch.flows[i].start_ns - *start) / 1e9 / o.speed;
        const auto due =
            began + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(offset_s));
        if (due > Clock::now() + std::chrono::milliseconds(1)) {
          std::vector<FlowRecord> part(batch.flows.begin() + static_cast<std::ptrdiff_t>(done),
                                       batch.flows.begin() + static_cast<std::ptrdiff_t>(i));
          if (auto ok = (*output)->write(part); !ok) return report_error(ok.error().message);
          done = i;
          // Exporters flush at least every second; so do we while waiting.
          if (Clock::now() - last_flush > std::chrono::seconds(1)) {
            if (auto ok = (*output)->flush(); !ok) return report_error(ok.error().message);
            last_flush = Clock::now();
          }
          std::this_thread::sleep_until(due);
        }
      }
      std::vector<FlowRecord> rest(batch.flows.begin() + static_cast<std::ptrdiff_t>(done),
                                   batch.flows.end());
      if (auto ok = (*output)->write(rest); !ok) return report_error(ok.error().message);
    } else {
      if (auto ok = (*output)->write(batch.flows); !ok) return report_error(ok.error().message);
    }
    for (const auto& f : batch.flows) {
      v6 += f.is_v4() ? 0 : 1;
      packets += f.packets;
      bytes += f.bytes;
    }
    if (!plants.empty()) {
      // The labels describe what the output carries (netflow5 has no IPv6).
      planted_flows.clear();
      planted_labels.clear();
      for (std::size_t i = 0; i < batch.size(); ++i) {
        if (batch.labels[i] == flow::sim::kBackgroundLabel) continue;
        if (auto c = (*output)->as_carried(batch.flows[i])) {
          planted_flows.push_back(*c);
          planted_labels.push_back(batch.labels[i]);
        }
      }
      ground_truth.observe(planted_flows, planted_labels);
    }
    flows += batch.flows.size();
    if (truth) {
      carried.clear();
      for (const auto& f : batch.flows) {
        if (auto c = (*output)->as_carried(f)) carried.push_back(*c);
      }
      if (auto ok = truth->write(carried); !ok) return report_error(ok.error().message);
    }
    progress.maybe_print([&] { return progress.flows_text(flows, batch.flows.back().start_ns); });
  }
  if (auto ok = (*output)->finish(); !ok) return report_error(ok.error().message);
  if (truth) {
    if (auto ok = truth->finish(); !ok) return report_error(ok.error().message);
  }
  if (!o.labels.empty()) {
    if (auto ok = write_labels(o.labels, ground_truth); !ok) return report_error(ok.error().message);
  }
  std::string planted_note;
  if (!plants.empty()) {
    planted_note = fmt::format(", {} planted flows ({} labelled endpoints)", ground_truth.planted_flows(),
                               ground_truth.rows().size());
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - began).count();
  progress.finish();
  std::fprintf(stderr,
               "mamori: simulated %llu flows (%.1f%% IPv6, %llu packets, %s of traffic%s) -> %s in %.2f s "
               "(%.0f flows/s)\n",
               static_cast<unsigned long long>(flows),
               flows ? 100.0 * static_cast<double>(v6) / static_cast<double>(flows) : 0.0,
               static_cast<unsigned long long>(packets), human_bytes(static_cast<double>(bytes)).c_str(),
               planted_note.c_str(), (*output)->summary().c_str(), elapsed,
               elapsed > 0 ? static_cast<double>(flows) / elapsed : 0.0);
  return 0;
}

}  // namespace

void register_simulate_commands(CommandSet& commands) {
  CLI::App& group =
      commands.group("simulate", "Generate realistic carrier traffic (flows, packets, exports)");
  auto o = std::make_shared<TrafficOptions>();
  CLI::App& traffic = commands.verb(
      group, "traffic",
      "Simulate a carrier's subscriber traffic (Japanese access networks to domestic and foreign servers) "
      "and write it as flow records, a packet capture, or NetFlow/IPFIX export",
      [o] { return run_traffic(*o); });
  traffic
      .add_option(
          "--out", o->out,
          "Output format: csv | jsonl | mflow (flow records); pcap (raw packets synthesised from the "
          "flows); ipfix | netflow9 | netflow5 (export datagrams: to a pcap file with -o, or live with --to)")
      ->required();
  traffic.add_option("-o,--output", o->path, "Output file ('-' = standard output, text formats only)");
  traffic.add_option(
      "--to", o->to,
      "Send export datagrams to a collector, e.g. udp://127.0.0.1:4739 (udp://:4739 = this host)");
  traffic.add_option("--seed", o->seed, "Random seed: the same seed and options give the same traffic")
      ->capture_default_str();
  auto& fixed = o->fixed_by_scenario;
  fixed.push_back(
      traffic.add_option("--subscribers", o->subscribers, "Subscribers (domestic access-network customers)")
          ->capture_default_str());
  fixed.push_back(traffic.add_option("--servers", o->servers, "Servers, domestic and foreign (at least 16)")
                      ->capture_default_str());
  fixed.push_back(traffic
                      .add_option("--rate", o->rate,
                                  "Mean flow records per second over a day (the diurnal curve varies it)")
                      ->capture_default_str());
  fixed.push_back(traffic.add_option("--start", o->start, "Simulated time of the first flow (RFC 3339)")
                      ->capture_default_str());
  fixed.push_back(traffic.add_option(
      "--duration", o->duration,
      "Simulated time span, e.g. 30s, 10m, 24h (default 1m, or unlimited when --flows is given)"));
  traffic.add_option("--flows", o->flows, "Stop after this many flow records");
  fixed.push_back(traffic.add_option("--ipv6-share", o->ipv6_share, "Share of sessions over IPv6 (0..1)")
                      ->capture_default_str());
  fixed.push_back(
      traffic
          .add_option("--diurnal", o->diurnal,
                      "Day/night swing of the rate: 0 = flat, 0.6 = night trough at 40% and afternoon peak "
                      "at 160% of the mean (trough 04:30 JST)")
          ->capture_default_str());
  fixed.push_back(
      traffic
          .add_option(
              "--active-timeout", o->active_timeout,
              "Split longer sessions into records of at most this length, as a router does (0 = never)")
          ->capture_default_str());
  fixed.push_back(traffic.add_option("--attacks", o->attacks,
                                     "Plant labelled attacks and benign look-alikes: a comma list of beacon, "
                                     "fanin, scan, bruteforce, reflection, "
                                     "controller, benign_ntp, benign_update, benign_cdn, benign_push, "
                                     "benign_dns, or the groups attacks, benign, all"));
  fixed.push_back(
      traffic
          .add_option("--attack-intensity", o->intensity,
                      "Scale planted attack volume: probe and attempt rates, botnet and reflector counts "
                      "(beacon periods stay)")
          ->capture_default_str());
  traffic.add_option("--labels", o->labels,
                     "Write the ground truth as CSV: one row per planted endpoint "
                     "(attack,endpoint,role,ports,proto,start,end,label,peers; docs/evaluation.md)");
  traffic.add_option(
      "--scenario", o->scenario,
      "A fixed, documented scenario: 'standard' = 1 h at 2,000 flows/s with every attack and look-alike "
      "(the one CI evaluates detectors on)");
  traffic.add_option("--mtu", o->mtu, "Largest export datagram (UDP payload bytes)")->capture_default_str();
  traffic
      .add_option("--observation-domain", o->domain, "IPFIX observation domain / v9 source ID / v5 engine ID")
      ->capture_default_str();
  traffic
      .add_option("--template-refresh", o->template_refresh,
                  "Resend templates every N datagrams (0 = first only)")
      ->capture_default_str();
  traffic.add_option(
      "--collector-port", o->collector_port,
      "UDP port of the collector in export captures (default 4739 for IPFIX, 2055 for NetFlow)");
  traffic.add_flag(
      "--pace", o->pace,
      "With --to: send in real time at the simulated rate (else as fast as the collector can take)");
  traffic
      .add_option("--speed", o->speed,
                  "With --pace: run the simulated clock this many times faster than real time")
      ->capture_default_str();
  traffic
      .add_option("--max-packets-per-flow", o->max_packets,
                  "pcap: thin each flow to at most this many packets, bytes scaled to match (0 = no limit)")
      ->capture_default_str();
  traffic.add_option("--snaplen", o->snaplen, "pcap: keep at most this many bytes of each packet (0 = all)");
  traffic.add_option("--link", o->link, "pcap: link type, ethernet or raw (raw IP)")->capture_default_str();
  traffic.add_option(
      "--truth", o->truth,
      "Also write, as CSV, every flow exactly as the output carries it (after pcap thinning, without "
      "IPv6 for netflow5): the ground truth a decoder of the output should reproduce");
  traffic.add_flag("--progress", o->progress, "Report progress on standard error every second");
  traffic.footer(
      "Examples:\n"
      "  mamori simulate traffic --out csv --duration 10m > flows.csv\n"
      "  mamori simulate traffic --out ipfix -o export.pcap --flows 100000\n"
      "  mamori simulate traffic --out netflow9 --to udp://127.0.0.1:2055 --pace --rate 500\n"
      "  mamori simulate traffic --out pcap -o traffic.pcap --duration 1m --rate 200 --truth truth.csv\n"
      "  mamori simulate traffic --out mflow -o flows.mflow --attacks beacon,scan,benign --duration 2h "
      "--labels labels.csv\n"
      "  mamori simulate traffic --scenario standard --out mflow -o standard.mflow --labels labels.csv\n"
      "Flows are unidirectional records (request and response each) with times on whole milliseconds.\n"
      "A one-line summary goes to standard error at the end.");
}

}  // namespace mamori::cli
