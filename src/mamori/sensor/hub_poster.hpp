#pragma once
// Posting a sensor's findings to a hub (`mamori sensor run --detect --hub URL
// --hub-key-file F`). The data path only offers findings to a bounded queue
// and never waits: when the queue is full (a slow or absent hub) the finding
// is dropped and counted. One background thread sends batches to
// POST /v1/findings with a carrier key, each batch under its own
// Idempotency-Key so a retry after a lost response is not counted twice, and
// retries transient failures (no connection, 429, 5xx) with backoff; a batch
// the hub refuses (other 4xx) is dropped and counted.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "mamori/core/result.hpp"
#include "mamori/hub/client/hub_client.hpp"

namespace mamori::sensor {

struct HubPosterOptions {
  hub::ClientOptions client;
  std::size_t queue_capacity = 10000;  // findings waiting to be sent
  std::size_t batch_max = 500;         // findings per request (the hub takes at most 1000)
  std::chrono::milliseconds flush_interval{1000};
  std::chrono::milliseconds retry_min{250};
  std::chrono::milliseconds retry_max{8000};
};

struct HubPosterStats {
  std::uint64_t offered = 0;
  std::uint64_t dropped = 0;   // queue full
  std::uint64_t posted = 0;    // findings the hub acknowledged
  std::uint64_t batches = 0;   // acknowledged requests
  std::uint64_t retries = 0;   // failed attempts that were retried
  std::uint64_t rejected = 0;  // findings in batches the hub refused (4xx)
  std::uint64_t unsent = 0;    // still queued when finish() gave up
};

class HubPoster {
 public:
  // Reads the carrier key from `key_file` (one line, mk_...; never logged).
  static Result<std::unique_ptr<HubPoster>> start(HubPosterOptions options, const std::string& key_file);
  static std::unique_ptr<HubPoster> start(HubPosterOptions options);
  ~HubPoster();
  HubPoster(const HubPoster&) = delete;
  HubPoster& operator=(const HubPoster&) = delete;

  // Never blocks on the network: queues one finding (a JSON object), or drops
  // and counts it when the queue is full. Returns whether it was queued.
  bool offer(std::string finding_json);
  // Sends what is queued, waiting at most `timeout`, then stops the thread.
  HubPosterStats finish(std::chrono::milliseconds timeout);
  HubPosterStats stats() const;

 private:
  explicit HubPoster(HubPosterOptions options);
  void run();
  // One attempt; true when the batch is done with (acknowledged or refused).
  bool send(const std::deque<std::string>& batch, std::uint64_t sequence);

  HubPosterOptions options_;
  std::string run_id_;  // random, so Idempotency-Keys differ between runs
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::string> queue_;
  HubPosterStats stats_;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point give_up_{};
  std::thread thread_;
};

}  // namespace mamori::sensor
