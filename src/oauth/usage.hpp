// When to record that something was used: at most once a minute per key, so that "last used" on the
// connect page stays true without a store write on every request.
#pragma once

#include "store/store.hpp"

#include <boost/asio/awaitable.hpp>

#include <spdlog/spdlog.h>

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace mcpedge::oauth {

class UsageThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  explicit UsageThrottle(Clock::duration interval = std::chrono::minutes(1)) : interval_(interval) {}

  // True when `key` was not recorded within the interval; the caller then records it.
  bool due(const std::string& key, Clock::time_point now = Clock::now()) {
    std::lock_guard lock(mutex_);
    if (seen_.size() > k_max_keys) forget_older_than(now - interval_);
    auto [it, inserted] = seen_.try_emplace(key, now);
    if (inserted) return true;
    if (now - it->second < interval_) return false;
    it->second = now;
    return true;
  }

 private:
  static constexpr std::size_t k_max_keys = 100'000;
  void forget_older_than(Clock::time_point limit) {
    std::erase_if(seen_, [limit](const auto& entry) { return entry.second < limit; });
  }

  Clock::duration interval_;
  std::mutex mutex_;
  std::unordered_map<std::string, Clock::time_point> seen_;
};

// Awaits a "last used" write and logs a failure, which costs only that time. Spawned detached (co_spawn
// needs a void result), off the request's path.
inline boost::asio::awaitable<void> record_use(boost::asio::awaitable<store::Result<bool>> touch, std::string what) {
  auto touched = co_await std::move(touch);
  if (!touched) spdlog::debug("recording the use of {}: {}", what, touched.error().message);
}

}  // namespace mcpedge::oauth
