// Reply builders, header lookup and query parsing.
#include "http/message.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mcpedge::http {
namespace {

TEST(QueryParam, ReadsOnlyTheGivenBytesOfALargerBuffer) {
  std::string target = "/messages?session_id=abc&limit=2unterminated-tail";
  std::string_view query = std::string_view(target).substr(10, 22);  // "session_id=abc&limit=2"
  EXPECT_EQ(query_param(query, "limit"), "2");
  EXPECT_EQ(query_param(query, "session_id"), "abc");
}

TEST(QueryParam, EmptyQueryHasNoParameters) {
  EXPECT_EQ(query_param(std::string_view{}, "session_id"), std::nullopt);
  EXPECT_EQ(query_param("", "x"), std::nullopt);
}

TEST(QueryParam, DecodesPercentEscapesAndPlus) {
  EXPECT_EQ(query_param("q=a%20b+c&x=%2F", "q"), "a b c");
  EXPECT_EQ(query_param("q=a%20b+c&x=%2F", "x"), "/");
  EXPECT_EQ(query_param("q=1", "missing"), std::nullopt);
}

TEST(ErrorReply, SaysStatusReasonAndWhatWasWrong) {
  Reply reply = error_reply(Status::payload_too_large, "body exceeds 10 bytes");
  EXPECT_EQ(reply.head.result(), Status::payload_too_large);
  EXPECT_EQ(reply.head.body(), "413 Payload Too Large: body exceeds 10 bytes\n");
  EXPECT_EQ(reply.head[Field::content_type], "text/plain; charset=utf-8");
}

TEST(Header, LookupIsCaseInsensitiveAndEmptyWhenAbsent) {
  Request request{Verb::post, "/mcp", 11};
  request.set("Mcp-Method", "tools/list");
  EXPECT_EQ(header(request, "mcp-method"), "tools/list");
  EXPECT_EQ(header(request, "MCP-METHOD"), "tools/list");
  EXPECT_EQ(header(request, "Mcp-Name"), "");
}

}  // namespace
}  // namespace mcpedge::http
