#include "mamori/cli/stop_signal.hpp"

#include <csignal>

namespace mamori::cli {

namespace {
// A signal handler can only set a flag; this is the one piece of process-wide state.
volatile std::sig_atomic_t g_stop_requested = 0;
void request_stop(int) { g_stop_requested = 1; }
}  // namespace

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = request_stop;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool stop_requested() noexcept { return g_stop_requested != 0; }

}  // namespace mamori::cli
