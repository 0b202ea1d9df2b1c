// 2025-era sessions: the Mcp-Session-Id is a sealed box, so any replica can serve it.
#pragma once

#include "base/expected.hpp"
#include "base/revision.hpp"
#include "crypto/key_ring.hpp"
#include "crypto/sealed_box.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace mcpedge::mcp {

struct Session {
  Revision revision = Revision::v2025_03_26;
  std::string user_key;  // derived from the caller's credential; empty for anonymous callers
  boost::json::object client_capabilities;
};

// A short, non-reversible key for "who is calling", used to bind sessions and streams to a user.
std::string user_key_for(std::string_view credential);

class SessionCodec {
 public:
  SessionCodec(std::shared_ptr<const crypto::KeyRing> keys, std::chrono::seconds ttl);
  std::string issue(const Session& session) const;
  Expected<Session, crypto::OpenError> open(std::string_view id) const;

 private:
  std::shared_ptr<const crypto::KeyRing> keys_;
  std::chrono::seconds ttl_;
};

// Sessions ended by DELETE, until they would have expired anyway.
// (One process; the store's revocation list takes this over for several replicas.)
class TerminatedSessions {
 public:
  void add(std::string_view id, std::chrono::seconds ttl);
  bool contains(std::string_view id) const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> ended_;
};

}  // namespace mcpedge::mcp
