#pragma once
// Progress of a long job on standard error, at most once per interval: one
// line rewritten in place on a terminal, a line per report otherwise (logs).
#include <chrono>
#include <cstdint>
#include <string>

#include "mamori/core/time.hpp"

namespace mamori::cli {

class ProgressLine {
 public:
  explicit ProgressLine(bool enabled, std::chrono::milliseconds interval = std::chrono::seconds(1));

  // Prints `text()` when enabled and the interval has passed since the last report.
  template <class Text>
  void maybe_print(Text&& text) {
    if (!enabled_ || Clock::now() - last_ < interval_) return;
    last_ = Clock::now();
    print(text());
  }
  // Ends the rewritten line on a terminal.
  void finish();

  double elapsed_seconds() const noexcept;
  // "N flows, flow clock T, R flows/s": the shape every flow-reading job reports.
  std::string flows_text(std::uint64_t flows, TimeNs flow_clock) const;

 private:
  using Clock = std::chrono::steady_clock;
  void print(const std::string& line);

  bool enabled_;
  bool tty_;
  bool printed_ = false;
  std::chrono::milliseconds interval_;
  Clock::time_point began_;
  Clock::time_point last_;
};

}  // namespace mamori::cli
