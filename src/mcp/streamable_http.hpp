// Streamable HTTP at /mcp and /mcp/: every revision from 2025-03-26 to 2026-07-28 on one URL.
#pragma once

#include "config/config.hpp"
#include "http/message.hpp"
#include "mcp/dispatcher.hpp"
#include "mcp/origin.hpp"
#include "mcp/poll_registry.hpp"
#include "mcp/session.hpp"

#include <boost/asio/awaitable.hpp>

namespace mcpedge::mcp {

// What the MCP transports share: the dispatcher and the per-process state around it.
struct TransportState {
  const Dispatcher& dispatcher;
  const SessionCodec& sessions;
  TerminatedSessions& terminated;
  const OriginPolicy& origins;
  PollRegistry& polls;
  const config::Config& config;
  const Authenticator& auth;
};

// The Origin check (403) and then authentication (401), in that order, as every MCP endpoint does first.
boost::asio::awaitable<Expected<Caller, http::Reply>> admit(const TransportState& state, http::Incoming& in);

class StreamableHttp {
 public:
  explicit StreamableHttp(TransportState state) : s_(state) {}

  boost::asio::awaitable<http::Reply> post(http::Incoming& in);
  // Resumes a polled stream (Last-Event-ID); without one, 405: the server sends nothing unprompted.
  boost::asio::awaitable<http::Reply> get(http::Incoming& in);
  boost::asio::awaitable<http::Reply> remove(http::Incoming& in);

 private:
  boost::asio::awaitable<http::Reply> post_message(http::Incoming& in, const json::value& body, const Caller& caller);
  boost::asio::awaitable<http::Reply> post_batch(http::Incoming& in, const json::array& batch, const Caller& caller);
  boost::asio::awaitable<http::Reply> poll_call(http::Incoming& in, const Message& message, RequestContext& ctx,
                                                std::chrono::milliseconds poll_after);
  boost::asio::awaitable<void> run_polled(std::string stream_id, Message message,
                                          std::shared_ptr<http::Request> request, RequestContext ctx);
  // nullopt when there is no session header; a 404 reply when it names no live session.
  std::optional<http::Reply> open_session(const http::Request& request, const Caller& caller,
                                          std::optional<Session>& session) const;

  TransportState s_;
};

}  // namespace mcpedge::mcp
