#include "mamori/hub/metrics.hpp"

#include <fmt/format.h>

namespace mamori::hub {

void Metrics::record(const std::string& route, const std::string& method, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, method, status}];
  auto& h = latency_[route];
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++h.counts[i];
  ++h.count;
  h.sum += seconds;
}

std::string Metrics::render(const store::HubStore* store) const {
  std::string out;
  out += "# HELP mamori_hub_requests_total HTTP requests by route, method and status.\n";
  out += "# TYPE mamori_hub_requests_total counter\n";
  std::lock_guard lock(mutex_);
  for (const auto& [k, n] : requests_)
    out += fmt::format("mamori_hub_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n", std::get<0>(k),
                       std::get<1>(k), std::get<2>(k), n);
  out += "# HELP mamori_hub_request_seconds Request latency from the first byte read to the response handed to the socket.\n";
  out += "# TYPE mamori_hub_request_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
      out += fmt::format("mamori_hub_request_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", route, kBuckets[i], h.counts[i]);
    out += fmt::format("mamori_hub_request_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", route, h.count);
    out += fmt::format("mamori_hub_request_seconds_sum{{route=\"{}\"}} {}\n", route, h.sum);
    out += fmt::format("mamori_hub_request_seconds_count{{route=\"{}\"}} {}\n", route, h.count);
  }
  out += "# HELP mamori_hub_rate_limited_total Requests refused with 429 by the per-key rate limit.\n";
  out += "# TYPE mamori_hub_rate_limited_total counter\n";
  out += fmt::format("mamori_hub_rate_limited_total {}\n", rate_limited_.load(std::memory_order_relaxed));
  if (store) {
    out += "# HELP mamori_hub_store_errors_total Storage errors by operation.\n";
    out += "# TYPE mamori_hub_store_errors_total counter\n";
    for (std::size_t i = 0; i < static_cast<std::size_t>(store::HubStore::Op::count_); ++i) {
      const auto op = static_cast<store::HubStore::Op>(i);
      out += fmt::format("mamori_hub_store_errors_total{{backend=\"{}\",op=\"{}\"}} {}\n", store->backend(),
                         store::op_name(op), store->counters(op).errors);
    }
  }
  return out;
}

}  // namespace mamori::hub
