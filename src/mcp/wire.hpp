// What both MCP transports share on the wire: the caller's credential, JSON-RPC replies, CORS.
#pragma once

#include "http/message.hpp"
#include "mcp/era.hpp"
#include "mcp/jsonrpc.hpp"

#include <string>
#include <string_view>

namespace mcpedge::mcp {

// `Authorization: Bearer <v>` or `X-API-Key: <v>`; empty when neither is present.
std::string credential_of(const http::Request& request);

http::Reply rpc_reply(http::Status status, std::string body);
http::Reply rejection_reply(const Rejection& rejection, const json::value& id);
// A JSON-RPC error with no id, for refusals before a message could be read (e.g. 403, 415).
http::Reply refusal(http::Status status, int code, std::string message);

// The head of an SSE reply (streamable-http.mdx: no caching, no proxy buffering); the caller sets
// `stream`.
http::Reply sse_head();
// 401 for a request without the credential the config requires.
http::Reply credential_required();

// Browser-based clients: echo an allowed Origin and expose the headers they must read.
void add_cors(http::Reply& reply, const http::Request& request);
// The answer to a CORS preflight (OPTIONS).
http::Reply preflight(const http::Request& request);

bool is_json_content_type(std::string_view content_type);
// Whether an Accept header admits `media` (exact, type/*, or */*); an absent header admits all.
bool accepts(std::string_view accept, std::string_view media);

}  // namespace mcpedge::mcp
