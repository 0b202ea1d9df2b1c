// Shared wire helpers for the Streamable HTTP and legacy SSE transports.
#include "mcp/wire.hpp"
#include "base/ascii.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace mcpedge::mcp {

namespace {}  // namespace

std::string credential_of(const http::Request& request) {
  std::string_view auth = http::header(request, http::Field::authorization);
  if (auth.size() > 7 && ascii_lower(auth.substr(0, 7)) == "bearer ") {
    auto token = auth.substr(7);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    return std::string(token);
  }
  return std::string(http::header(request, "X-API-Key"));
}

http::Reply rpc_reply(http::Status status, std::string body) {
  return http::make_reply(status, std::move(body), "application/json");
}

http::Reply rejection_reply(const Rejection& rejection, const json::value& id) {
  return rpc_reply(rejection.status, error_text(id, rejection.error));
}

http::Reply refusal(http::Status status, int code, std::string message) {
  return rpc_reply(status, error_text(nullptr, RpcError{code, std::move(message), std::nullopt}));
}

http::Reply sse_head() {
  http::Reply reply = http::make_reply(http::Status::ok, "", "text/event-stream");
  reply.head.set(http::Field::cache_control, "no-cache");
  reply.head.set("X-Accel-Buffering", "no");
  return reply;
}

http::Reply credential_required() {
  http::Reply reply = refusal(http::Status::unauthorized, k_invalid_request,
                              "this server needs a credential: send Authorization: Bearer <token> or X-API-Key: <key>");
  reply.head.set(http::Field::www_authenticate, "Bearer realm=\"mcpedge\"");
  return reply;
}

void add_cors(http::Reply& reply, const http::Request& request) {
  std::string_view origin = http::header(request, http::Field::origin);
  if (origin.empty()) return;
  reply.head.set(http::Field::access_control_allow_origin, origin);
  reply.head.set(http::Field::vary, "Origin");
  reply.head.set(http::Field::access_control_expose_headers, "Mcp-Session-Id, WWW-Authenticate, MCP-Protocol-Version");
}

http::Reply preflight(const http::Request& request) {
  http::Reply reply = http::make_reply(http::Status::no_content, "", "text/plain");
  reply.head.erase(http::Field::content_type);
  add_cors(reply, request);
  reply.head.set(http::Field::access_control_allow_methods, "GET, POST, DELETE, OPTIONS");
  std::string_view asked = http::header(request, http::Field::access_control_request_headers);
  reply.head.set(http::Field::access_control_allow_headers,
                 asked.empty() ? std::string_view("Content-Type, Authorization, Mcp-Session-Id, MCP-Protocol-Version, "
                                                  "Mcp-Method, Mcp-Name, Last-Event-ID, X-API-Key")
                               : asked);
  reply.head.set(http::Field::access_control_max_age, "600");
  return reply;
}

bool is_json_content_type(std::string_view content_type) {
  std::string essence = ascii_lower(content_type.substr(0, content_type.find(';')));
  while (!essence.empty() && essence.back() == ' ') essence.pop_back();
  return essence == "application/json";
}

bool accepts(std::string_view accept, std::string_view media) {
  if (accept.empty()) return true;
  std::string a = ascii_lower(accept);
  std::string type(media.substr(0, media.find('/')));
  std::size_t pos = 0;
  while (pos <= a.size()) {
    auto comma = a.find(',', pos);
    std::string_view item =
        std::string_view(a).substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    std::string_view params =
        item.find(';') == std::string_view::npos ? std::string_view{} : item.substr(item.find(';'));
    item = item.substr(0, item.find(';'));
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    // RFC 9110 §12.4.2: q=0 means "not acceptable".
    bool refused = false;
    if (auto q = params.find("q="); q != std::string_view::npos) {
      std::string weight(params.substr(
          q + 2, params.find(';', q) == std::string_view::npos ? std::string_view::npos : params.find(';', q) - q - 2));
      refused = std::strtod(weight.c_str(), nullptr) <= 0.0;
    }
    if (refused) {
      if (comma == std::string::npos) break;
      pos = comma + 1;
      continue;
    }
    if (item == media || item == "*/*" || item == type + "/*") return true;
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return false;
}

}  // namespace mcpedge::mcp
