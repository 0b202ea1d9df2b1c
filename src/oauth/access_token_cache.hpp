// Access tokens this process has already opened, so that the next request with the same token skips
// decoding, decryption, parsing and building its caller.
//
// Only a token that opened with this process's keys for this resource is added, and the key ring does
// not change while the process runs, so a hit gives what opening the token again would give. Expiry
// is checked on every lookup; revocation is not cached at all (the bearer check asks the revocation
// list on every request, hit or miss). Entries are found by the token's SHA-256, never by the token
// itself: a lookup compares digests, so its timing says nothing about any stored token's bytes.
#pragma once

#include "mcp/caller.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mcpedge::oauth {

class AccessTokenCache {
 public:
  using Clock = std::chrono::system_clock;

  // What the bearer check needs from an opened access token.
  struct Entry {
    mcp::Caller caller;            // as sent upstream, scopes included
    Clock::time_point expires_at;  // the token's own expiry
    std::string grant;             // refresh-token family id, for the revocation check
    std::string subject;           // for the connect page's "last used"
    std::string client_id;
    std::string usage_key;  // subject "\n" client_id: the usage throttle's key
  };
  using Found = std::shared_ptr<const Entry>;

  // At most `capacity` entries (rounded up to a multiple of the shard count); when a shard is full,
  // its expired entries go first, then one entry of its choosing.
  explicit AccessTokenCache(std::size_t capacity = k_default_capacity);

  // The lookup key of a presented token (its SHA-256).
  static std::string key_of(std::string_view token);

  // The entry under `key` unless it has expired at `now` (an expired entry is dropped); null if none.
  Found find(const std::string& key, Clock::time_point now);
  void insert(std::string key, Found entry, Clock::time_point now);

  std::size_t size() const;

 private:
  static constexpr std::size_t k_default_capacity = 4096;
  static constexpr std::size_t k_shards = 8;

  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, Found> entries;
  };

  Shard& shard_for(const std::string& key);

  std::size_t shard_capacity_;
  std::array<Shard, k_shards> shards_;
};

}  // namespace mcpedge::oauth
