// `mamori sensor run` and `mamori select`: decode -> select under an approved
// policy -> ledger -> output, live from UDP or offline from files.
#include <cstdio>
#include <memory>
#include <optional>

#include "mamori/cli/command.hpp"
#include "mamori/cli/detect_hook.hpp"
#include "mamori/cli/flow_options.hpp"
#include "mamori/cli/live_summary.hpp"
#include "mamori/cli/sensor_hub.hpp"
#include "mamori/cli/stop_signal.hpp"
#include "mamori/crypto/key_file.hpp"
#include "mamori/flow/collect/udp_collector.hpp"
#include "mamori/ledger/ledger_file.hpp"
#include "mamori/select/policy_signature.hpp"
#include "mamori/select/pseudonym_key.hpp"
#include "mamori/sensor/output_audit.hpp"
#include "mamori/sensor/selection_pipeline.hpp"

namespace mamori::cli {

namespace {

using namespace mamori::flow;

struct SensorOptions {
  std::string policy, signature, overseer, pseudo_key, ledger, actor = "sensor", country_db;
  std::vector<std::string> listen;
  std::vector<std::string> read;
  FlowInputOptions input;
  std::string out, format = "mflow";
  std::uint64_t batch_records = 65536;
  double batch_seconds = 10;
  double seconds = 0;
  std::string port_file;
  bool summary = false;
  bool detect = false;
  std::string findings = "-";
  SensorHubOptions hub;
};

// Everything a run needs, checked before the first flow is read.
struct Setup {
  select::SelectionPolicy policy;
  std::shared_ptr<const select::CountryTable> countries;
  select::PseudonymKey key;
  ledger::Ledger ledger;
  std::unique_ptr<FlowWriter> writer;
};

Result<Setup> prepare(const SensorOptions& o) {
  auto overseer = crypto::load_verifier_key(o.overseer, crypto::kSignatureEd25519);
  if (!overseer) return tl::unexpected(overseer.error());
  auto policy = select::load_approved_policy(o.policy, o.signature.empty() ? o.policy + ".sig" : o.signature,
                                             *overseer, now_ns());
  if (!policy) return tl::unexpected(policy.error());
  auto key = select::load_pseudonym_key(o.pseudo_key);
  if (!key) return tl::unexpected(key.error());
  if (key->id != policy->pseudonymisation_key_id) {
    return fail(Errc::invalid_argument, "{}: key id '{}' is not the policy's pseudonymisation key '{}'", o.pseudo_key,
                key->id, policy->pseudonymisation_key_id);
  }
  const std::string db = !o.country_db.empty()           ? o.country_db
                         : !policy->country_database.empty() ? policy->country_database
                                                              : select::default_country_database();
  auto countries = select::CountryTable::load_mmdb(db);
  if (!countries) return tl::unexpected(countries.error());
  auto ledger = ledger::open_ledger_file(o.ledger, true, false);
  if (!ledger) return tl::unexpected(ledger.error());
  auto format = parse_flow_format(o.format);
  if (!format) return tl::unexpected(format.error());
  auto writer = open_flow_writer(*format, o.out);
  if (!writer) return tl::unexpected(writer.error());
  return Setup{std::move(*policy), std::make_shared<const select::CountryTable>(std::move(*countries)),
               std::move(*key), std::move(*ledger), std::move(*writer)};
}

void print_summary(const sensor::SelectionPipeline& p, const SensorOptions& o) {
  const auto& t = p.totals();
  const auto dropped = [&](select::DropReason r) { return t.dropped[static_cast<std::size_t>(r)]; };
  std::fprintf(stderr,
               "mamori: policy %s v%u: %llu flows in, %llu kept, dropped %llu domestic-domestic, %llu direction, "
               "%llu policy not valid; %zu batches in ledger %s; output %s\n",
               p.policy().id.c_str(), p.policy().version, static_cast<unsigned long long>(t.in),
               static_cast<unsigned long long>(t.kept),
               static_cast<unsigned long long>(dropped(select::DropReason::domestic_to_domestic)),
               static_cast<unsigned long long>(dropped(select::DropReason::direction_not_allowed)),
               static_cast<unsigned long long>(dropped(select::DropReason::policy_not_valid)), p.batches().size(),
               o.ledger.c_str(), o.out.c_str());
}

int finish_run(sensor::SelectionPipeline& pipeline, Setup& setup, const SensorOptions& o, Status status) {
  if (status) status = pipeline.finish(now_ns());
  if (auto s = setup.writer->finish(); !s && status) status = s;
  print_summary(pipeline, o);
  if (!status) return report_error(status.error().message);
  if (pipeline.stopped()) {
    std::fprintf(stderr, "mamori: policy %s v%u is no longer valid (until %s): stopped selecting\n",
                 pipeline.policy().id.c_str(), pipeline.policy().version,
                 format_rfc3339(pipeline.policy().valid_until).c_str());
    return 3;
  }
  return 0;
}

int run_files(const SensorOptions& o, const std::vector<std::string>& files) {
  auto setup = prepare(o);
  if (!setup) return report_error(setup.error().message);
  auto source = FlowInputSet::open(files, o.input);
  if (!source) return report_error(source.error().message);
  auto pan = select::CryptoPan::create(setup->key.bytes);
  if (!pan) return report_error(pan.error().message);
  auto hub = start_sensor_hub(o.hub, o.detect);
  if (!hub) return report_error(hub.error().message, 2);
  std::unique_ptr<SensorDetection> detection;
  if (o.detect) {
    auto d = SensorDetection::start(o.findings, hub->get());
    if (!d) return report_error(d.error().message);
    detection = std::move(*d);
  }
  sensor::PipelineOptions options{o.actor, o.batch_records, static_cast<TimeNs>(o.batch_seconds * 1e9), {}};
  if (detection) options.on_selected = [&](std::span<const FlowRecord> flows) { detection->add(flows); };
  sensor::SelectionPipeline pipeline(setup->policy, setup->countries, std::move(*pan), setup->ledger, *setup->writer,
                                     std::move(options));
  Status status = pipeline.start(now_ns());
  if (status) {
    status = source->for_each_batch([&](std::span<const FlowRecord> flows) -> Status {
      if (pipeline.stopped()) return fail(Errc::exhausted, "policy no longer valid");
      return pipeline.add(flows, now_ns());
    });
    if (!status && status.error().code == Errc::exhausted && pipeline.stopped()) status = {};
  }
  source->report_anomalies(stderr);
  const int code = finish_run(pipeline, *setup, o, status);
  if (detection) {
    if (auto s = detection->finish(); !s) return report_error(s.error().message);
  }
  finish_sensor_hub(hub->get());
  return code;
}

int run_listen(const SensorOptions& o) {
  std::vector<ListenAddress> addresses;
  for (const auto& text : o.listen) {
    auto a = parse_listen_address(text);
    if (!a) return report_error(a.error().message, 2);
    addresses.push_back(*a);
  }
  auto setup = prepare(o);
  if (!setup) return report_error(setup.error().message);
  auto collector = UdpCollector::open(addresses);
  if (!collector) return report_error(collector.error().message);
  if (!o.port_file.empty()) {
    if (auto s = write_port_file(o.port_file, *collector); !s) return report_error(s.error().message);
  }
  for (const auto& b : collector->bound()) std::fprintf(stderr, "mamori: sensor listening on %s\n", b.to_string().c_str());
  auto pan = select::CryptoPan::create(setup->key.bytes);
  if (!pan) return report_error(pan.error().message);
  LiveSummary live("mamori sensor run", 1.0);
  auto hub = start_sensor_hub(o.hub, o.detect);
  if (!hub) return report_error(hub.error().message, 2);
  std::unique_ptr<SensorDetection> detection;
  if (o.detect) {
    auto d = SensorDetection::start(o.findings, hub->get());
    if (!d) return report_error(d.error().message);
    detection = std::move(*d);
  }
  sensor::PipelineOptions options{o.actor, o.batch_records, static_cast<TimeNs>(o.batch_seconds * 1e9), {}};
  options.on_selected = [&live, &detection, summary = o.summary](std::span<const FlowRecord> flows) {
    if (summary) live.add(flows);
    if (detection) detection->add(flows);
  };
  sensor::SelectionPipeline pipeline(setup->policy, setup->countries, std::move(*pan), setup->ledger, *setup->writer,
                                     std::move(options));
  install_stop_handlers();
  ExportDecoder decoder;
  std::vector<FlowRecord> batch;
  const TimeNs started = now_ns();
  const TimeNs deadline = o.seconds > 0 ? started + static_cast<TimeNs>(o.seconds * 1e9) : 0;
  Status status = pipeline.start(started);
  std::uint64_t records = 0;
  while (status && !pipeline.stopped()) {
    const bool stopping = stop_requested() || (deadline != 0 && now_ns() >= deadline);
    auto polled = collector->poll(decoder, batch, stopping ? 0 : 100);
    if (!polled) {
      status = tl::unexpected(polled.error());
      break;
    }
    const TimeNs now = now_ns();
    status = batch.empty() ? pipeline.tick(now) : pipeline.add(batch, now);
    records += batch.size();
    batch.clear();
    if (o.summary) {
      live.set_selection(pipeline.totals(), pipeline.batches().size());
      live.maybe_print(*collector, decoder, records);
    }
    if (stopping) break;
  }
  decoder.finish();
  if (o.summary) {
    live.set_selection(pipeline.totals(), pipeline.batches().size());
    live.maybe_print(*collector, decoder, records, /*final=*/true);
  }
  std::fprintf(stderr, "mamori: received %llu datagrams; kernel drops %llu; decoder anomalies %llu\n",
               static_cast<unsigned long long>(collector->stats().datagrams),
               static_cast<unsigned long long>(collector->stats().kernel_drops),
               static_cast<unsigned long long>(decoder.anomalies().total()));
  const int code = finish_run(pipeline, *setup, o, status);
  if (detection) {
    if (auto s = detection->finish(); !s) return report_error(s.error().message);
  }
  finish_sensor_hub(hub->get());
  return code;
}

struct AuditOptions {
  std::string ledger, output, actor, policy;
  std::optional<std::uint64_t> run;
};

int run_audit(const AuditOptions& o) {
  sensor::AuditScope scope{o.actor, {}, o.run};
  if (!o.policy.empty()) {
    auto policy = select::load_selection_policy(o.policy);
    if (!policy) return report_error(policy.error().message);
    scope.policy_sha256 = policy->document_hash;
  }
  auto store = ledger::open_ledger_store(o.ledger, false, true);
  if (!store) return report_error(store.error().message);
  auto report = sensor::audit_output(**store, o.output, scope);
  if (!report) return report_error(report.error().message);
  for (const auto& p : report->problems) {
    std::printf("problem: ledger entry %llu: %s\n", static_cast<unsigned long long>(p.ledger_index), p.detail.c_str());
  }
  std::printf("%s: run %llu: %llu batches, %llu records in the ledger, %llu records in %s\n",
              report->ok() ? "OK" : "MISMATCH", static_cast<unsigned long long>(report->run),
              static_cast<unsigned long long>(report->batches),
              static_cast<unsigned long long>(report->records_in_ledger),
              static_cast<unsigned long long>(report->records_in_output), o.output.c_str());
  return report->ok() ? 0 : 1;
}

void add_common(CLI::App& cmd, SensorOptions& o) {
  cmd.add_option("--policy", o.policy, "Selection policy approved by the oversight body")->required()->check(CLI::ExistingFile);
  cmd.add_option("--signature", o.signature, "The policy's approval (default POLICY.sig)");
  cmd.add_option("--overseer-pubkey", o.overseer, "The oversight body's verifier key (vkey or .pub file)")->required();
  cmd.add_option("--pseudo-key", o.pseudo_key, "The carrier's Crypto-PAn key file (mamori pseudo keygen)")->required();
  cmd.add_option("--ledger", o.ledger, "Ledger database for per-batch entries (created if missing)")->required();
  cmd.add_option("--actor", o.actor, "This sensor's name in the ledger")->default_str("sensor");
  cmd.add_option("--country-db", o.country_db, "MaxMind-format country database (default: the policy's, else the installed one)");
  cmd.add_option("--format", o.format, "Output format: mflow, jsonl or csv")
      ->check(CLI::IsMember({"mflow", "jsonl", "csv"}))
      ->default_str("mflow");
  cmd.add_option("--batch-records", o.batch_records, "Flows per ledger batch")->default_str("65536");
  cmd.add_option("--batch-seconds", o.batch_seconds, "Longest time a batch stays open")->default_str("10");
}

}  // namespace

void register_sensor_commands(CommandSet& commands) {
  CLI::App& group = commands.group("sensor", "The carrier-side sensor: decode, select under an approved policy, ledger");
  {
    auto o = std::make_shared<SensorOptions>();
    CLI::App& cmd = commands.verb(group, "run",
                                  "Run the sensor on live exports (--listen) or files (--read); stops when the "
                                  "policy expires",
                                  [o] {
                                    if (o->listen.empty() == o->read.empty()) {
                                      return report_error("give either --listen or --read", 2);
                                    }
                                    return o->listen.empty() ? run_files(*o, o->read) : run_listen(*o);
                                  });
    add_common(cmd, *o);
    cmd.add_option("--listen", o->listen, "udp://HOST:PORT to receive NetFlow/IPFIX/sFlow on (repeatable)");
    cmd.add_option("--read", o->read, "Input files instead of UDP (captures or .mflow)")->check(CLI::ExistingFile);
    add_input_options(cmd, o->input);
    cmd.add_option("--out", o->out, "Selected flows (.mflow by default)")->required();
    cmd.add_option("--seconds", o->seconds, "With --listen: stop after this many seconds");
    cmd.add_option("--port-file", o->port_file, "With --listen: write the bound port(s) here");
    cmd.add_flag("--summary", o->summary, "With --listen: a live summary on stderr (rates, selection, exporters)");
    cmd.add_flag("--detect", o->detect, "Run the detection engine on the selected flows (docs/detectors.md)");
    cmd.add_option("--findings", o->findings, "With --detect: findings as JSON lines to this file (default: stdout)");
    add_sensor_hub_options(cmd, o->hub);
  }
  {
    auto o = std::make_shared<AuditOptions>();
    CLI::App& cmd = commands.verb(group, "audit",
                                  "Check that an .mflow output holds exactly the batches its ledger records (counts "
                                  "and hashes)",
                                  [o] { return run_audit(*o); });
    cmd.add_option("OUTPUT", o->output, "The sensor's .mflow output")->required()->check(CLI::ExistingFile);
    cmd.add_option("--ledger", o->ledger, "The sensor's ledger database")->required()->check(CLI::ExistingFile);
    cmd.add_option("--actor", o->actor, "Only batches of this sensor");
    cmd.add_option("--policy", o->policy, "Only batches selected under this policy document");
    cmd.add_option("--run", o->run, "Only this run (ledger index of its selection.started entry; default: any run)");
  }
  {
    auto o = std::make_shared<SensorOptions>();
    CLI::App& cmd = commands.command("select", "Select flows offline under an approved policy: mamori select --policy P IN... OUT",
                                     [o] {
                                       if (o->read.size() < 2) return report_error("give input file(s) and an output", 2);
                                       o->out = o->read.back();
                                       std::vector<std::string> inputs(o->read.begin(), o->read.end() - 1);
                                       return run_files(*o, inputs);
                                     });
    add_common(cmd, *o);
    add_input_options(cmd, o->input);
    cmd.add_option("FILES", o->read, "Input files, then the output file")->required()->expected(2, -1);
  }
}

}  // namespace mamori::cli
