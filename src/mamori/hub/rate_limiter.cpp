#include "mamori/hub/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace mamori::hub {

std::uint32_t RateLimiter::acquire(const std::string& key, Clock::time_point now) {
  if (options_.rate <= 0) return 0;
  auto& shard = shards_[std::hash<std::string>{}(key) % shards_.size()];
  std::lock_guard lock(shard.mutex);
  auto [it, fresh] = shard.buckets.try_emplace(key);
  Bucket& b = it->second;
  if (fresh) {
    b.tokens = options_.burst;
  } else {
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(options_.burst, b.tokens + std::max(0.0, elapsed) * options_.rate);
  }
  b.last = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  const double wait = (1 - b.tokens) / options_.rate;
  return static_cast<std::uint32_t>(std::max(1.0, std::ceil(wait)));
}

}  // namespace mamori::hub
