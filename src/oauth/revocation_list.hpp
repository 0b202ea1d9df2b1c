// Revoked grants, in memory: the resource server refuses their access tokens without a store round trip.
// Filled from the store at start and on a timer (other replicas' revocations), and at once by this
// process's own revocations.
#pragma once

#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace mcpedge::oauth {

class RevocationList {
 public:
  bool contains(std::string_view grant) const {
    std::shared_lock lock(mutex_);
    return grants_.contains(std::string(grant));
  }
  void add(std::string grant) {
    std::unique_lock lock(mutex_);
    grants_.insert(std::move(grant));
  }
  // Adds what the store lists; entries are kept until the process ends (a revoked grant never returns).
  void merge(const std::vector<std::string>& grants) {
    std::unique_lock lock(mutex_);
    grants_.insert(grants.begin(), grants.end());
  }

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_set<std::string> grants_;
};

}  // namespace mcpedge::oauth
