#include "mamori/flow/output/flow_writer.hpp"

#include "mamori/flow/mflow/mflow_writer.hpp"
#include "mamori/flow/output/text_writers.hpp"

namespace mamori::flow {

Result<FlowFormat> parse_flow_format(std::string_view name) {
  if (name == "csv") return FlowFormat::csv;
  if (name == "jsonl" || name == "json") return FlowFormat::jsonl;
  if (name == "mflow") return FlowFormat::mflow;
  return fail(Errc::invalid_argument, "unknown flow format '{}' (use csv, jsonl or mflow)", name);
}

std::string_view flow_format_name(FlowFormat format) noexcept {
  switch (format) {
    case FlowFormat::csv: return "csv";
    case FlowFormat::jsonl: return "jsonl";
    case FlowFormat::mflow: return "mflow";
  }
  return "?";
}

Result<std::unique_ptr<FlowWriter>> open_flow_writer(FlowFormat format, const std::string& path) {
  switch (format) {
    case FlowFormat::csv:
    case FlowFormat::jsonl: {
      auto out = OutputFile::open(path);
      if (!out) return tl::unexpected(out.error());
      if (format == FlowFormat::csv) return make_csv_writer(std::move(*out), all_flow_fields());
      return make_jsonl_writer(std::move(*out), all_flow_fields());
    }
    case FlowFormat::mflow:
      return open_mflow_writer(path);
  }
  return fail(Errc::invalid_argument, "unknown flow format");
}

}  // namespace mamori::flow
