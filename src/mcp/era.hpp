// The era classifier: which protocol revision a posted message speaks, and its header checks.
#pragma once

#include "base/expected.hpp"
#include "base/revision.hpp"
#include "http/message.hpp"
#include "mcp/jsonrpc.hpp"

#include <optional>
#include <string>

namespace mcpedge::mcp {

inline constexpr std::string_view k_meta_protocol_version = "io.modelcontextprotocol/protocolVersion";
inline constexpr std::string_view k_meta_client_capabilities = "io.modelcontextprotocol/clientCapabilities";
inline constexpr std::string_view k_meta_client_info = "io.modelcontextprotocol/clientInfo";
inline constexpr std::string_view k_meta_server_info = "io.modelcontextprotocol/serverInfo";

struct Classified {
  bool modern = false;  // 2026-07-28 per-request model
  Revision revision = Revision::v2025_03_26;
  json::object client_capabilities;  // modern: from _meta
};

// A refusal with the HTTP status it travels with.
struct Rejection {
  http::Status status = http::Status::bad_request;
  RpcError error;
};

// 2026-07-28 (basic/index.mdx#_meta, versioning.mdx): a request with the _meta protocolVersion is
// modern and checked in this order: header present, _meta complete, header equals _meta, version
// supported. Without it the request is legacy: the MCP-Protocol-Version header, else the session's
// revision, else 2025-03-26 (transports.mdx#protocol-version-header).
Expected<Classified, Rejection> classify(const http::Request& request, const Message& message,
                                         std::optional<Revision> session_revision);

// Mcp-Method and Mcp-Name must match the body [2026-07-28 streamable-http.mdx#standard-request-headers].
std::optional<Rejection> check_routing_headers(const http::Request& request, const Message& message);

// A header value with optional whitespace trimmed and the `=?base64?…?=` sentinel decoded;
// nullopt when the sentinel's base64 is invalid or the value has characters a header may not carry.
std::optional<std::string> decode_header_value(std::string_view raw);

// The revision named by an MCP-Protocol-Version header value, or an error for unknown values.
Expected<std::optional<Revision>, Rejection> header_revision(const http::Request& request);

}  // namespace mcpedge::mcp
