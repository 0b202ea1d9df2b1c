// invoke(): the hot path of tools/call below the protocol layer.
#include "tools/invoker.hpp"

#include "tools/binding.hpp"
#include "tools/credential.hpp"
#include "tools/result_mapping.hpp"

#include <spdlog/spdlog.h>

namespace mcpedge::tools {

namespace json = boost::json;

std::vector<std::string> check_arguments(const Tool& tool, const json::object& arguments) {
  json::value instance(arguments);
  return tool.input.validate(instance);
}

boost::asio::awaitable<json::object> invoke(const Catalog& catalog, const Tool& tool, const json::object& arguments,
                                            CallContext& context) {
  const config::UpstreamConfig& upstream = catalog.upstream();
  CredentialChoice credential = choose_credential(upstream.credential, arguments, context.credential);
  bool as_bearer = context.bearer_credential && credential.source == CredentialChoice::Source::request;
  auto call = bind_call(upstream, tool.config, arguments, as_bearer ? std::string_view() : credential.value);
  if (!call) co_return error_result("tool \"" + tool.config.name + "\": " + call.error());
  if (as_bearer) call->request.headers.emplace_back(upstream.credential.bearer_header, "Bearer " + credential.value);
  if (credential.source == CredentialChoice::Source::request) {
    for (const auto& header : context.identity_headers) call->request.headers.push_back(header);
  }
  std::string display = call->display;
  auto reply = co_await context.client.fetch(std::move(call->request));
  if (!reply) {
    spdlog::warn("tool {}: {} failed: {} ({})", tool.config.name, display, http::to_string(reply.error().kind),
                 reply.error().message);
    co_return map_failure(reply.error(), display, upstream.timeout);
  }
  co_return map_reply(*reply, tool, context.revision, display, upstream.max_response_bytes);
}

}  // namespace mcpedge::tools
