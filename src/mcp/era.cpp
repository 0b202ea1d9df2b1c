// Era classification and routing-header checks.
#include "mcp/era.hpp"

#include "crypto/encoding.hpp"

namespace mcpedge::mcp {

namespace {

Rejection reject(http::Status status, int code, std::string message, std::optional<json::value> data = std::nullopt) {
  return Rejection{status, RpcError{code, std::move(message), std::move(data)}};
}

std::string_view trim_ows(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

json::array supported_modern() { return json::array{to_string(k_latest)}; }

}  // namespace

std::optional<std::string> decode_header_value(std::string_view raw) {
  std::string_view v = trim_ows(raw);
  for (unsigned char c : v) {
    if (c < 0x20 || c == 0x7f || c >= 0x80) return std::nullopt;
  }
  constexpr std::string_view k_open = "=?base64?";
  constexpr std::string_view k_close = "?=";
  if (v.size() >= k_open.size() + k_close.size() && v.starts_with(k_open) && v.ends_with(k_close)) {
    std::string_view encoded = v.substr(k_open.size(), v.size() - k_open.size() - k_close.size());
    if (encoded.size() % 4 != 0) return std::nullopt;  // padding is required
    auto decoded = crypto::base64_decode(encoded);
    if (!decoded) return std::nullopt;
    return decoded;
  }
  return std::string(v);
}

Expected<std::optional<Revision>, Rejection> header_revision(const http::Request& request) {
  std::string_view header = trim_ows(http::header(request, "MCP-Protocol-Version"));
  if (header.empty()) return std::optional<Revision>{};
  auto revision = parse_revision(header);
  if (!revision) {
    return Unexpected{reject(http::Status::bad_request, k_invalid_request,
                             "Bad Request: unsupported MCP-Protocol-Version \"" + std::string(header) +
                                 "\"; supported: 2024-11-05, 2025-03-26, 2025-06-18, 2025-11-25, 2026-07-28")};
  }
  return std::optional<Revision>{*revision};
}

Expected<Classified, Rejection> classify(const http::Request& request, const Message& message,
                                         std::optional<Revision> session_revision) {
  std::string_view header = trim_ows(http::header(request, "MCP-Protocol-Version"));
  const json::object* meta = nullptr;
  if (const auto* m = message.params.if_contains("_meta")) meta = m->if_object();
  const json::value* meta_version = meta ? meta->if_contains(k_meta_protocol_version) : nullptr;

  if (meta_version) {
    if (header.empty()) {
      return Unexpected{reject(http::Status::bad_request, k_header_mismatch,
                               "the MCP-Protocol-Version header is required and must equal _meta[\"" +
                                   std::string(k_meta_protocol_version) + "\"]")};
    }
    const json::value* caps = meta->if_contains(k_meta_client_capabilities);
    if (!meta_version->is_string() || !caps || !caps->is_object()) {
      return Unexpected{reject(http::Status::bad_request, k_invalid_params,
                               "params._meta needs \"" + std::string(k_meta_protocol_version) + "\" (string) and \"" +
                                   std::string(k_meta_client_capabilities) + "\" (object)")};
    }
    std::string_view requested = meta_version->as_string();
    if (header != requested) {
      return Unexpected{reject(http::Status::bad_request, k_header_mismatch,
                               "MCP-Protocol-Version header \"" + std::string(header) +
                                   "\" does not match _meta protocolVersion \"" + std::string(requested) + "\"")};
    }
    auto revision = parse_revision(requested);
    if (!revision || !is_modern(*revision)) {
      return Unexpected{reject(http::Status::bad_request, k_unsupported_version,
                               "unsupported protocol version \"" + std::string(requested) + "\"",
                               json::object{{"supported", supported_modern()}, {"requested", requested}})};
    }
    return Classified{true, *revision, caps->as_object()};
  }

  auto from_header = header_revision(request);
  if (!from_header) return Unexpected{from_header.error()};
  if (*from_header && is_modern(**from_header)) {
    return Unexpected{reject(http::Status::bad_request, k_invalid_params,
                             "a 2026-07-28 request needs params._meta[\"" + std::string(k_meta_protocol_version) +
                                 "\"] and params._meta[\"" + std::string(k_meta_client_capabilities) + "\"]")};
  }
  Classified legacy;
  legacy.revision = from_header->value_or(session_revision.value_or(Revision::v2025_03_26));
  return legacy;
}

std::optional<Rejection> check_routing_headers(const http::Request& request, const Message& message) {
  auto method_header = request.find("Mcp-Method");
  if (method_header == request.end()) {
    return reject(http::Status::bad_request, k_header_mismatch,
                  "the Mcp-Method header is required (\"" + message.method + "\")");
  }
  auto method = decode_header_value(method_header->value());
  if (!method || *method != message.method) {
    return reject(http::Status::bad_request, k_header_mismatch,
                  "Mcp-Method header \"" + std::string(method_header->value()) +
                      "\" does not match the body's method \"" + message.method + "\"");
  }
  std::string_view name_field;
  if (message.method == "tools/call" || message.method == "prompts/get") name_field = "name";
  if (message.method == "resources/read") name_field = "uri";
  if (name_field.empty()) return std::nullopt;
  const json::value* body_name = message.params.if_contains(name_field);
  if (!body_name || !body_name->is_string()) return std::nullopt;  // the method's own check reports it
  auto name_header = request.find("Mcp-Name");
  if (name_header == request.end()) {
    return reject(
        http::Status::bad_request, k_header_mismatch,
        "the Mcp-Name header is required for " + message.method + " (params." + std::string(name_field) + ")");
  }
  auto name = decode_header_value(name_header->value());
  if (!name || *name != body_name->as_string()) {
    return reject(http::Status::bad_request, k_header_mismatch,
                  "Mcp-Name header \"" + std::string(name_header->value()) + "\" does not match params." +
                      std::string(name_field) + " \"" + std::string(body_name->as_string()) + "\"");
  }
  return std::nullopt;
}

}  // namespace mcpedge::mcp
