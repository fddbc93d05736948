#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "mamori/flow/mflow/mflow_reader.hpp"
#include "mamori/flow/mflow/mflow_writer.hpp"

namespace mamori::flow::testing {

inline std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "mflow_" + name + "_" + std::to_string(::getpid()) + ".mflow";
}

// Writes in uneven slices so block boundaries do not line up with calls.
inline Status write_mflow(const std::string& path, std::span<const FlowRecord> flows, MflowWriterOptions options = {}) {
  auto writer = open_mflow_writer(path, options);
  if (!writer) return tl::unexpected(writer.error());
  std::size_t step = 1;
  while (!flows.empty()) {
    std::size_t take = std::min(step, flows.size());
    if (auto s = (*writer)->write(flows.subspan(0, take)); !s) return s;
    flows = flows.subspan(take);
    step = step * 3 + 1;
  }
  return (*writer)->finish();
}

inline std::vector<std::byte> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> out(chars.size());
  std::memcpy(out.data(), chars.data(), chars.size());
  return out;
}

// Reads every record; on error returns what was delivered and the error.
struct ReadOutcome {
  std::vector<FlowRecord> flows;
  std::size_t blocks = 0;
  std::optional<Error> error;
};

inline ReadOutcome read_all(Result<MflowReader> opened) {
  ReadOutcome out;
  if (!opened) {
    out.error = opened.error();
    return out;
  }
  std::vector<FlowRecord> batch;
  for (;;) {
    auto n = opened->next_batch(batch);
    if (!n) {
      out.error = n.error();
      return out;
    }
    if (*n == 0) return out;
    ++out.blocks;
    out.flows.insert(out.flows.end(), batch.begin(), batch.end());
  }
}

}  // namespace mamori::flow::testing
