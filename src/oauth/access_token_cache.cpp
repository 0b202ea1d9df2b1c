// Access tokens this process has already opened, by digest, with their expiry checked on each lookup.
#include "oauth/access_token_cache.hpp"

#include "crypto/encoding.hpp"

#include <algorithm>

namespace mcpedge::oauth {

AccessTokenCache::AccessTokenCache(std::size_t capacity)
    : shard_capacity_(std::max<std::size_t>(1, (capacity + k_shards - 1) / k_shards)) {}

std::string AccessTokenCache::key_of(std::string_view token) { return crypto::sha256(token); }

AccessTokenCache::Shard& AccessTokenCache::shard_for(const std::string& key) {
  // The digest's first byte picks the shard (the map hashes the whole key).
  const auto first = key.empty() ? 0u : static_cast<unsigned char>(key.front());
  return shards_[first % k_shards];
}

AccessTokenCache::Found AccessTokenCache::find(const std::string& key, Clock::time_point now) {
  Shard& shard = shard_for(key);
  std::lock_guard lock(shard.mutex);
  auto it = shard.entries.find(key);
  if (it == shard.entries.end()) return nullptr;
  if (now >= it->second->expires_at) {
    shard.entries.erase(it);
    return nullptr;
  }
  return it->second;
}

void AccessTokenCache::insert(std::string key, Found entry, Clock::time_point now) {
  Shard& shard = shard_for(key);
  std::lock_guard lock(shard.mutex);
  if (shard.entries.size() >= shard_capacity_ && !shard.entries.contains(key)) {
    std::erase_if(shard.entries, [now](const auto& e) { return now >= e.second->expires_at; });
    // Still full: any entry will do. Bucket order follows the digests, which nobody chooses.
    if (shard.entries.size() >= shard_capacity_) shard.entries.erase(shard.entries.begin());
  }
  shard.entries.insert_or_assign(std::move(key), std::move(entry));
}

std::size_t AccessTokenCache::size() const {
  std::size_t n = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    n += shard.entries.size();
  }
  return n;
}

}  // namespace mcpedge::oauth
