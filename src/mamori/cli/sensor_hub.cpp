#include "mamori/cli/sensor_hub.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>

#include "mamori/detect/output/finding_json.hpp"

namespace mamori::cli {

void add_sensor_hub_options(CLI::App& cmd, SensorHubOptions& o) {
  cmd.add_option("--hub", o.url, "With --detect: also post findings to this hub (http[s]://host:port)")
      ->envname("MAMORI_SENSOR_HUB");
  cmd.add_option("--hub-key-file", o.key_file, "File holding the hub API key (carrier role; never printed)");
  cmd.add_option("--hub-ca-file", o.ca_file, "PEM CA certificate to trust for an HTTPS hub");
  cmd.add_option("--hub-queue", o.queue, "Findings queued for the hub before new ones are dropped (counted)")
      ->capture_default_str();
  cmd.add_option("--hub-flush", o.flush_seconds, "Seconds between posts of a partial batch")
      ->capture_default_str();
}

Result<std::unique_ptr<sensor::HubPoster>> start_sensor_hub(const SensorHubOptions& o, bool detect) {
  if (o.url.empty()) return std::unique_ptr<sensor::HubPoster>{};
  if (!detect) return fail(Errc::invalid_argument, "--hub posts findings: it needs --detect");
  if (o.key_file.empty()) return fail(Errc::invalid_argument, "--hub needs --hub-key-file (a carrier key)");
  if (o.queue == 0 || o.flush_seconds <= 0)
    return fail(Errc::invalid_argument, "--hub-queue and --hub-flush must be positive");
  sensor::HubPosterOptions options;
  options.client.url = o.url;
  options.client.ca_file = o.ca_file;
  // A slow hub delays only the poster's thread, never the flows.
  options.client.timeout = std::chrono::milliseconds(5000);
  options.queue_capacity = o.queue;
  options.flush_interval = std::chrono::milliseconds(static_cast<std::int64_t>(o.flush_seconds * 1000));
  return sensor::HubPoster::start(std::move(options), o.key_file);
}

void finish_sensor_hub(sensor::HubPoster* poster, double seconds) {
  if (!poster) return;
  const auto s = poster->finish(std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000)));
  std::fprintf(
      stderr,
      "mamori: sensor: hub: %llu findings posted in %llu batches; %llu dropped (queue full), %llu refused, "
      "%llu unsent, %llu retries\n",
      static_cast<unsigned long long>(s.posted), static_cast<unsigned long long>(s.batches),
      static_cast<unsigned long long>(s.dropped), static_cast<unsigned long long>(s.rejected),
      static_cast<unsigned long long>(s.unsent), static_cast<unsigned long long>(s.retries));
}

void FindingPublisher::publish(const std::vector<detect::Finding>& findings) {
  for (const auto& f : findings) {
    auto key = std::make_tuple(f.detector, f.endpoint.to_string(), static_cast<int>(f.kind));
    const std::pair<TimeNs, std::uint64_t> now{f.last_seen, f.flows};
    auto it = sent_.find(key);
    if (it != sent_.end() && it->second == now) continue;
    // Remembered only once queued: a dropped finding is offered again next time.
    if (poster_.offer(detect::finding_to_json(f))) sent_[std::move(key)] = now;
  }
}

}  // namespace mamori::cli
