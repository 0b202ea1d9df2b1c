// StreamableHttp: POST (JSON or SSE replies, batches for 2025-03-26, sessions, polling), GET, DELETE.
#include "mcp/streamable_http.hpp"

#include "crypto/random.hpp"
#include "http/server.hpp"
#include "http/sse_writer.hpp"
#include "mcp/era.hpp"
#include "mcp/wire.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/json/parse.hpp>

namespace mcpedge::mcp {

namespace asio = boost::asio;

namespace {

constexpr int k_session_not_found = -32001;  // TS SDK's code for 404 session answers (de facto)

// A reply as one SSE event [2025-11-25: after a priming event with an id].
http::Reply sse_reply(std::string body, bool prime, std::chrono::milliseconds retry) {
  http::Reply reply = sse_head();
  reply.stream = [body = std::move(body), prime, retry](http::SseWriter& writer) -> asio::awaitable<void> {
    if (prime) {
      std::string id = crypto::random_token(12) + ".0";  // unique across streams (transports.mdx#resumability)
      co_await writer.prime(id, retry);
    }
    co_await writer.event(body);
  };
  return reply;
}

}  // namespace

asio::awaitable<Expected<Caller, http::Reply>> admit(const TransportState& state, http::Incoming& in) {
  if (auto why = state.origins.check(in.request))
    co_return Unexpected{refusal(http::Status::forbidden, k_invalid_request, "Forbidden: " + *why)};
  co_return co_await state.auth.authenticate(in);
}

std::optional<http::Reply> StreamableHttp::open_session(const http::Request& request, const Caller& caller,
                                                        std::optional<Session>& session) const {
  std::string_view id = http::header(request, "Mcp-Session-Id");
  if (id.empty()) return std::nullopt;
  auto not_found = [] {
    return refusal(http::Status::not_found, k_session_not_found,
                   "session not found or ended; send initialize to start a new one");
  };
  if (s_.terminated.contains(id)) return not_found();
  auto opened = s_.sessions.open(id);
  if (!opened) return not_found();
  if (opened->user_key != caller.user) return not_found();  // bound to its user
  session = std::move(*opened);
  return std::nullopt;
}

asio::awaitable<http::Reply> StreamableHttp::post(http::Incoming& in) {
  const http::Request& req = in.request;
  http::Reply reply;
  auto caller = co_await admit(s_, in);
  if (!caller) {
    reply = std::move(caller.error());
  } else if (!is_json_content_type(http::header(req, http::Field::content_type))) {
    reply = refusal(http::Status::unsupported_media_type, k_invalid_request,
                    "Content-Type must be application/json (got \"" +
                        std::string(http::header(req, http::Field::content_type)) + "\")");
  } else if (std::string_view accept = http::header(req, http::Field::accept);
             !accepts(accept, "application/json") && !accepts(accept, "text/event-stream")) {
    reply = refusal(http::Status::not_acceptable, k_invalid_request,
                    "Accept must include application/json and text/event-stream (got \"" + std::string(accept) + "\")");
  } else {
    boost::system::error_code ec;
    json::value body = json::parse(req.body(), ec);
    if (ec) {
      reply = refusal(http::Status::bad_request, k_parse_error,
                      "Parse error: the body is not valid JSON (" + ec.message() + ")");
    } else if (body.is_array()) {
      reply = co_await post_batch(in, body.as_array(), *caller);
    } else {
      reply = co_await post_message(in, body, *caller);
    }
  }
  add_cors(reply, req);
  co_return reply;
}

asio::awaitable<http::Reply> StreamableHttp::post_message(http::Incoming& in, const json::value& body,
                                                          const Caller& caller) {
  const http::Request& req = in.request;
  auto parsed = parse_message(body);
  if (!parsed) co_return rpc_reply(http::Status::bad_request, error_text(parsed.error().id, parsed.error().error));
  const Message& message = *parsed;

  // Modern requests ignore sessions (streamable-http.mdx#earlier-streamable-http-revisions).
  bool has_meta_version = false;
  if (const auto* meta = message.params.if_contains("_meta"); meta && meta->is_object()) {
    has_meta_version = meta->as_object().contains(k_meta_protocol_version);
  }
  std::optional<Session> session;
  if (!has_meta_version && message.method != "initialize") {
    if (auto refused = open_session(req, caller, session)) co_return std::move(*refused);
  }
  auto classified = classify(req, message, session ? std::optional(session->revision) : std::nullopt);
  if (!classified) co_return rejection_reply(classified.error(), message.id);
  if (classified->modern) {
    if (auto rejected = check_routing_headers(req, message)) co_return rejection_reply(*rejected, message.id);
  }
  if (message.kind != Message::Kind::request) co_return http::make_reply(http::Status::accepted, "", "text/plain");
  if (auto needed = s_.dispatcher.missing_scopes(message, caller); !needed.empty())
    co_return s_.auth.insufficient_scope(needed);

  RequestContext ctx{
      classified->revision,
      classified->modern,
      caller,
      classified->modern ? classified->client_capabilities : (session ? session->client_capabilities : json::object{}),
      in.worker,
      req};
  std::string_view accept = http::header(req, http::Field::accept);
  bool sse_ok = !accept.empty() && accepts(accept, "text/event-stream");
  bool json_ok = accepts(accept, "application/json");

  if (!ctx.modern && message.method == "tools/call" && sse_ok && ctx.revision >= Revision::v2025_11_25) {
    const auto* name = message.params.if_contains("name");
    const tools::Tool* tool = name && name->is_string() ? s_.dispatcher.find_tool(name->as_string()) : nullptr;
    if (tool && tool->config.poll_after) co_return co_await poll_call(in, message, ctx, *tool->config.poll_after);
  }

  Outcome outcome = co_await s_.dispatcher.handle(ctx, message);
  if (outcome.body.empty()) co_return http::make_reply(http::Status::accepted, "", "text/plain");
  http::Reply reply;
  if (outcome.status == http::Status::ok && sse_ok && !json_ok) {
    reply = sse_reply(std::move(outcome.body), !ctx.modern && ctx.revision >= Revision::v2025_11_25,
                      s_.config.server.sse_retry);
  } else {
    reply = rpc_reply(outcome.status, std::move(outcome.body));
  }
  if (outcome.negotiated && s_.config.server.sessions) {
    Session fresh{*outcome.negotiated, caller.user, outcome.initialize_capabilities};
    reply.head.set("Mcp-Session-Id", s_.sessions.issue(fresh));
  }
  co_return reply;
}

asio::awaitable<http::Reply> StreamableHttp::post_batch(http::Incoming& in, const json::array& batch,
                                                        const Caller& caller) {
  const http::Request& req = in.request;
  std::optional<Session> session;
  if (auto refused = open_session(req, caller, session)) co_return std::move(*refused);
  auto header = header_revision(req);
  if (!header) co_return rejection_reply(header.error(), nullptr);
  Revision revision = header->value_or(session ? session->revision : Revision::v2025_03_26);
  if (!has_batches(revision)) {
    co_return refusal(http::Status::bad_request, k_invalid_request,
                      "JSON-RPC batches exist only in protocol revision 2025-03-26; this request speaks " +
                          std::string(to_string(revision)) + ": send one message per POST");
  }
  if (batch.empty())
    co_return refusal(http::Status::bad_request, k_invalid_request, "an empty batch is not a valid request");
  std::string responses;
  for (const auto& item : batch) {
    auto parsed = parse_message(item);
    std::string one;
    if (!parsed) {
      one = error_text(parsed.error().id, parsed.error().error);
    } else if (parsed->method == "initialize") {
      one = error_text(
          parsed->id,
          RpcError{k_invalid_request, "initialize must not be part of a batch (2025-03-26 lifecycle)", std::nullopt});
    } else if (auto needed = s_.dispatcher.missing_scopes(*parsed, caller); !needed.empty()) {
      co_return s_.auth.insufficient_scope(needed);
    } else {
      RequestContext ctx{revision,  false, caller, session ? session->client_capabilities : json::object{},
                         in.worker, req};
      one = (co_await s_.dispatcher.handle(ctx, *parsed)).body;
    }
    if (one.empty()) continue;
    responses += responses.empty() ? "[" : ",";
    responses += one;
  }
  if (responses.empty()) co_return http::make_reply(http::Status::accepted, "", "text/plain");
  responses += ']';
  co_return rpc_reply(http::Status::ok, std::move(responses));
}

// SSE polling (2025-11-25 transports.mdx#sending-messages-to-the-server): prime the stream with an
// event id, close it if the call takes longer than `poll_after`, and deliver the response when
// the client resumes with GET + Last-Event-ID.
asio::awaitable<http::Reply> StreamableHttp::poll_call(http::Incoming& in, const Message& message, RequestContext& ctx,
                                                       std::chrono::milliseconds poll_after) {
  std::string user = ctx.caller.user;
  std::string stream_id = s_.polls.open(user);
  // A coroutine's parameters live in its frame; a capturing lambda's captures would not.
  auto request_copy = std::make_shared<http::Request>(in.request);
  RequestContext call_ctx{ctx.revision, false, ctx.caller, ctx.client_capabilities, in.worker, *request_copy};
  auto job = run_polled(stream_id, message, request_copy, std::move(call_ctx));
  asio::co_spawn(in.worker.executor(), std::move(job), asio::detached);

  http::Reply reply = sse_head();
  auto retry = s_.config.server.sse_retry;
  reply.stream = [this, stream_id, user, poll_after, retry](http::SseWriter& writer) -> asio::awaitable<void> {
    std::string response;
    auto state = s_.polls.attach(stream_id, user, writer.mailbox_ptr(), response);
    if (!co_await writer.prime(stream_id + ".0", retry)) co_return;
    if (state != PollRegistry::Attach::ready) {
      auto waited = co_await writer.mailbox().wait(poll_after, response);
      if (waited != http::Mailbox::Wait::message) co_return;  // closed early: the client resumes by GET
    }
    co_await writer.event(response, "", stream_id + ".1");
  };
  co_return reply;
}

asio::awaitable<void> StreamableHttp::run_polled(std::string stream_id, Message message,
                                                 std::shared_ptr<http::Request> request, RequestContext ctx) {
  Outcome outcome = co_await s_.dispatcher.handle(ctx, message);
  s_.polls.complete(stream_id, std::move(outcome.body));
  (void)request;  // keeps the request that ctx.http refers to alive until the call is done
}

asio::awaitable<http::Reply> StreamableHttp::get(http::Incoming& in) {
  const http::Request& req = in.request;
  http::Reply reply;
  auto caller = co_await admit(s_, in);
  std::optional<Session> session;
  std::string_view last_event = http::header(req, "Last-Event-ID");
  if (!caller) {
    reply = std::move(caller.error());
  } else if (!accepts(http::header(req, http::Field::accept), "text/event-stream")) {
    reply = refusal(http::Status::not_acceptable, k_invalid_request, "GET needs Accept: text/event-stream");
  } else if (auto refused = open_session(req, *caller, session)) {
    reply = std::move(*refused);
  } else if (last_event.empty()) {
    reply = http::error_reply(
        http::Status::method_not_allowed,
        "this server sends nothing unprompted, so it opens no standalone GET stream; POST requests instead");
    reply.head.set(http::Field::allow, "POST, DELETE");
  } else {
    auto event = parse_event_id(last_event);
    std::string user = caller->user;
    PollRegistry::Attach state = event ? s_.polls.peek(event->first, user) : PollRegistry::Attach::unknown;
    if (state == PollRegistry::Attach::unknown || state == PollRegistry::Attach::forbidden) {
      reply = refusal(http::Status::not_found, k_invalid_request,
                      "Last-Event-ID \"" + std::string(last_event) + "\" names no stream that can be resumed");
    } else {
      reply = sse_head();
      auto keepalive = s_.config.server.sse_keepalive;
      reply.stream = [this, stream_id = event->first, user,
                      keepalive](http::SseWriter& writer) -> asio::awaitable<void> {
        std::string body;
        auto attached = s_.polls.attach(stream_id, user, writer.mailbox_ptr(), body);
        while (attached == PollRegistry::Attach::waiting) {
          auto waited = co_await writer.mailbox().wait(keepalive, body);
          if (waited == http::Mailbox::Wait::message) break;
          if (waited == http::Mailbox::Wait::closed) co_return;
          if (!co_await writer.comment("keepalive")) co_return;
        }
        co_await writer.event(body, "", stream_id + ".1");
      };
    }
  }
  add_cors(reply, req);
  co_return reply;
}

asio::awaitable<http::Reply> StreamableHttp::remove(http::Incoming& in) {
  const http::Request& req = in.request;
  http::Reply reply;
  auto caller = co_await admit(s_, in);
  std::optional<Session> session;
  if (!caller) {
    reply = std::move(caller.error());
  } else if (http::header(req, "Mcp-Session-Id").empty()) {
    reply = refusal(http::Status::bad_request, k_invalid_request,
                    "DELETE needs the Mcp-Session-Id header of the session to end");
  } else if (auto refused = open_session(req, *caller, session)) {
    reply = std::move(*refused);
  } else {
    s_.terminated.add(http::header(req, "Mcp-Session-Id"), s_.config.server.session_ttl);
    reply = http::make_reply(http::Status::ok, "", "text/plain");
  }
  add_cors(reply, req);
  co_return reply;
}

}  // namespace mcpedge::mcp
