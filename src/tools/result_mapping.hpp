// Upstream replies -> MCP tool results: content blocks by media type, structuredContent, isError.
#pragma once

#include "base/revision.hpp"
#include "http/client.hpp"
#include "tools/catalog.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace mcpedge::tools {

// A result with isError:true and one text block.
boost::json::object error_result(std::string text);

// 2xx: text/JSON -> text (+ structuredContent where the revision has it), image/* -> image,
// audio/* -> audio, multipart/* -> one block per part, anything named by Content-Location or
// otherwise binary -> embedded resource. Other statuses -> isError with what to do about it.
boost::json::object map_reply(const http::OutboundResponse& reply, const Tool& tool, Revision revision,
                              std::string_view display, std::size_t limit);

boost::json::object map_failure(const http::OutboundError& failure, std::string_view display,
                                std::chrono::milliseconds timeout);

}  // namespace mcpedge::tools
