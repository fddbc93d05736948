#pragma once
// Options shared by every command that reads or writes flows.
#include <functional>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "mamori/cli/command.hpp"
#include "mamori/flow/collect/udp_collector.hpp"
#include "mamori/flow/filter/filter.hpp"
#include "mamori/flow/output/flow_writer.hpp"
#include "mamori/flow/source/flow_input_set.hpp"

namespace mamori::cli {

struct FlowOutputOptions {
  std::string format = "csv";
  std::string path;  // empty or "-" = standard output
  std::string fields;
  std::string filter;
  bool no_header = false;
  std::string codec = "zstd";
  int level = 3;

  Result<std::unique_ptr<flow::FlowWriter>> open() const;
  // Matches everything when no --filter was given.
  Result<flow::Filter> compiled_filter() const;
};

void add_input_options(CLI::App& cmd, flow::FlowInputOptions& options);
void add_output_options(CLI::App& cmd, FlowOutputOptions& options);
void add_filter_option(CLI::App& cmd, std::string& filter);

// Writes the ports a collector bound, one per line, so that scripts and tests
// can listen on port 0 and learn the port the kernel chose.
Status write_port_file(const std::string& path, const flow::UdpCollector& collector);

// `mamori flows top`, in its own file.
void register_flows_top_command(CommandSet& commands, CLI::App& flows);

}  // namespace mamori::cli
