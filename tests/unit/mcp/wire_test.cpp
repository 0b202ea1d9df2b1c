// Tests of the wire helpers both transports share: credentials, content negotiation, replies, CORS.
#include "mcp/wire.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include "requests.hpp"

namespace mcpedge::mcp {
namespace {

namespace json = boost::json;
using testing::post_with;

TEST(Accepts, AbsentHeaderAdmitsEverything) { EXPECT_TRUE(accepts("", "application/json")); }

TEST(Accepts, ExactTypeWildcardAndSubtypeWildcardAdmit) {
  EXPECT_TRUE(accepts("application/json, text/event-stream", "application/json"));
  EXPECT_TRUE(accepts("application/json, text/event-stream", "text/event-stream"));
  EXPECT_TRUE(accepts("*/*", "text/event-stream"));
  EXPECT_TRUE(accepts("text/html, application/*;q=0.5", "application/json"));
  EXPECT_TRUE(accepts("Application/JSON ; q=0.9", "application/json"));
}

TEST(Accepts, OtherTypesDoNotAdmit) {
  EXPECT_FALSE(accepts("text/html", "application/json"));
  EXPECT_FALSE(accepts("application/json", "text/event-stream"));
  EXPECT_FALSE(accepts("text/*", "application/json"));
  EXPECT_FALSE(accepts("application/jsonx", "application/json"));
}

// RFC 9110 §12.4.2: "a value of 0 means not acceptable".
TEST(Accepts, ZeroQualityRefusesTheType) {
  EXPECT_FALSE(accepts("application/json, text/event-stream;q=0", "text/event-stream"));
  EXPECT_FALSE(accepts("*/*;q=0", "application/json"));
  EXPECT_TRUE(accepts("application/json, text/event-stream;q=0", "application/json"));
}

TEST(IsJsonContentType, AcceptsJsonWithParametersInAnyCase) {
  EXPECT_TRUE(is_json_content_type("application/json"));
  EXPECT_TRUE(is_json_content_type("application/json; charset=utf-8"));
  EXPECT_TRUE(is_json_content_type("Application/JSON"));
  EXPECT_TRUE(is_json_content_type("application/json ;charset=utf-8"));
}

TEST(IsJsonContentType, RejectsOtherTypes) {
  EXPECT_FALSE(is_json_content_type(""));
  EXPECT_FALSE(is_json_content_type("text/plain"));
  EXPECT_FALSE(is_json_content_type("text/json"));
  EXPECT_FALSE(is_json_content_type("application/json-patch+json"));
}

TEST(CredentialOf, BearerTokenInAnyCaseOfTheScheme) {
  EXPECT_EQ(credential_of(post_with({{"Authorization", "Bearer abc.def.ghi"}})), "abc.def.ghi");
  EXPECT_EQ(credential_of(post_with({{"Authorization", "bearer  tok"}})), "tok");
}

TEST(CredentialOf, ApiKeyHeaderWhenThereIsNoBearerToken) {
  EXPECT_EQ(credential_of(post_with({{"X-API-Key", "sk_live_1"}})), "sk_live_1");
  EXPECT_EQ(credential_of(post_with({{"Authorization", "Basic dXNlcjpwYXNz"}, {"X-API-Key", "sk_live_1"}})),
            "sk_live_1");
}

TEST(CredentialOf, BearerWinsOverApiKeyAndNothingMeansEmpty) {
  EXPECT_EQ(credential_of(post_with({{"Authorization", "Bearer tok"}, {"X-API-Key", "sk"}})), "tok");
  EXPECT_EQ(credential_of(post_with({})), "");
  EXPECT_EQ(credential_of(post_with({{"Authorization", "Bearer "}})), "");
}

TEST(RejectionReply, CarriesTheStatusAndAJsonRpcErrorWithTheId) {
  Rejection rejection{http::Status::bad_request, RpcError{k_header_mismatch, "mismatch", std::nullopt}};
  http::Reply reply = rejection_reply(rejection, json::value(4));
  EXPECT_EQ(reply.head.result(), http::Status::bad_request);
  EXPECT_EQ(reply.head[http::Field::content_type], "application/json");
  EXPECT_EQ(reply.head.body(), R"({"jsonrpc":"2.0","id":4,"error":{"code":-32020,"message":"mismatch"}})");
}

TEST(Refusal, HasANullId) {
  http::Reply reply = refusal(http::Status::forbidden, k_invalid_request, "origin not allowed");
  EXPECT_EQ(reply.head.result(), http::Status::forbidden);
  EXPECT_EQ(json::parse(reply.head.body()).at("id"), nullptr);
}

TEST(AddCors, EchoesTheOriginAndExposesTheSessionHeaders) {
  http::Reply reply = rpc_reply(http::Status::ok, "{}");
  add_cors(reply, post_with({{"Origin", "https://claude.ai"}}));
  EXPECT_EQ(reply.head[http::Field::access_control_allow_origin], "https://claude.ai");
  EXPECT_EQ(reply.head[http::Field::vary], "Origin");
  EXPECT_NE(reply.head[http::Field::access_control_expose_headers].find("Mcp-Session-Id"), std::string_view::npos);

  http::Reply no_origin = rpc_reply(http::Status::ok, "{}");
  add_cors(no_origin, post_with({}));
  EXPECT_EQ(no_origin.head.find(http::Field::access_control_allow_origin), no_origin.head.end());
}

TEST(Preflight, AllowsTheMcpMethodsAndHeaders) {
  http::Reply reply = preflight(post_with({{"Origin", "https://claude.ai"}}));
  EXPECT_EQ(reply.head.result(), http::Status::no_content);
  EXPECT_EQ(reply.head[http::Field::access_control_allow_methods], "GET, POST, DELETE, OPTIONS");
  std::string_view allowed = reply.head[http::Field::access_control_allow_headers];
  for (std::string_view h : {"Mcp-Session-Id", "MCP-Protocol-Version", "Mcp-Method", "Mcp-Name", "Last-Event-ID"}) {
    EXPECT_NE(allowed.find(h), std::string_view::npos) << h;
  }
}

}  // namespace
}  // namespace mcpedge::mcp
