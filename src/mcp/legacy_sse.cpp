// LegacySse: endpoint event first, replies as `message` events, keep-alive comments, 202 on POST.
#include "mcp/legacy_sse.hpp"

#include "crypto/random.hpp"
#include "http/server.hpp"
#include "http/sse_writer.hpp"
#include "mcp/wire.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/json/parse.hpp>

namespace mcpedge::mcp {

namespace asio = boost::asio;

std::size_t LegacySse::open_channels() const {
  std::lock_guard lock(mutex_);
  return channels_.size();
}

std::shared_ptr<LegacySse::Channel> LegacySse::find(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(id);
  return it == channels_.end() ? nullptr : it->second;
}

asio::awaitable<http::Reply> LegacySse::stream(http::Incoming& in) {
  const http::Request& req = in.request;
  if (auto why = s_.origins.check(req))
    co_return refusal(http::Status::forbidden, k_invalid_request, "Forbidden: " + *why);
  if (!accepts(http::header(req, http::Field::accept), "text/event-stream")) {
    co_return refusal(http::Status::not_acceptable, k_invalid_request, "GET /sse needs Accept: text/event-stream");
  }
  auto caller = co_await s_.auth.authenticate(in);
  if (!caller) co_return std::move(caller.error());
  http::Reply reply = sse_head();
  add_cors(reply, req);
  std::string user = caller->user;
  auto keepalive = s_.config.server.sse_keepalive;
  reply.stream = [this, user, keepalive](http::SseWriter& writer) -> asio::awaitable<void> {
    auto channel = std::make_shared<Channel>();
    channel->mailbox = writer.mailbox_ptr();
    channel->user_key = user;
    std::string id = crypto::random_token(18);
    {
      std::lock_guard lock(mutex_);
      channels_[id] = channel;
    }
    // After the endpoint event the stream only relays replies and keep-alives, for as long as the
    // client stays: the server holds it without a coroutine (see SseWriter::relay).
    auto forget = [this, id] {
      std::lock_guard lock(mutex_);
      channels_.erase(id);
    };
    http::RelaySpec relay{"message", keepalive, std::move(forget)};
    writer.relay(std::move(relay));
    std::string endpoint = messages_path_ + "?session_id=" + id;
    co_await writer.event(endpoint, "endpoint");
  };
  co_return reply;
}

asio::awaitable<http::Reply> LegacySse::message(http::Incoming& in) {
  const http::Request& req = in.request;
  http::Reply reply;
  auto session_id = http::query_param(in.query, "session_id");
  if (!session_id) session_id = http::query_param(in.query, "sessionId");
  std::shared_ptr<Channel> channel = session_id ? find(*session_id) : nullptr;
  boost::system::error_code ec;
  json::value body;
  auto caller = co_await admit(s_, in);
  if (!caller) {
    reply = std::move(caller.error());
  } else if (!session_id || session_id->empty()) {
    reply = refusal(http::Status::bad_request, k_invalid_request,
                    "session_id is required: POST to the URL of the stream's endpoint event");
  } else if (!channel || channel->user_key != caller->user) {
    reply =
        refusal(http::Status::not_found, k_invalid_request, "no open stream has this session_id; open GET /sse again");
  } else if (!is_json_content_type(http::header(req, http::Field::content_type))) {
    reply = refusal(http::Status::unsupported_media_type, k_invalid_request, "Content-Type must be application/json");
  } else if (body = json::parse(req.body(), ec); ec) {
    reply = refusal(http::Status::bad_request, k_parse_error,
                    "Parse error: the body is not valid JSON (" + ec.message() + ")");
  } else if (auto parsed = parse_message(body); !parsed) {
    reply = rpc_reply(http::Status::bad_request, error_text(parsed.error().id, parsed.error().error));
  } else if (auto needed = s_.dispatcher.missing_scopes(*parsed, *caller); !needed.empty()) {
    reply = s_.auth.insufficient_scope(needed);
  } else {
    auto request_copy = std::make_shared<http::Request>(req);
    asio::co_spawn(in.worker.executor(), process(channel, request_copy, std::move(*parsed), *caller, in.worker),
                   asio::detached);
    reply = http::text_reply(http::Status::accepted, "Accepted");
  }
  add_cors(reply, req);
  co_return reply;
}

asio::awaitable<void> LegacySse::process(std::shared_ptr<Channel> channel, std::shared_ptr<http::Request> request,
                                         Message message, Caller caller, http::Worker& worker) {
  Revision revision;
  json::object caps;
  {
    std::lock_guard lock(channel->mutex);
    revision = channel->revision;
    caps = channel->client_capabilities;
  }
  RequestContext ctx{revision, false, std::move(caller), std::move(caps), worker, *request};
  Outcome outcome = co_await s_.dispatcher.handle(ctx, message);
  if (outcome.negotiated) {
    std::lock_guard lock(channel->mutex);
    channel->revision = *outcome.negotiated;
    channel->client_capabilities = outcome.initialize_capabilities;
  }
  if (!outcome.body.empty()) channel->mailbox->push(std::move(outcome.body));
}

}  // namespace mcpedge::mcp
