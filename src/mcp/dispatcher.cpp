// Dispatcher: lifecycle, discovery, tools/list pages and tools/call for every revision.
#include "mcp/dispatcher.hpp"

#include "crypto/encoding.hpp"
#include "http/server.hpp"
#include "mcp/era.hpp"
#include "tools/invoker.hpp"
#include "tools/result_mapping.hpp"

#include <boost/json/serialize.hpp>

#include <charconv>

namespace mcpedge::mcp {

namespace {

constexpr std::array<std::string_view, 8> k_log_levels{"debug", "info",     "notice", "warning",
                                                       "error", "critical", "alert",  "emergency"};

std::string make_cursor(const std::string& fingerprint, std::size_t page) {
  return crypto::base64url_encode(fingerprint + ":" + std::to_string(page));
}

std::optional<std::size_t> read_cursor(const std::string& fingerprint, std::string_view cursor) {
  auto decoded = crypto::base64url_decode(cursor);
  if (!decoded || !decoded->starts_with(fingerprint + ":")) return std::nullopt;
  std::string_view number = std::string_view(*decoded).substr(fingerprint.size() + 1);
  std::size_t page = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), page);
  if (ec != std::errc{} || end != number.data() + number.size()) return std::nullopt;
  return page;
}

}  // namespace

Dispatcher::Dispatcher(std::shared_ptr<const tools::Catalog> catalog, const config::ServerConfig& server)
    : catalog_(std::move(catalog)), server_(server) {
  const auto& tools = catalog_->tools();
  std::size_t page_size = std::max<std::size_t>(1, server_.page_size);
  std::size_t page_count = std::max<std::size_t>(1, (tools.size() + page_size - 1) / page_size);
  for (Revision r : k_revisions) {
    for (std::size_t page = 0; page < page_count; ++page) {
      json::array list;
      for (std::size_t i = page * page_size; i < std::min(tools.size(), (page + 1) * page_size); ++i) {
        list.push_back(tools[i]->rendered[index_of(r)]);
      }
      json::object result{{"tools", std::move(list)}};
      if (page + 1 < page_count) result["nextCursor"] = make_cursor(catalog_->fingerprint(), page + 1);
      if (is_modern(r)) decorate(result, true);
      pages_[index_of(r)].push_back(json::serialize(result));
    }
  }
}

http::Status Dispatcher::status_for(int code, bool modern) {
  if (!modern) return http::Status::ok;
  switch (code) {
    case k_method_not_found:
      return http::Status::not_found;
    case k_internal_error:
      return http::Status::internal_server_error;
    default:
      return http::Status::bad_request;
  }
}

json::object Dispatcher::server_info(Revision r) const {
  json::object info{{"name", server_.name}, {"version", server_.version}};
  if (has_structured_content(r) && !server_.title.empty()) info["title"] = server_.title;
  return info;
}

json::object Dispatcher::capabilities(Revision r) const {
  json::object caps{{"tools", json::object{{"listChanged", false}}},
                    {"prompts", json::object{{"listChanged", false}}},
                    {"resources", json::object{{"subscribe", false}, {"listChanged", false}}}};
  if (!is_modern(r)) caps["logging"] = json::object{};
  return caps;
}

// 2026-07-28: every result names its type and the server (basic/index.mdx#resulttype), and
// cacheable results carry caching hints (server/utilities/caching.mdx).
void Dispatcher::decorate(json::object& result, bool cacheable) const {
  result["resultType"] = "complete";
  json::object meta =
      result.contains("_meta") && result["_meta"].is_object() ? result["_meta"].as_object() : json::object{};
  meta[k_meta_server_info] = server_info(k_latest);
  result["_meta"] = std::move(meta);
  if (cacheable) {
    result["ttlMs"] = server_.cache.ttl_ms;
    result["cacheScope"] = server_.cache.scope;
  }
}

Outcome Dispatcher::reply(const RequestContext& ctx, const Message& m, json::object result, bool cacheable) const {
  if (ctx.modern) decorate(result, cacheable);
  return Outcome{result_text(m.id, result), http::Status::ok, std::nullopt, {}};
}

Outcome Dispatcher::fail(const RequestContext& ctx, const Message& m, RpcError error) const {
  http::Status status = status_for(error.code, ctx.modern);
  return Outcome{error_text(m.id, error), status, std::nullopt, {}};
}

Outcome Dispatcher::initialize(const RequestContext& ctx, const Message& m) const {
  const json::value* requested = m.params.if_contains("protocolVersion");
  if (!requested || !requested->is_string()) {
    return fail(ctx, m, RpcError{k_invalid_params, "initialize needs params.protocolVersion (string)", std::nullopt});
  }
  // lifecycle.mdx#version-negotiation: answer the requested version when supported, else our latest.
  auto revision = parse_revision(requested->as_string());
  Revision negotiated = revision && !is_modern(*revision) ? *revision : k_latest_legacy;
  json::object result{{"protocolVersion", to_string(negotiated)},
                      {"capabilities", capabilities(negotiated)},
                      {"serverInfo", server_info(negotiated)}};
  if (!server_.instructions.empty()) result["instructions"] = server_.instructions;
  Outcome outcome{result_text(m.id, result), http::Status::ok, negotiated, {}};
  if (const auto* caps = m.params.if_contains("capabilities"); caps && caps->is_object()) {
    outcome.initialize_capabilities = caps->as_object();
  }
  return outcome;
}

Outcome Dispatcher::discover(const RequestContext& ctx, const Message& m) const {
  json::object result{{"supportedVersions", json::array{to_string(k_latest)}},
                      {"capabilities", capabilities(k_latest)}};
  if (!server_.instructions.empty()) result["instructions"] = server_.instructions;
  return reply(ctx, m, std::move(result), true);
}

Outcome Dispatcher::list_tools(const RequestContext& ctx, const Message& m) const {
  std::size_t page = 0;
  if (const auto* cursor = m.params.if_contains("cursor"); cursor && !cursor->is_null()) {
    if (!cursor->is_string())
      return fail(ctx, m, RpcError{k_invalid_params, "params.cursor must be a string", std::nullopt});
    std::string_view text = cursor->as_string();
    if (!text.empty()) {
      auto decoded = read_cursor(catalog_->fingerprint(), text);
      if (!decoded || *decoded >= pages_[index_of(ctx.revision)].size()) {
        return fail(ctx, m,
                    RpcError{k_invalid_params, "invalid or outdated cursor; list again from the start", std::nullopt});
      }
      page = *decoded;
    }
  }
  return Outcome{result_text(m.id, pages_[index_of(ctx.revision)][page]), http::Status::ok, std::nullopt, {}};
}

std::optional<RpcError> Dispatcher::check_header_params(const RequestContext& ctx, const tools::Tool& tool,
                                                        const json::object& arguments) const {
  for (const auto& param : tool.header_params) {
    std::string header_name = "Mcp-Param-" + param.header;
    auto it = ctx.http.find(header_name);
    const json::value* arg = arguments.if_contains(param.property);
    bool has_arg = arg && !arg->is_null();
    if (!has_arg && it == ctx.http.end()) continue;
    if (has_arg && it == ctx.http.end()) {
      return RpcError{k_header_mismatch,
                      "the " + header_name + " header is required because arguments." + param.property + " is set",
                      std::nullopt};
    }
    if (!has_arg) {
      return RpcError{k_header_mismatch, header_name + " is sent but arguments." + param.property + " is not",
                      std::nullopt};
    }
    auto value = decode_header_value(it->value());
    if (!value) {
      return RpcError{k_header_mismatch, header_name + " carries invalid characters or invalid =?base64?…?= encoding",
                      std::nullopt};
    }
    bool same = false;
    switch (param.type) {
      case tools::HeaderParam::Type::string:
        same = arg->is_string() && arg->as_string() == *value;
        break;
      case tools::HeaderParam::Type::integer: {
        long long n = 0;
        auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), n);
        bool parsed = ec == std::errc{} && end == value->data() + value->size();
        same = parsed && ((arg->is_int64() && arg->as_int64() == n) ||
                          (arg->is_uint64() && n >= 0 && arg->as_uint64() == static_cast<unsigned long long>(n)));
        break;
      }
      case tools::HeaderParam::Type::boolean:
        same = arg->is_bool() && (*value == (arg->as_bool() ? "true" : "false"));
        break;
    }
    if (!same) {
      return RpcError{k_header_mismatch, header_name + " does not match arguments." + param.property, std::nullopt};
    }
  }
  return std::nullopt;
}

boost::asio::awaitable<Outcome> Dispatcher::call_tool(RequestContext& ctx, const Message& m) const {
  const json::value* name = m.params.if_contains("name");
  if (!name || !name->is_string()) {
    co_return fail(ctx, m, RpcError{k_invalid_params, "tools/call needs params.name (string)", std::nullopt});
  }
  const tools::Tool* tool = catalog_->find(name->as_string());
  if (!tool) {
    co_return fail(
        ctx, m,
        RpcError{k_invalid_params,
                 "unknown tool \"" + std::string(name->as_string()) + "\"; tools/list shows the available tools",
                 std::nullopt});
  }
  json::object arguments;
  if (const auto* args = m.params.if_contains("arguments"); args && !args->is_null()) {
    if (!args->is_object()) {
      co_return fail(ctx, m,
                     RpcError{k_invalid_params,
                              "tool \"" + tool->config.name + "\": params.arguments must be an object", std::nullopt});
    }
    arguments = args->as_object();
  }
  if (ctx.modern) {
    if (tool->config.client_capabilities) {
      json::object missing;
      for (const auto& [capability, value] : *tool->config.client_capabilities) {
        if (!ctx.client_capabilities.contains(capability)) missing[capability] = value;
      }
      if (!missing.empty()) {
        co_return fail(
            ctx, m,
            RpcError{k_missing_capability,
                     "tool \"" + tool->config.name + "\" needs client capabilities the request did not declare",
                     json::object{{"requiredCapabilities", std::move(missing)}}});
      }
    }
    if (auto mismatch = check_header_params(ctx, *tool, arguments)) co_return fail(ctx, m, std::move(*mismatch));
  }
  auto problems = tools::check_arguments(*tool, arguments);
  if (!problems.empty()) {
    std::string text = "tool \"" + tool->config.name + "\": invalid arguments: ";
    for (std::size_t i = 0; i < problems.size(); ++i) text += (i ? "; " : "") + problems[i];
    if (!argument_errors_are_results(ctx.revision))
      co_return fail(ctx, m, RpcError{k_invalid_params, text, std::nullopt});
    co_return reply(ctx, m, tools::error_result(text + ". Fix the arguments and call again."),
                    false);  // one sentence per problem
  }
  tools::CallContext call{ctx.worker.client(), ctx.caller.credential, ctx.revision, ctx.caller.headers,
                          ctx.caller.bearer};
  json::object result = co_await tools::invoke(*catalog_, *tool, arguments, call);
  co_return reply(ctx, m, std::move(result), false);
}

std::vector<std::string> Dispatcher::missing_scopes(const Message& message, const Caller& caller) const {
  if (!caller.scopes || message.method != "tools/call") return {};
  const auto* name = message.params.if_contains("name");
  const tools::Tool* tool = name && name->is_string() ? find_tool(name->as_string()) : nullptr;
  if (!tool || tool->config.scopes.empty()) return {};
  return mcp::missing_scopes(*caller.scopes, tool->config.scopes);
}

boost::asio::awaitable<Outcome> Dispatcher::handle(RequestContext& ctx, const Message& m) const {
  if (m.kind != Message::Kind::request) co_return Outcome{};  // notifications and responses: nothing to answer
  const std::string& method = m.method;
  if (method == "tools/call") co_return co_await call_tool(ctx, m);
  if (method == "tools/list") co_return list_tools(ctx, m);
  if (ctx.modern) {
    if (method == "server/discover") co_return discover(ctx, m);
  } else {
    if (method == "initialize") co_return initialize(ctx, m);
    if (method == "ping")
      co_return Outcome{result_text(m.id, std::string_view("{}")), http::Status::ok, std::nullopt, {}};
    if (method == "logging/setLevel") {
      const auto* level = m.params.if_contains("level");
      bool known = level && level->is_string() &&
                   std::find(k_log_levels.begin(), k_log_levels.end(), std::string_view(level->as_string())) !=
                       k_log_levels.end();
      if (!known)
        co_return fail(
            ctx, m,
            RpcError{k_invalid_params,
                     "params.level must be one of debug, info, notice, warning, error, critical, alert, emergency",
                     std::nullopt});
      co_return Outcome{result_text(m.id, std::string_view("{}")), http::Status::ok, std::nullopt, {}};
    }
  }
  if (method == "prompts/list") co_return reply(ctx, m, json::object{{"prompts", json::array{}}}, true);
  if (method == "resources/list") co_return reply(ctx, m, json::object{{"resources", json::array{}}}, true);
  if (method == "resources/templates/list")
    co_return reply(ctx, m, json::object{{"resourceTemplates", json::array{}}}, true);
  if (method == "resources/read" || method == "prompts/get") {
    bool is_resource = method == "resources/read";
    const auto* key = m.params.if_contains(is_resource ? "uri" : "name");
    std::string what = key && key->is_string() ? std::string(key->as_string()) : std::string();
    json::object data{{is_resource ? "uri" : "name", what}};
    // 2026-07-28 (SEP-2164) uses -32602 for an unknown resource; 2025-11-25 defined -32002.
    int code = is_resource && !ctx.modern ? k_resource_not_found : k_invalid_params;
    co_return fail(
        ctx, m,
        RpcError{code, (is_resource ? "unknown resource \"" : "unknown prompt \"") + what + "\"", std::move(data)});
  }
  co_return fail(
      ctx, m,
      RpcError{k_method_not_found,
               "method \"" + method + "\" is not served (revision " + std::string(to_string(ctx.revision)) + ")",
               std::nullopt});
}

}  // namespace mcpedge::mcp
