// The 2024-11-05 HTTP+SSE transport: GET /sse opens a stream, POST /messages feeds it.
#pragma once

#include "mcp/streamable_http.hpp"

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace mcpedge::mcp {

class LegacySse {
 public:
  LegacySse(TransportState state, std::string messages_path) : s_(state), messages_path_(std::move(messages_path)) {}

  boost::asio::awaitable<http::Reply> stream(http::Incoming& in);   // GET /sse
  boost::asio::awaitable<http::Reply> message(http::Incoming& in);  // POST /messages?session_id=…

  std::size_t open_channels() const;

 private:
  // One open /sse stream; replies to its POSTs go into its mailbox.
  struct Channel {
    std::shared_ptr<http::Mailbox> mailbox;
    std::string user_key;
    std::mutex mutex;  // guards revision and capabilities, set by initialize
    Revision revision = Revision::v2024_11_05;
    json::object client_capabilities;
  };
  std::shared_ptr<Channel> find(const std::string& id) const;
  boost::asio::awaitable<void> process(std::shared_ptr<Channel> channel, std::shared_ptr<http::Request> request,
                                       Message message, Caller caller, http::Worker& worker);

  TransportState s_;
  std::string messages_path_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<Channel>> channels_;
};

}  // namespace mcpedge::mcp
