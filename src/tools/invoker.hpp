// Calls one tool: credential, binding, upstream request, result mapping.
#pragma once

#include "base/revision.hpp"
#include "http/client.hpp"
#include "tools/catalog.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace mcpedge::tools {

// What a call needs from the request that carries it (passed explicitly, never global).
struct CallContext {
  http::HttpClient& client;     // the worker's outbound client
  std::string_view credential;  // the caller's upstream credential; empty if none
  Revision revision;
  // Identity headers that travel with the credential (the service strategy's X-User-Id and the like).
  const std::vector<std::pair<std::string, std::string>>& identity_headers;
  bool bearer_credential = false;  // send the request's credential as `Authorization: Bearer` whatever its shape
};

// Violations of the tool's input schema, one readable line each; empty when valid.
std::vector<std::string> check_arguments(const Tool& tool, const boost::json::object& arguments);

// A CallToolResult: never throws for upstream trouble, which becomes an isError result.
boost::asio::awaitable<boost::json::object> invoke(const Catalog& catalog, const Tool& tool,
                                                   const boost::json::object& arguments, CallContext& context);

}  // namespace mcpedge::tools
