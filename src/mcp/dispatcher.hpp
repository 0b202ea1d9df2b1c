// The method dispatcher: one JSON-RPC request in, one serialized response out, per revision.
#pragma once

#include "base/revision.hpp"
#include "config/config.hpp"
#include "http/message.hpp"
#include "mcp/caller.hpp"
#include "mcp/jsonrpc.hpp"
#include "tools/catalog.hpp"

#include <boost/asio/awaitable.hpp>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mcpedge::mcp {

// Everything a call needs to know about the request carrying it; passed down explicitly.
struct RequestContext {
  Revision revision = Revision::v2025_03_26;
  bool modern = false;
  Caller caller;                     // who is calling, and the credential tool calls use upstream
  json::object client_capabilities;  // modern: per request; legacy: from the session if any
  http::Worker& worker;
  const http::Request& http;
};

struct Outcome {
  std::string body;  // serialized JSON-RPC response; empty for notifications and responses
  http::Status status = http::Status::ok;
  std::optional<Revision> negotiated;    // set by initialize
  json::object initialize_capabilities;  // the client's, from initialize
};

class Dispatcher {
 public:
  Dispatcher(std::shared_ptr<const tools::Catalog> catalog, const config::ServerConfig& server);

  boost::asio::awaitable<Outcome> handle(RequestContext& context, const Message& message) const;

  const tools::Tool* find_tool(std::string_view name) const { return catalog_->find(name); }
  // The scopes a tools/call for a scope-gated tool needs beyond the caller's; empty when it may proceed
  // (any other method, an unknown tool, or a caller whose credential carries no scopes).
  std::vector<std::string> missing_scopes(const Message& message, const Caller& caller) const;
  // The HTTP status a JSON-RPC error travels with (2026-07-28 maps them; legacy answers 200).
  static http::Status status_for(int code, bool modern);

 private:
  Outcome reply(const RequestContext& ctx, const Message& m, json::object result, bool cacheable) const;
  Outcome fail(const RequestContext& ctx, const Message& m, RpcError error) const;
  Outcome initialize(const RequestContext& ctx, const Message& m) const;
  Outcome discover(const RequestContext& ctx, const Message& m) const;
  Outcome list_tools(const RequestContext& ctx, const Message& m) const;
  boost::asio::awaitable<Outcome> call_tool(RequestContext& ctx, const Message& m) const;
  std::optional<RpcError> check_header_params(const RequestContext& ctx, const tools::Tool& tool,
                                              const json::object& arguments) const;
  json::object capabilities(Revision revision) const;
  json::object server_info(Revision revision) const;
  void decorate(json::object& result, bool cacheable) const;

  std::shared_ptr<const tools::Catalog> catalog_;
  const config::ServerConfig& server_;
  // Pre-serialized tools/list results, per revision, per page.
  std::array<std::vector<std::string>, k_revisions.size()> pages_;
};

}  // namespace mcpedge::mcp
