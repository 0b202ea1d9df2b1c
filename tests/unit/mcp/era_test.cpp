// Tests of era classification (legacy vs 2026-07-28) and the routing/header-value checks.
#include "mcp/era.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include "requests.hpp"

#include <initializer_list>
#include <utility>

namespace mcpedge::mcp {
namespace {

namespace json = boost::json;
using testing::post_with;

Message message(std::string_view text) {
  auto m = parse_message(json::parse(text));
  if (!m) throw std::runtime_error("test message does not parse: " + m.error().error.message);
  return *m;
}

const Message k_legacy_list = message(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})");

Message modern_list(std::string_view meta_body) {
  return message(std::string(R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{)") +
                 std::string(meta_body) + "}}}");
}

const Message k_modern_list = modern_list(
    R"("io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{"sampling":{}})");

TEST(Classify, LegacyWithoutHeaderOrSessionIs2025_03_26) {
  auto c = classify(post_with({}), k_legacy_list, std::nullopt);
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->modern);
  EXPECT_EQ(c->revision, Revision::v2025_03_26);
}

TEST(Classify, LegacyHeaderNamesTheRevisionAndWinsOverTheSession) {
  auto c = classify(post_with({{"MCP-Protocol-Version", "2025-06-18"}}), k_legacy_list, Revision::v2025_11_25);
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->modern);
  EXPECT_EQ(c->revision, Revision::v2025_06_18);
}

TEST(Classify, LegacyWithoutHeaderUsesTheSessionRevision) {
  auto c = classify(post_with({}), k_legacy_list, Revision::v2024_11_05);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->revision, Revision::v2024_11_05);
}

TEST(Classify, UnknownHeaderValueIsBadRequest) {
  auto c = classify(post_with({{"MCP-Protocol-Version", "2099-01-01"}}), k_legacy_list, std::nullopt);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().status, http::Status::bad_request);
  EXPECT_EQ(c.error().error.code, k_invalid_request);
  EXPECT_NE(c.error().error.message.find("2099-01-01"), std::string::npos);
}

TEST(Classify, ModernRequestWithMatchingHeaderCarriesItsCapabilities) {
  auto c = classify(post_with({{"MCP-Protocol-Version", "2026-07-28"}}), k_modern_list, std::nullopt);
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->modern);
  EXPECT_EQ(c->revision, Revision::v2026_07_28);
  EXPECT_EQ(c->client_capabilities, (json::object{{"sampling", json::object{}}}));
}

TEST(Classify, ModernRequestWithoutHeaderIsHeaderMismatch) {
  auto c = classify(post_with({}), k_modern_list, std::nullopt);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().status, http::Status::bad_request);
  EXPECT_EQ(c.error().error.code, k_header_mismatch);
}

TEST(Classify, ModernRequestWithoutClientCapabilitiesIsInvalidParams) {
  auto m = modern_list(R"("io.modelcontextprotocol/protocolVersion":"2026-07-28")");
  auto c = classify(post_with({{"MCP-Protocol-Version", "2026-07-28"}}), m, std::nullopt);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().error.code, k_invalid_params);
  EXPECT_NE(c.error().error.message.find("clientCapabilities"), std::string::npos);
}

TEST(Classify, HeaderDifferentFromMetaIsHeaderMismatch) {
  auto c = classify(post_with({{"MCP-Protocol-Version", "2025-11-25"}}), k_modern_list, std::nullopt);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().status, http::Status::bad_request);
  EXPECT_EQ(c.error().error.code, k_header_mismatch);
}

TEST(Classify, UnsupportedMetaVersionListsSupportedAndRequested) {
  auto m = modern_list(
      R"("io.modelcontextprotocol/protocolVersion":"2025-11-25","io.modelcontextprotocol/clientCapabilities":{})");
  auto c = classify(post_with({{"MCP-Protocol-Version", "2025-11-25"}}), m, std::nullopt);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().status, http::Status::bad_request);
  EXPECT_EQ(c.error().error.code, k_unsupported_version);
  ASSERT_TRUE(c.error().error.data);
  EXPECT_EQ(*c.error().error.data, json::parse(R"({"supported":["2026-07-28"],"requested":"2025-11-25"})"));
}

TEST(Classify, ModernHeaderWithoutMetaIsInvalidParams) {
  auto c = classify(post_with({{"MCP-Protocol-Version", "2026-07-28"}}), k_legacy_list, std::nullopt);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().error.code, k_invalid_params);
  EXPECT_NE(c.error().error.message.find("_meta"), std::string::npos);
}

Message call(std::string_view name) {
  return message(std::string(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":")") +
                 std::string(name) + R"("}})");
}

TEST(CheckRoutingHeaders, MissingMcpMethodIsHeaderMismatch) {
  auto rejection = check_routing_headers(post_with({}), k_legacy_list);
  ASSERT_TRUE(rejection);
  EXPECT_EQ(rejection->status, http::Status::bad_request);
  EXPECT_EQ(rejection->error.code, k_header_mismatch);
}

TEST(CheckRoutingHeaders, MatchingMcpMethodPasses) {
  EXPECT_FALSE(check_routing_headers(post_with({{"Mcp-Method", "tools/list"}}), k_legacy_list));
}

TEST(CheckRoutingHeaders, MismatchedOrDifferentlyCasedMethodIsRejected) {
  auto other = check_routing_headers(post_with({{"Mcp-Method", "tools/call"}}), k_legacy_list);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->error.code, k_header_mismatch);
  auto cased = check_routing_headers(post_with({{"Mcp-Method", "Tools/List"}}), k_legacy_list);
  ASSERT_TRUE(cased);
  EXPECT_EQ(cased->error.code, k_header_mismatch);
}

TEST(CheckRoutingHeaders, OptionalWhitespaceAroundTheValueIsIgnored) {
  EXPECT_FALSE(check_routing_headers(post_with({{"Mcp-Method", " \ttools/list\t "}}), k_legacy_list));
}

TEST(CheckRoutingHeaders, ToolsCallNeedsAMatchingMcpName) {
  auto missing = check_routing_headers(post_with({{"Mcp-Method", "tools/call"}}), call("get_workflow"));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->error.code, k_header_mismatch);
  EXPECT_NE(missing->error.message.find("Mcp-Name"), std::string::npos);
  auto wrong =
      check_routing_headers(post_with({{"Mcp-Method", "tools/call"}, {"Mcp-Name", "other"}}), call("get_workflow"));
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->error.code, k_header_mismatch);
  EXPECT_FALSE(check_routing_headers(post_with({{"Mcp-Method", "tools/call"}, {"Mcp-Name", "get_workflow"}}),
                                     call("get_workflow")));
}

TEST(CheckRoutingHeaders, ResourcesReadNeedsMcpNameEqualToTheUri) {
  auto read = message(R"({"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"file:///a.txt"}})");
  EXPECT_TRUE(check_routing_headers(post_with({{"Mcp-Method", "resources/read"}}), read));
  EXPECT_TRUE(
      check_routing_headers(post_with({{"Mcp-Method", "resources/read"}, {"Mcp-Name", "file:///b.txt"}}), read));
  EXPECT_FALSE(
      check_routing_headers(post_with({{"Mcp-Method", "resources/read"}, {"Mcp-Name", "file:///a.txt"}}), read));
}

TEST(CheckRoutingHeaders, Base64SentinelInMcpNameIsDecodedBeforeComparing) {
  // "réglage" is not representable in a header as-is.
  auto m = call("r\u00e9glage");
  EXPECT_FALSE(
      check_routing_headers(post_with({{"Mcp-Method", "tools/call"}, {"Mcp-Name", "=?base64?csOpZ2xhZ2U=?="}}), m));
  EXPECT_FALSE(check_routing_headers(
      post_with({{"Mcp-Method", "tools/call"}, {"Mcp-Name", "=?base64?Z2V0X3dvcmtmbG93?="}}), call("get_workflow")));
}

TEST(DecodeHeaderValue, DecodesAValidBase64Sentinel) {
  EXPECT_EQ(decode_header_value("=?base64?Z2V0X3dvcmtmbG93?="), "get_workflow");
  EXPECT_EQ(decode_header_value("=?base64?YWI=?="), "ab");
}

TEST(DecodeHeaderValue, RejectsSentinelWithoutPadding) {
  EXPECT_EQ(decode_header_value("=?base64?YWI?="), std::nullopt);
}

TEST(DecodeHeaderValue, RejectsInvalidBase64AndNonHeaderCharacters) {
  EXPECT_EQ(decode_header_value("=?base64?YW!j?="), std::nullopt);
  EXPECT_EQ(decode_header_value("a\x01z"), std::nullopt);
  EXPECT_EQ(decode_header_value("caf\xC3\xA9"), std::nullopt);
}

TEST(DecodeHeaderValue, KeepsLiteralValuesWithoutTheSentinel) {
  EXPECT_EQ(decode_header_value("get_workflow"), "get_workflow");
  EXPECT_EQ(decode_header_value("  spaced value "), "spaced value");
  EXPECT_EQ(decode_header_value("=?base64?"), "=?base64?");
}

TEST(HeaderRevision, AbsentHeaderIsNoRevisionAndKnownValuesParse) {
  auto none = header_revision(post_with({}));
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, std::nullopt);
  auto known = header_revision(post_with({{"MCP-Protocol-Version", "2024-11-05"}}));
  ASSERT_TRUE(known);
  EXPECT_EQ(*known, Revision::v2024_11_05);
  EXPECT_FALSE(header_revision(post_with({{"MCP-Protocol-Version", "latest"}})));
}

}  // namespace
}  // namespace mcpedge::mcp
