// SSE polling [2025-11-25]: results of calls whose POST stream closed early, until resumed by GET.
#pragma once

#include "http/mailbox.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace mcpedge::mcp {

// One process holds the stream it opened (the state model's "pinned" item); event ids are
// "<stream id>.<n>" with a random stream id, so they are unique across all streams.
class PollRegistry {
 public:
  enum class Attach { unknown, forbidden, ready, waiting };

  std::string open(std::string user_key);
  // Stores the serialized response and hands it to every attached stream.
  void complete(const std::string& stream_id, std::string response);
  // Ready: `out` holds the response. Waiting: it will be pushed into `mailbox`.
  // The same verdict without registering anything (ready means a response is stored).
  Attach peek(const std::string& stream_id, const std::string& user_key);
  Attach attach(const std::string& stream_id, const std::string& user_key,
                const std::shared_ptr<http::Mailbox>& mailbox, std::string& out);

 private:
  struct Entry {
    std::string user_key;
    std::optional<std::string> response;
    std::vector<std::weak_ptr<http::Mailbox>> waiters;
    std::chrono::steady_clock::time_point expires;
  };
  void prune(std::chrono::steady_clock::time_point now);

  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

// "abc.1" -> {"abc", 1}; nullopt for anything else.
std::optional<std::pair<std::string, int>> parse_event_id(std::string_view id);

}  // namespace mcpedge::mcp
