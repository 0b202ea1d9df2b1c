// Revoked ids of one kind (grants, registered clients), in memory: the resource server refuses a
// revoked grant's access tokens, and the authorization server a revoked client, without a store round
// trip. Filled from the store at start and on a timer (other replicas' revocations, and whatever else
// writes the store's revocation list), and at once by this process's own revocations.
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
  bool contains(std::string_view id) const {
    std::shared_lock lock(mutex_);
    return ids_.contains(std::string(id));
  }
  void add(std::string id) {
    std::unique_lock lock(mutex_);
    ids_.insert(std::move(id));
  }
  // Adds what the store lists; entries are kept until the process ends (a revoked id never returns).
  void merge(const std::vector<std::string>& ids) {
    std::unique_lock lock(mutex_);
    ids_.insert(ids.begin(), ids.end());
  }

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_set<std::string> ids_;
};

}  // namespace mcpedge::oauth
