#include "mamori/hub/auth/key_cache.hpp"

namespace mamori::hub {

namespace {
// Bounds memory whatever the number of keys: a full shard is simply cleared.
constexpr std::size_t kMaxPerShard = 4096;
}  // namespace

std::optional<store::ApiKey> KeyCache::get(const std::string& id, Clock::time_point now) {
  if (ttl_.count() <= 0) return std::nullopt;
  auto& s = shard(id);
  std::lock_guard lock(s.mutex);
  auto it = s.entries.find(id);
  if (it == s.entries.end()) return std::nullopt;
  if (it->second.expires <= now) {
    s.entries.erase(it);
    return std::nullopt;
  }
  return it->second.key;
}

void KeyCache::put(const store::ApiKey& key, Clock::time_point now) {
  if (ttl_.count() <= 0) return;
  auto& s = shard(key.id);
  std::lock_guard lock(s.mutex);
  if (s.entries.size() >= kMaxPerShard) s.entries.clear();
  s.entries[key.id] = Entry{key, now + ttl_};
}

void KeyCache::invalidate(const std::string& id) {
  auto& s = shard(id);
  std::lock_guard lock(s.mutex);
  s.entries.erase(id);
}

}  // namespace mamori::hub
