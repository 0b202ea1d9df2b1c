// Builds the HTTP requests the mcp tests feed to classifiers, policies and transports.
#pragma once

#include "http/message.hpp"

#include <initializer_list>
#include <string_view>
#include <utility>

namespace mcpedge::mcp::testing {

// POST /mcp with the given headers.
inline http::Request post_with(std::initializer_list<std::pair<std::string_view, std::string_view>> headers) {
  http::Request request{http::Verb::post, "/mcp", 11};
  for (const auto& [name, value] : headers) request.set(name, value);
  return request;
}

}  // namespace mcpedge::mcp::testing
