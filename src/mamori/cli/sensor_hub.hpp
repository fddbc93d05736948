#pragma once
// `mamori sensor run --detect --hub URL --hub-key-file F`: the sensor's
// findings go to a hub as well as to --findings. The data path hands the
// detection engine's findings to sensor::HubPoster (bounded queue, never
// blocking, drops counted); this file holds the options and the publisher
// that offers a finding again only when it changed.
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "mamori/core/result.hpp"
#include "mamori/detect/finding.hpp"
#include "mamori/sensor/hub_poster.hpp"

namespace CLI {
class App;
}

namespace mamori::cli {

struct SensorHubOptions {
  std::string url;
  std::string key_file;
  std::string ca_file;
  std::size_t queue = 10000;
  double flush_seconds = 1.0;
};

void add_sensor_hub_options(CLI::App& cmd, SensorHubOptions& options);
// nullptr without --hub; an error when --hub is given without --detect or a key file.
Result<std::unique_ptr<sensor::HubPoster>> start_sensor_hub(const SensorHubOptions& options, bool detect);
// Sends what is queued (at most `seconds`) and prints one line of counts on stderr.
void finish_sensor_hub(sensor::HubPoster* poster, double seconds = 10);

// Offers each finding that is new or changed since it was last offered.
class FindingPublisher {
 public:
  explicit FindingPublisher(sensor::HubPoster& poster) : poster_(poster) {}
  void publish(const std::vector<detect::Finding>& findings);

 private:
  sensor::HubPoster& poster_;
  // (detector, endpoint, kind) -> (last_seen, flows) last offered
  std::map<std::tuple<std::string, std::string, int>, std::pair<TimeNs, std::uint64_t>> sent_;
};

}  // namespace mamori::cli
