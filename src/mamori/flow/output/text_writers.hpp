#pragma once
#include <memory>
#include <vector>

#include "mamori/core/output_file.hpp"
#include "mamori/flow/flow_fields.hpp"
#include "mamori/flow/output/flow_writer.hpp"

namespace mamori::flow {

// CSV with a header line; fields in the given order (default: all, the
// mandated ten first).
std::unique_ptr<FlowWriter> make_csv_writer(OutputFile out, std::vector<FlowField> fields, bool header = true);
// One JSON object per line with the given fields.
std::unique_ptr<FlowWriter> make_jsonl_writer(OutputFile out, std::vector<FlowField> fields);

// Formats one field's value (no quoting) into `out`, which must hold 64 bytes; returns the end.
char* format_flow_field(const FlowRecord& flow, FlowField field, char* out) noexcept;

}  // namespace mamori::flow
