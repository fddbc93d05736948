#pragma once
// Per-key token buckets: each API key may make `rate` requests per second on
// average with bursts of `burst`. Buckets live in memory (one hub process);
// hubs sharing a database each limit on their own.
#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace mamori::hub {

class RateLimiter {
 public:
  struct Options {
    double rate = 100;    // tokens per second; <= 0 disables limiting
    double burst = 200;   // bucket size
  };
  using Clock = std::chrono::steady_clock;

  explicit RateLimiter(Options options) : options_(options) {}

  // Takes one token. Returns 0 when allowed, else the seconds (rounded up, at
  // least 1) until a token is available, for Retry-After.
  std::uint32_t acquire(const std::string& key, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point last{};
  };
  // Sharded so that concurrent requests of different keys rarely contend.
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Bucket> buckets;
  };
  Options options_;
  std::array<Shard, 16> shards_;
};

}  // namespace mamori::hub
