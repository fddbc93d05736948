#pragma once
// Request metrics in the Prometheus text exposition format (version 0.0.4):
//   mamori_hub_requests_total{route,method,status}   counter
//   mamori_hub_request_seconds{route}                 histogram
//   mamori_hub_rate_limited_total                     counter
//   mamori_hub_store_errors_total{op}                 counter (read from the store at scrape time)
// Routes are the registered route names (bounded), never raw paths.
#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "mamori/store/hub_store.hpp"

namespace mamori::hub {

class Metrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    2.5};

  void record(const std::string& route, const std::string& method, int status, double seconds);
  void rate_limited() noexcept { rate_limited_.fetch_add(1, std::memory_order_relaxed); }

  // The exposition text; `store` adds its per-operation error counters.
  std::string render(const store::HubStore* store) const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> counts{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::atomic<std::uint64_t> rate_limited_{0};
};

}  // namespace mamori::hub
