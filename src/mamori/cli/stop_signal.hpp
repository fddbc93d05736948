#pragma once
// SIGINT/SIGTERM ask long-running commands (collect, sensor) to stop cleanly:
// they drain what is queued, close their batches and exit 0.
namespace mamori::cli {

void install_stop_handlers();
bool stop_requested() noexcept;

}  // namespace mamori::cli
