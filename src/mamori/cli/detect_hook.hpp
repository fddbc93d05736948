#pragma once
// Detection on a sensor's selected flows (`mamori sensor run --detect`): the
// engine with the built-in detectors and the default allow-list, fed through
// sensor::PipelineOptions::on_selected; findings go to a JSON-lines file.
#include <memory>
#include <span>
#include <string>

#include "mamori/core/result.hpp"
#include "mamori/flow/flow_record.hpp"
#include "mamori/sensor/hub_poster.hpp"

namespace mamori::cli {

class SensorDetection {
 public:
  // With `hub`, findings are also offered to it about once a second as they
  // are emitted, and all of them at the end (cli/sensor_hub.hpp).
  static Result<std::unique_ptr<SensorDetection>> start(const std::string& findings_path,
                                                        sensor::HubPoster* hub = nullptr);
  virtual ~SensorDetection() = default;
  virtual void add(std::span<const flow::FlowRecord> selected) = 0;
  // Final emit, then writes the findings and a summary line on stderr.
  virtual Status finish() = 0;
};

}  // namespace mamori::cli
