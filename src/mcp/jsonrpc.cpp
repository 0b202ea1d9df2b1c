// JSON-RPC codec implementation.
#include "mcp/jsonrpc.hpp"

#include <boost/json/serialize.hpp>

namespace mcpedge::mcp {

namespace {

bool valid_id(const json::value& id) { return id.is_string() || id.is_int64() || id.is_uint64(); }

Unexpected<InvalidMessage> invalid(json::value id, int code, std::string message) {
  return Unexpected{InvalidMessage{std::move(id), RpcError{code, std::move(message), std::nullopt}}};
}

}  // namespace

Expected<Message, InvalidMessage> parse_message(const json::value& value) {
  const auto* obj = value.if_object();
  if (!obj) return invalid(nullptr, k_invalid_request, "a JSON-RPC message must be a JSON object");
  json::value id = nullptr;
  const json::value* id_field = obj->if_contains("id");
  if (id_field && valid_id(*id_field)) id = *id_field;
  const json::value* version = obj->if_contains("jsonrpc");
  if (!version || !version->is_string() || version->as_string() != "2.0") {
    return invalid(id, k_invalid_request, "\"jsonrpc\" must be \"2.0\"");
  }
  if (id_field && !valid_id(*id_field)) {
    return invalid(nullptr, k_invalid_request, "\"id\" must be a string or an integer (not null, not a fraction)");
  }
  Message message;
  message.id = id;
  const json::value* method = obj->if_contains("method");
  if (!method) {
    if (!id_field || (!obj->contains("result") && !obj->contains("error"))) {
      return invalid(
          id, k_invalid_request,
          "a message needs \"method\" (request or notification) or \"result\"/\"error\" with an \"id\" (response)");
    }
    message.kind = Message::Kind::response;
    return message;
  }
  if (!method->is_string() || method->as_string().empty()) {
    return invalid(id, k_invalid_request, "\"method\" must be a non-empty string");
  }
  message.method = method->as_string();
  message.kind = id_field ? Message::Kind::request : Message::Kind::notification;
  if (const json::value* params = obj->if_contains("params")) {
    if (!params->is_object()) {
      if (params->is_null()) return message;
      return invalid(id, k_invalid_params, "\"params\" must be an object");
    }
    message.params = params->as_object();
  }
  return message;
}

std::string result_text(const json::value& id, std::string_view result_json) {
  std::string out;
  out.reserve(result_json.size() + 48);
  out += R"({"jsonrpc":"2.0","id":)";
  out += json::serialize(id);
  out += R"(,"result":)";
  out += result_json;
  out += '}';
  return out;
}

std::string result_text(const json::value& id, const json::object& result) {
  return result_text(id, json::serialize(result));
}

std::string error_text(const json::value& id, const RpcError& error) {
  json::object err{{"code", error.code}, {"message", error.message}};
  if (error.data) err["data"] = *error.data;
  json::object envelope{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(err)}};
  return json::serialize(envelope);
}

std::string notification_text(std::string_view method, const json::object& params) {
  json::object envelope{{"jsonrpc", "2.0"}, {"method", method}, {"params", params}};
  return json::serialize(envelope);
}

}  // namespace mcpedge::mcp
