#pragma once
// Options shared by every command that reads or writes flows.
#include <functional>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "mamori/flow/output/flow_writer.hpp"
#include "mamori/flow/source/flow_input_set.hpp"

namespace mamori::cli {

struct FlowOutputOptions {
  std::string format = "csv";
  std::string path;  // empty or "-" = standard output
  std::string fields;
  std::string filter;
  bool no_header = false;

  Result<std::unique_ptr<flow::FlowWriter>> open() const;
  // An empty function when no filter was given.
  Result<std::function<bool(const flow::FlowRecord&)>> compiled_filter() const;
};

void add_input_options(CLI::App& cmd, flow::FlowInputOptions& options);
void add_output_options(CLI::App& cmd, FlowOutputOptions& options);

}  // namespace mamori::cli
