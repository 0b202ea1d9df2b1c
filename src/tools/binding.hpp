// The REST binding: tool arguments -> one upstream HTTP request (path, query, body, headers).
#pragma once

#include "base/expected.hpp"
#include "config/config.hpp"
#include "http/client.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace mcpedge::tools {

struct UpstreamCall {
  http::OutboundRequest request;
  std::string display;  // "GET /workflows/wf_1" for messages (never carries secrets)
};

// Percent-encodes everything but RFC 3986 unreserved characters; '.' and '/' are encoded too, so
// a value can never leave its path segment.
std::string encode_path_value(std::string_view value);
std::string encode_query_component(std::string_view value);

// Fails with a message naming the argument, e.g. `path parameter "workflow_id" must not be ".."`.
Expected<UpstreamCall, std::string> bind_call(const config::UpstreamConfig& upstream, const config::ToolConfig& tool,
                                              const boost::json::object& arguments, std::string_view credential);

}  // namespace mcpedge::tools
