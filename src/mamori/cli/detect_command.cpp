// `mamori detect`: find servers abused by attackers in flow data — selected
// .mflow files (locality known) or unselected captures and exports, where
// --home decides which side is foreign — or live from UDP exports.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>

#include "mamori/cli/command.hpp"
#include "mamori/cli/detect_hook.hpp"
#include "mamori/cli/flow_options.hpp"
#include "mamori/cli/progress_line.hpp"
#include "mamori/cli/sensor_hub.hpp"
#include "mamori/cli/stop_signal.hpp"
#include "mamori/core/output_file.hpp"
#include "mamori/detect/builtin.hpp"
#include "mamori/detect/engine/country_locality.hpp"
#include "mamori/detect/engine/engine.hpp"
#include "mamori/detect/output/finding_json.hpp"
#include "mamori/detect/output/stix_bundle.hpp"
#include "mamori/flow/collect/udp_collector.hpp"

namespace mamori::cli {

namespace {

using namespace mamori::detect;

struct DetectOptions {
  std::vector<std::string> files;
  std::vector<std::string> listen;
  flow::FlowInputOptions input;
  std::string filter;
  std::vector<std::string> indicators, allow, home, sets;
  bool no_default_allow = false;
  std::string config, detectors, format = "jsonl", output = "-", tlp = "amber", country_db, port_file;
  std::optional<std::size_t> workers, max_tracked;
  std::optional<std::string> emit_interval;
  double seconds = 0;
  bool list = false, quiet = false, progress = false;
};

// --progress: the flows fed to the engine so far and the latest flow time,
// counted only when asked for.
class FeedProgress {
 public:
  explicit FeedProgress(bool enabled) : enabled_(enabled), line_(enabled) {}
  void fed(std::span<const flow::FlowRecord> batch) {
    if (!enabled_) return;
    flows_ += batch.size();
    for (const auto& f : batch) flow_clock_ = std::max(flow_clock_, f.start_ns);
    line_.maybe_print([&] { return line_.flows_text(flows_, flow_clock_); });
  }
  void finish() { line_.finish(); }

 private:
  bool enabled_;
  ProgressLine line_;
  std::uint64_t flows_ = 0;
  TimeNs flow_clock_ = 0;
};

Result<EngineConfig> build_config(const DetectOptions& o) {
  EngineConfig config;
  if (!o.config.empty()) {
    if (auto s = config.load_toml(o.config); !s) return tl::unexpected(s.error());
  }
  for (const auto& s : o.sets)
    if (auto r = config.set(s); !r) return tl::unexpected(r.error());
  if (!o.indicators.empty()) {
    std::string files = config.settings["indicator"]["files"];
    for (const auto& f : o.indicators) files += (files.empty() ? "" : ",") + f;
    config.settings["indicator"]["files"] = files;
  }
  if (!o.detectors.empty()) {
    std::vector<std::string> names;
    std::string_view rest = o.detectors;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      if (comma != 0) names.emplace_back(rest.substr(0, comma));
      rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
    }
    config.only = std::move(names);
  }
  for (const auto& a : o.allow) config.allowlists.push_back(a);
  if (o.no_default_allow) config.default_allowlist = false;
  if (o.workers) config.workers = *o.workers;
  if (o.max_tracked) config.limits.max_tracked = *o.max_tracked;
  if (o.emit_interval) {
    auto d = parse_duration(*o.emit_interval);
    if (!d || *d == 0)
      return fail(Errc::invalid_argument, "--emit-interval: '{}' is not a positive duration",
                  *o.emit_interval);
    config.emit_interval = *d;
  }
  if (config.workers == 0) return fail(Errc::invalid_argument, "--workers must be at least 1");
  if (config.limits.max_tracked == 0) return fail(Errc::invalid_argument, "--max-tracked must be at least 1");
  return config;
}

int list_detectors(const DetectorRegistry& registry) {
  std::string out;
  for (const auto& d : registry.all()) {
    out += fmt::format("{}{}\n  {}\n", d.name, d.enabled_by_default ? "" : " (disabled by default)",
                       d.description);
    for (const auto& p : d.parameters) {
      out += fmt::format("    {}.{} = {}\n        {}\n", d.name, p.key, p.default_value, p.description);
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

void print_stats(const EngineStats& s, const Allowlist& allow, const std::vector<Finding>& findings) {
  std::fprintf(stderr, "mamori: detect: %llu flows, %zu worker(s), %llu periodic emits, %zu findings",
               static_cast<unsigned long long>(s.flows), s.workers, static_cast<unsigned long long>(s.emits),
               findings.size());
  if (s.suppressed != 0) {
    std::fprintf(stderr, ", %llu reports suppressed by the allow-list",
                 static_cast<unsigned long long>(s.suppressed));
  }
  std::fprintf(stderr, "\n");
  std::fprintf(stderr,
               "mamori: detect: %-16s memory %zu B (first contacts of pairs, shared by the detectors), "
               "%.3f s\n",
               "pair filter", s.pair_filter_bytes, static_cast<double>(s.pair_filter_ns) / 1e9);
  for (const auto& d : s.detectors) {
    std::fprintf(stderr,
                 "mamori: detect: %-16s tracked %zu (peak %zu), memory %zu B (peak %zu B), evicted %llu, "
                 "reports %llu, %.3f s\n",
                 d.name.c_str(), d.tracked, d.peak_tracked, d.memory_bytes, d.peak_memory_bytes,
                 static_cast<unsigned long long>(d.evicted), static_cast<unsigned long long>(d.reports),
                 static_cast<double>(d.observe_ns) / 1e9);
    if (!d.status.empty())
      std::fprintf(stderr, "mamori: detect: %-16s %s\n", d.name.c_str(), d.status.c_str());
    if (d.over_limit != 0) {
      std::fprintf(stderr,
                   "mamori: detect: warning: %s held more than --max-tracked keys after %llu batches\n",
                   d.name.c_str(), static_cast<unsigned long long>(d.over_limit));
    }
  }
  for (std::size_t i = 0; i < s.suppressed_by_entry.size() && i < allow.entries().size(); ++i) {
    if (s.suppressed_by_entry[i] == 0) continue;
    const auto& e = allow.entries()[i];
    std::fprintf(stderr, "mamori: detect: allow-list %s (%s, %s): %llu suppressed\n",
                 e.prefix.to_string().c_str(), e.reason.c_str(), e.source.c_str(),
                 static_cast<unsigned long long>(s.suppressed_by_entry[i]));
  }
}

Status write_findings(const std::vector<Finding>& findings, const std::string& format,
                      const std::string& path, const std::string& tlp) {
  std::string text;
  if (format == "stix") {
    StixOptions options;
    options.tlp = tlp;
    auto bundle = findings_to_stix(findings, options);
    if (!bundle) return tl::unexpected(bundle.error());
    text = std::move(*bundle);
  } else {
    text = findings_to_jsonl(findings);
  }
  auto out = OutputFile::open(path);
  if (!out) return tl::unexpected(out.error());
  out->append(text);
  return out->close();
}

Status run_listen(const DetectOptions& o, DetectionEngine& engine, FeedProgress& progress) {
  std::vector<flow::ListenAddress> addresses;
  for (const auto& text : o.listen) {
    auto a = flow::parse_listen_address(text);
    if (!a) return tl::unexpected(a.error());
    addresses.push_back(*a);
  }
  auto collector = flow::UdpCollector::open(addresses);
  if (!collector) return tl::unexpected(collector.error());
  if (!o.port_file.empty()) {
    if (auto s = write_port_file(o.port_file, *collector); !s) return s;
  }
  for (const auto& b : collector->bound())
    std::fprintf(stderr, "mamori: detect listening on %s\n", b.to_string().c_str());
  auto filter = flow::Filter::compile(o.filter);
  if (!filter) return tl::unexpected(filter.error());
  install_stop_handlers();
  flow::ExportDecoder decoder;
  std::vector<flow::FlowRecord> batch, kept;
  const TimeNs deadline = o.seconds > 0 ? now_ns() + static_cast<TimeNs>(o.seconds * 1e9) : 0;
  while (!stop_requested() && (deadline == 0 || now_ns() < deadline)) {
    auto polled = collector->poll(decoder, batch, 100);
    if (!polled) return tl::unexpected(polled.error());
    std::span<const flow::FlowRecord> flows = batch;
    if (!filter->matches_everything()) {
      kept.clear();
      for (const auto& f : batch)
        if (filter->matches(f)) kept.push_back(f);
      flows = kept;
    }
    engine.add(flows);
    progress.fed(flows);
    batch.clear();
  }
  decoder.finish();
  return {};
}

int run_detect(const DetectOptions& o) {
  DetectorRegistry registry;
  register_builtin_detectors(registry);
  if (o.list) return list_detectors(registry);
  if (o.files.empty() == o.listen.empty())
    return report_error("give input FILE(s) or --listen (not both)", 2);
  auto config = build_config(o);
  if (!config) return report_error(config.error().message, 2);
  if (auto s = check_detector_names(*config, registry); !s) return report_error(s.error().message, 2);
  auto allow = build_allowlist(*config);
  if (!allow) return report_error(allow.error().message);
  auto allowlist = std::make_shared<const Allowlist>(std::move(*allow));

  std::vector<select::CountryCode> home;
  for (const auto& cc : o.home.empty() ? std::vector<std::string>{"JP"} : o.home) {
    auto code = select::parse_country(cc);
    if (!code) return report_error(fmt::format("--home: {}", code.error().message), 2);
    home.push_back(*code);
  }
  auto countries = select::CountryTable::load_mmdb(o.country_db.empty() ? select::default_country_database()
                                                                        : o.country_db);
  if (!countries) return report_error(countries.error().message);
  auto classifier = std::make_shared<const CountryLocality>(
      std::make_shared<const select::CountryTable>(std::move(*countries)), home);

  auto engine = make_engine(registry, *config, classifier, allowlist);
  if (!engine) return report_error(engine.error().message, 2);

  Status status;
  FeedProgress progress(o.progress);
  if (!o.listen.empty()) {
    status = run_listen(o, **engine, progress);
  } else {
    auto filter = flow::Filter::compile(o.filter);
    if (!filter) return report_error(filter.error().message, 2);
    auto source = flow::FlowInputSet::open(o.files, o.input);
    if (!source) return report_error(source.error().message);
    status = source->for_each_batch(
        [&](std::span<const flow::FlowRecord> flows) -> Status {
          (*engine)->add(flows);
          progress.fed(flows);
          return {};
        },
        &*filter);
    source->report_anomalies(stderr);
  }
  progress.finish();
  // Whatever was read before an input error still yields findings.
  (*engine)->finish();
  const std::vector<Finding> findings = (*engine)->findings();
  if (auto s = write_findings(findings, o.format, o.output, o.tlp); !s)
    return report_error(s.error().message);
  if (!o.quiet) print_stats((*engine)->stats(), *allowlist, findings);
  if (!status) return report_error(status.error().message);
  return 0;
}

class EngineSensorDetection final : public SensorDetection {
 public:
  EngineSensorDetection(std::unique_ptr<DetectionEngine> engine, std::shared_ptr<const Allowlist> allow,
                        std::string path, sensor::HubPoster* hub)
      : engine_(std::move(engine)), allow_(std::move(allow)), path_(std::move(path)) {
    if (hub) publisher_.emplace(*hub);
  }
  void add(std::span<const flow::FlowRecord> selected) override {
    engine_->add(selected);
    if (publisher_ && now_ns() - last_publish_ >= kNsPerSecond) {
      last_publish_ = now_ns();
      publisher_->publish(engine_->findings());
    }
  }
  Status finish() override {
    engine_->finish();
    const auto findings = engine_->findings();
    if (publisher_) publisher_->publish(findings);
    if (auto s = write_findings(findings, "jsonl", path_, "amber"); !s) return s;
    print_stats(engine_->stats(), *allow_, findings);
    return {};
  }

 private:
  std::unique_ptr<DetectionEngine> engine_;
  std::shared_ptr<const Allowlist> allow_;
  std::string path_;
  std::optional<FindingPublisher> publisher_;
  TimeNs last_publish_ = 0;
};

}  // namespace

Result<std::unique_ptr<SensorDetection>> SensorDetection::start(const std::string& findings_path,
                                                                sensor::HubPoster* hub) {
  // The detectors own what they were built with, so the registry may go once they exist.
  DetectorRegistry registry;
  register_builtin_detectors(registry);
  EngineConfig config;
  auto allow = build_allowlist(config);
  if (!allow) return tl::unexpected(allow.error());
  auto allowlist = std::make_shared<const Allowlist>(std::move(*allow));
  // Selected flows carry their locality; no classifier is needed.
  auto engine = make_engine(registry, config, nullptr, allowlist);
  if (!engine) return tl::unexpected(engine.error());
  return std::unique_ptr<SensorDetection>(
      std::make_unique<EngineSensorDetection>(std::move(*engine), allowlist, findings_path, hub));
}

void register_detect_commands(CommandSet& commands) {
  auto o = std::make_shared<DetectOptions>();
  CLI::App& cmd = commands.command(
      "detect",
      "Find attacker infrastructure (known indicators, long connections, ...) in flows: files or --listen",
      [o] { return run_detect(*o); });
  cmd.add_option("FILE", o->files, "Input files: .mflow (selected or not), export or traffic captures")
      ->check(CLI::ExistingFile);
  cmd.add_option("--listen", o->listen,
                 "udp://HOST:PORT to receive NetFlow/IPFIX/sFlow on instead (repeatable)");
  add_input_options(cmd, o->input);
  add_filter_option(cmd, o->filter);
  cmd.add_option("--indicators", o->indicators,
                 "Indicator file: STIX 2.1 JSON, CSV or a plain list (repeatable)")
      ->check(CLI::ExistingFile);
  cmd.add_option("--allow", o->allow, "Allow-list file of known-benign services (repeatable)")
      ->check(CLI::ExistingFile);
  cmd.add_flag("--no-default-allow", o->no_default_allow,
               "Do not apply the built-in allow-list (data/allowlist-default.txt)");
  cmd.add_option(
      "--home", o->home,
      "Home country for flows whose locality is unknown (unselected data); repeatable; default JP");
  cmd.add_option("--country-db", o->country_db,
                 "MaxMind-format country database (default: the installed one)");
  cmd.add_option("--config", o->config, "TOML configuration ([engine], [detectors.NAME])")
      ->check(CLI::ExistingFile);
  cmd.add_option("--set", o->sets,
                 "Detector setting DETECTOR.KEY=VALUE, e.g. long_connection.min_duration=2h (repeatable)");
  cmd.add_option("--detectors", o->detectors, "Run only these detectors, comma-separated (see --list)");
  cmd.add_option("--format", o->format, "Findings as jsonl or a STIX 2.1 bundle (stix)")
      ->check(CLI::IsMember({"jsonl", "stix"}))
      ->default_str("jsonl");
  cmd.add_option("-o,--output", o->output, "Findings file (default: standard output)");
  cmd.add_option("--tlp", o->tlp, "TLP 2.0 marking of STIX output")
      ->check(CLI::IsMember({"clear", "green", "amber", "amber+strict", "red"}))
      ->default_str("amber");
  cmd.add_option("--workers", o->workers,
                 "Worker threads, each owning a shard of foreign endpoints (default 1)");
  cmd.add_option("--emit-interval", o->emit_interval,
                 "Flow time between periodic emits, e.g. 5m (default 5m)");
  cmd.add_option("--max-tracked", o->max_tracked,
                 "Keys each detector may hold per worker (memory bound; default 1000000)");
  cmd.add_option("--seconds", o->seconds, "With --listen: stop after this many seconds");
  cmd.add_option("--port-file", o->port_file, "With --listen: write the bound port(s) here");
  cmd.add_flag("--quiet", o->quiet, "No statistics on standard error");
  cmd.add_flag("--progress", o->progress,
               "Report flows read, the flow clock and the rate on standard error every second");
  cmd.add_flag("--list", o->list, "List the detectors with their descriptions and parameters");
}

}  // namespace mamori::cli
