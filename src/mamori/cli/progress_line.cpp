#include "mamori/cli/progress_line.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace mamori::cli {

ProgressLine::ProgressLine(bool enabled, std::chrono::milliseconds interval)
    : enabled_(enabled),
      tty_(isatty(STDERR_FILENO) != 0),
      interval_(interval),
      began_(Clock::now()),
      last_(began_) {}

void ProgressLine::print(const std::string& line) {
  // "\33[K" clears what a longer previous line left on the terminal.
  std::fprintf(stderr, tty_ ? "\r%s\33[K" : "%s\n", line.c_str());
  std::fflush(stderr);
  printed_ = true;
}

void ProgressLine::finish() {
  if (enabled_ && tty_ && printed_) std::fputc('\n', stderr);
  printed_ = false;
}

double ProgressLine::elapsed_seconds() const noexcept {
  return std::chrono::duration<double>(Clock::now() - began_).count();
}

std::string ProgressLine::flows_text(std::uint64_t flows, TimeNs flow_clock) const {
  const double secs = elapsed_seconds();
  return fmt::format("{} flows, flow clock {}, {:.0f} flows/s", flows,
                     flow_clock == 0 ? std::string("-") : format_rfc3339(flow_clock),
                     secs > 0 ? static_cast<double>(flows) / secs : 0.0);
}

}  // namespace mamori::cli
