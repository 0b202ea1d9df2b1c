// JSON-RPC 2.0 codec: message shape checks, error codes, compact serialization.
#pragma once

#include "base/expected.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace mcpedge::mcp {

namespace json = boost::json;

inline constexpr int k_parse_error = -32700;
inline constexpr int k_invalid_request = -32600;
inline constexpr int k_method_not_found = -32601;
inline constexpr int k_invalid_params = -32602;
inline constexpr int k_internal_error = -32603;
inline constexpr int k_resource_not_found = -32002;   // 2025-11-25 only
inline constexpr int k_header_mismatch = -32020;      // 2026-07-28
inline constexpr int k_missing_capability = -32021;   // 2026-07-28
inline constexpr int k_unsupported_version = -32022;  // 2026-07-28

struct RpcError {
  int code = k_internal_error;
  std::string message;
  std::optional<json::value> data;
};

struct Message {
  enum class Kind { request, notification, response };
  Kind kind = Kind::request;
  json::value id;  // null for notifications
  std::string method;
  json::object params;  // empty when absent
};

struct InvalidMessage {
  json::value id;  // the request's id when it could be read, else null
  RpcError error;
};

// Checks the JSON-RPC 2.0 envelope: "jsonrpc":"2.0", id string/integer (never null), method string,
// params object when present, or a response (result/error with an id).
Expected<Message, InvalidMessage> parse_message(const json::value& value);

// Serialized replies. `result_json` is an already serialized JSON object.
std::string result_text(const json::value& id, std::string_view result_json);
std::string result_text(const json::value& id, const json::object& result);
std::string error_text(const json::value& id, const RpcError& error);
std::string notification_text(std::string_view method, const json::object& params);

}  // namespace mcpedge::mcp
