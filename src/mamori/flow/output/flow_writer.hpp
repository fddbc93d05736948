#pragma once
// Output sinks for flow records: CSV, JSON lines and the .mflow binary format
// all implement FlowWriter so that every command can write any of them.
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "mamori/core/result.hpp"
#include "mamori/flow/flow_record.hpp"

namespace mamori::flow {

enum class FlowFormat { csv, jsonl, mflow };

Result<FlowFormat> parse_flow_format(std::string_view name);
std::string_view flow_format_name(FlowFormat format) noexcept;

class FlowWriter {
 public:
  virtual ~FlowWriter() = default;
  virtual Status write(std::span<const FlowRecord> flows) = 0;
  // Flushes buffers and writes trailers; the writer accepts nothing afterwards.
  virtual Status finish() = 0;
};

// Opens a writer for `path` ("-" is standard output; .mflow cannot go to a terminal).
Result<std::unique_ptr<FlowWriter>> open_flow_writer(FlowFormat format, const std::string& path);

}  // namespace mamori::flow
