// The cache of opened access tokens: found by digest until the token expires, bounded, expired
// entries evicted first.
#include "oauth/access_token_cache.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace mcpedge::oauth {
namespace {

using namespace std::chrono_literals;
using Clock = AccessTokenCache::Clock;

AccessTokenCache::Found entry(std::string user, Clock::time_point expires_at) {
  auto e = std::make_shared<AccessTokenCache::Entry>();
  e->caller.user = std::move(user);
  e->expires_at = expires_at;
  return e;
}

// A key of the cache's own shape (32 bytes) whose first byte picks the shard; `n` tells keys of one
// shard apart.
std::string key_in_shard(unsigned char shard, unsigned char n) {
  std::string key(32, '\0');
  key[0] = static_cast<char>(shard);
  key[8] = static_cast<char>(n);
  return key;
}

TEST(AccessTokenCache, KeysAreDigestsNotTheTokenItself) {
  const std::string token = "mcpat_" + std::string(200, 'x');
  const std::string key = AccessTokenCache::key_of(token);
  EXPECT_EQ(key.size(), 32u);
  EXPECT_EQ(key.find("mcpat_"), std::string::npos);
  EXPECT_EQ(key, AccessTokenCache::key_of(token));
  EXPECT_NE(key, AccessTokenCache::key_of(token + "y"));
}

TEST(AccessTokenCache, AnEntryIsFoundUntilItsTokenExpiresThenDropped) {
  AccessTokenCache cache;
  const auto now = Clock::now();
  const std::string key = AccessTokenCache::key_of("mcpat_one");
  cache.insert(key, entry("ada", now + 10s), now);
  auto found = cache.find(key, now + 9s);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->caller.user, "ada");
  EXPECT_FALSE(cache.find(AccessTokenCache::key_of("mcpat_two"), now)) << "another token is not a hit";
  EXPECT_FALSE(cache.find(key, now + 10s)) << "at its expiry the token is no longer served from the cache";
  EXPECT_EQ(cache.size(), 0u) << "the expired entry is gone, not only hidden";
}

TEST(AccessTokenCache, ItHoldsAtMostItsCapacityAndKeepsTheNewestEntry) {
  AccessTokenCache cache(64);
  const auto now = Clock::now();
  for (int i = 0; i < 1000; ++i) {
    const std::string key = AccessTokenCache::key_of("mcpat_" + std::to_string(i));
    cache.insert(key, entry(std::to_string(i), now + 1h), now);
    ASSERT_LE(cache.size(), 64u);
    auto found = cache.find(key, now);
    ASSERT_TRUE(found) << "the entry just inserted is always there";
    EXPECT_EQ(found->caller.user, std::to_string(i));
  }
  EXPECT_GE(cache.size(), 32u) << "a full cache stays useful: digests spread over every shard";
}

TEST(AccessTokenCache, AFullShardDropsItsExpiredEntriesBeforeLiveOnes) {
  AccessTokenCache cache(16);  // 8 shards of 2
  const auto now = Clock::now();
  cache.insert(key_in_shard(0, 1), entry("short", now + 10s), now);
  cache.insert(key_in_shard(0, 2), entry("long", now + 1h), now);
  cache.insert(key_in_shard(0, 3), entry("new", now + 1h), now + 20s);
  EXPECT_FALSE(cache.find(key_in_shard(0, 1), now));
  EXPECT_TRUE(cache.find(key_in_shard(0, 2), now + 20s)) << "the live entry survives";
  EXPECT_TRUE(cache.find(key_in_shard(0, 3), now + 20s));
  EXPECT_EQ(cache.size(), 2u);
}

TEST(AccessTokenCache, InsertingTheSameTokenAgainReplacesItsEntry) {
  AccessTokenCache cache(16);
  const auto now = Clock::now();
  cache.insert(key_in_shard(1, 1), entry("a", now + 1h), now);
  cache.insert(key_in_shard(1, 2), entry("b", now + 1h), now);
  cache.insert(key_in_shard(1, 1), entry("a2", now + 1h), now);
  EXPECT_EQ(cache.find(key_in_shard(1, 1), now)->caller.user, "a2");
  EXPECT_TRUE(cache.find(key_in_shard(1, 2), now)) << "replacing is not evicting";
}

TEST(AccessTokenCache, KeysShorterThanADigestStillWork) {
  AccessTokenCache cache(16);
  const auto now = Clock::now();
  for (const std::string key : {"", "a", "0123456789abcde"}) {
    cache.insert(key, entry("user " + key, now + 1h), now);
    auto found = cache.find(key, now);
    ASSERT_TRUE(found) << "key of " << key.size() << " bytes";
    EXPECT_EQ(found->caller.user, "user " + key);
  }
}

TEST(AccessTokenCache, ThreadsShareItSafely) {
  AccessTokenCache cache(256);
  const auto now = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, now, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string key = AccessTokenCache::key_of(std::to_string(t) + ":" + std::to_string(i % 300));
        if (auto found = cache.find(key, now)) {
          EXPECT_EQ(found->caller.user, std::to_string(t));
        } else {
          cache.insert(key, entry(std::to_string(t), now + 1h), now);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(cache.size(), 256u);
}

}  // namespace
}  // namespace mcpedge::oauth
