#pragma once
// Recently verified API keys, so that an authenticated read costs one store
// round trip rather than two. Entries live `ttl` (default 1 s): a key revoked
// through this hub stops working at once (revocation invalidates the entry);
// through another hub sharing the database, within `ttl`. Only keys that
// exist are cached — unknown ids always go to the store, so random ids cannot
// fill the cache.
#include <array>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "mamori/store/records.hpp"

namespace mamori::hub {

class KeyCache {
 public:
  using Clock = std::chrono::steady_clock;
  explicit KeyCache(std::chrono::milliseconds ttl) : ttl_(ttl) {}

  std::optional<store::ApiKey> get(const std::string& id, Clock::time_point now = Clock::now());
  void put(const store::ApiKey& key, Clock::time_point now = Clock::now());
  void invalidate(const std::string& id);

 private:
  struct Entry {
    store::ApiKey key;
    Clock::time_point expires;
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Entry> entries;
  };
  Shard& shard(const std::string& id) { return shards_[std::hash<std::string>{}(id) % shards_.size()]; }

  std::chrono::milliseconds ttl_;
  std::array<Shard, 16> shards_;
};

}  // namespace mamori::hub
