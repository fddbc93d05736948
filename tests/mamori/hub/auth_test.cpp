#include <gtest/gtest.h>

#include <set>

#include "mamori/hub/auth/api_key_secret.hpp"
#include "mamori/hub/auth/key_cache.hpp"
#include "mamori/hub/rate_limiter.hpp"

namespace mamori::hub {
namespace {

TEST(ApiKeySecret, GeneratedTokensParseToTheStoredHash) {
  std::set<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    auto k = generate_api_key();
    ASSERT_TRUE(k.has_value());
    EXPECT_EQ(k->token.size(), 84u);
    EXPECT_TRUE(k->token.starts_with("mk_" + k->record.id + "_"));
    // The secret itself is nowhere in the record.
    EXPECT_EQ(k->record.secret_hash.size(), 64u);
    EXPECT_EQ(k->token.find(k->record.secret_hash), std::string::npos);
    auto p = parse_api_key_token(k->token);
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->id, k->record.id);
    EXPECT_TRUE(digest_equal(p->secret_hash, k->record.secret_hash));
    auto b = parse_bearer("Bearer " + k->token);
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->secret_hash, k->record.secret_hash);
    EXPECT_TRUE(parse_bearer("bearer  " + k->token + " ").has_value());
    ids.insert(k->record.id);
  }
  EXPECT_EQ(ids.size(), 20u);
}

TEST(ApiKeySecret, MalformedTokensAreRefusedWithoutEchoingThem) {
  auto k = *generate_api_key();
  std::string wrong = k.token;
  wrong.back() = wrong.back() == 'a' ? 'b' : 'a';
  auto p = parse_api_key_token(wrong);
  ASSERT_TRUE(p.has_value());
  EXPECT_FALSE(digest_equal(p->secret_hash, k.record.secret_hash));
  for (std::string bad : {std::string(""), std::string("mk_"), k.token.substr(1), k.token + "0",
                          "xx" + k.token.substr(2), std::string(84, 'z')}) {
    auto r = parse_api_key_token(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    if (bad.size() > 10) {
      EXPECT_EQ(r.error().message.find(bad), std::string::npos);
    }
  }
  EXPECT_FALSE(parse_bearer("Basic " + k.token).has_value());
  EXPECT_FALSE(parse_bearer(k.token).has_value());
  EXPECT_FALSE(digest_equal("ab", "abc"));
}

TEST(RateLimiter, BurstThenRefillPerKey) {
  RateLimiter limiter({10, 3});
  const auto t0 = RateLimiter::Clock::time_point{} + std::chrono::hours(1);
  EXPECT_EQ(limiter.acquire("a", t0), 0u);
  EXPECT_EQ(limiter.acquire("a", t0), 0u);
  EXPECT_EQ(limiter.acquire("a", t0), 0u);
  EXPECT_EQ(limiter.acquire("a", t0), 1u);  // empty: retry after (rounded up) 1 s
  EXPECT_EQ(limiter.acquire("b", t0), 0u);  // another key has its own bucket
  EXPECT_EQ(limiter.acquire("a", t0 + std::chrono::milliseconds(150)), 0u);  // 1.5 tokens refilled
  EXPECT_NE(limiter.acquire("a", t0 + std::chrono::milliseconds(160)), 0u);
  EXPECT_EQ(limiter.acquire("a", t0 + std::chrono::seconds(10)), 0u);

  RateLimiter slow({0.1, 1});
  EXPECT_EQ(slow.acquire("k", t0), 0u);
  EXPECT_EQ(slow.acquire("k", t0), 10u);  // one token per 10 s

  RateLimiter off({0, 0});
  for (int i = 0; i < 100; ++i) EXPECT_EQ(off.acquire("k", t0), 0u);
}

TEST(KeyCache, ExpiresAndInvalidates) {
  KeyCache cache(std::chrono::milliseconds(1000));
  const auto t0 = KeyCache::Clock::time_point{} + std::chrono::hours(1);
  store::ApiKey k;
  k.id = "00000000000000a1";
  k.role = store::Role::analyst;
  EXPECT_FALSE(cache.get(k.id, t0).has_value());
  cache.put(k, t0);
  ASSERT_TRUE(cache.get(k.id, t0 + std::chrono::milliseconds(999)).has_value());
  EXPECT_EQ(cache.get(k.id, t0)->role, store::Role::analyst);
  EXPECT_FALSE(cache.get(k.id, t0 + std::chrono::milliseconds(1000)).has_value());
  cache.put(k, t0);
  cache.invalidate(k.id);
  EXPECT_FALSE(cache.get(k.id, t0).has_value());
  KeyCache off(std::chrono::milliseconds(0));
  off.put(k, t0);
  EXPECT_FALSE(off.get(k.id, t0).has_value());
}

}  // namespace
}  // namespace mamori::hub
