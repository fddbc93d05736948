#include "mamori/sensor/hub_poster.hpp"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <array>
#include <cstdio>
#include <fstream>

#include "mamori/crypto/encoding.hpp"

namespace mamori::sensor {

Result<std::unique_ptr<HubPoster>> HubPoster::start(HubPosterOptions options, const std::string& key_file) {
  std::ifstream f(key_file);
  if (!f) return fail(Errc::io_error, "cannot read the hub key file {}", key_file);
  std::string key;
  std::getline(f, key);
  while (!key.empty() && (key.back() == '\r' || key.back() == ' ')) key.pop_back();
  if (key.empty()) return fail(Errc::invalid_argument, "the hub key file {} is empty", key_file);
  options.client.key = std::move(key);
  if (auto url = hub::parse_hub_url(options.client.url); !url) return tl::unexpected(url.error());
  return start(std::move(options));
}

std::unique_ptr<HubPoster> HubPoster::start(HubPosterOptions options) {
  std::unique_ptr<HubPoster> p(new HubPoster(std::move(options)));
  p->thread_ = std::thread([raw = p.get()] { raw->run(); });
  return p;
}

HubPoster::HubPoster(HubPosterOptions options) : options_(std::move(options)) {
  if (options_.batch_max == 0 || options_.batch_max > 1000) options_.batch_max = 1000;
  std::array<std::uint8_t, 8> r{};
  if (RAND_bytes(r.data(), static_cast<int>(r.size())) != 1) r.fill(0);
  run_id_ = crypto::hex_encode(r);
}

HubPoster::~HubPoster() {
  (void)finish(std::chrono::milliseconds(0));
}

bool HubPoster::offer(std::string finding_json) {
  {
    std::lock_guard lock(mutex_);
    ++stats_.offered;
    if (stopping_ || queue_.size() >= options_.queue_capacity) {
      ++stats_.dropped;
      return false;
    }
    queue_.push_back(std::move(finding_json));
  }
  wake_.notify_one();
  return true;
}

HubPosterStats HubPoster::stats() const {
  std::lock_guard lock(mutex_);
  HubPosterStats s = stats_;
  s.unsent = queue_.size();
  return s;
}

HubPosterStats HubPoster::finish(std::chrono::milliseconds timeout) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      stopping_ = true;
      give_up_ = std::chrono::steady_clock::now() + timeout;
    }
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  return stats();
}

bool HubPoster::send(const std::deque<std::string>& batch, std::uint64_t sequence) {
  std::string body = "{\"findings\":[";
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (i) body += ',';
    body += batch[i];
  }
  body += "]}";
  const std::vector<std::pair<std::string, std::string>> headers = {
      {"Idempotency-Key", fmt::format("sensor-{}-{}", run_id_, sequence)}};
  auto r = hub::hub_request(options_.client, "POST", "/v1/findings", body, headers);
  std::lock_guard lock(mutex_);
  if (r && (r->status == 200 || r->status == 201)) {
    stats_.posted += batch.size();
    ++stats_.batches;
    return true;
  }
  if (r && r->status >= 400 && r->status < 500 && r->status != 429 && r->status != 408) {
    // The hub will not take this batch however often it is sent.
    if (stats_.rejected == 0)
      std::fprintf(stderr, "mamori: sensor: the hub refused a batch of findings: %s\n",
                   hub::describe_error(*r).c_str());
    stats_.rejected += batch.size();
    return true;
  }
  ++stats_.retries;
  return false;
}

void HubPoster::run() {
  std::uint64_t sequence = 0;
  std::deque<std::string> batch;
  auto backoff = options_.retry_min;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (batch.empty()) {
        // Wait for a full batch, the flush interval, or the end.
        wake_.wait_for(lock, options_.flush_interval,
                       [&] { return stopping_ || queue_.size() >= options_.batch_max; });
        if (queue_.empty()) {
          if (stopping_) return;
          continue;
        }
        while (!queue_.empty() && batch.size() < options_.batch_max) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
        ++sequence;
      }
      if (stopping_ && std::chrono::steady_clock::now() >= give_up_) {
        // Out of time: what is left counts as unsent.
        for (auto& b : batch) queue_.push_front(std::move(b));
        return;
      }
    }
    if (send(batch, sequence)) {
      batch.clear();
      backoff = options_.retry_min;
      continue;
    }
    std::unique_lock lock(mutex_);
    const auto wait = stopping_ ? std::min(backoff, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                        give_up_ - std::chrono::steady_clock::now()))
                                : backoff;
    if (wait.count() > 0) wake_.wait_for(lock, wait, [&] { return false; });
    backoff = std::min(backoff * 2, options_.retry_max);
  }
}

}  // namespace mamori::sensor
