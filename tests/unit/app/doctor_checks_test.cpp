// The doctor's pure checks: challenge parsing, well-known URLs, resource and issuer comparison.
#include "app/doctor_checks.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace mcpedge::app::doctor {
namespace {

boost::json::object doc(std::string_view text) { return boost::json::parse(text).as_object(); }

TEST(BearerChallenge, ReadsQuotedParametersAfterAnotherScheme) {
  auto c = parse_bearer_challenge(
      R"(Basic realm="x", Bearer resource_metadata="https://h/.well-known/oauth-protected-resource/mcp", scope="a b")");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->param("resource_metadata"), "https://h/.well-known/oauth-protected-resource/mcp");
  EXPECT_EQ(c->param("scope"), "a b");
  EXPECT_FALSE(c->param("realm"));  // Basic's parameter, not Bearer's
}

TEST(BearerChallenge, UndoesEscapesAndLowerCasesNamesAndScheme) {
  auto c = parse_bearer_challenge(R"(bearer Error="invalid_token", error_description="say \"hi\"")");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->param("error"), "invalid_token");
  EXPECT_EQ(c->param("error_description"), "say \"hi\"");
}

TEST(BearerChallenge, AbsentWhenOnlyAnotherScheme) {
  EXPECT_FALSE(parse_bearer_challenge(R"(Basic realm="mcpedge")"));
  EXPECT_FALSE(parse_bearer_challenge(""));
  auto bare = parse_bearer_challenge("Bearer");
  ASSERT_TRUE(bare);
  EXPECT_FALSE(bare->param("resource_metadata"));
}

TEST(McpUrl, SplitsOriginAndPathAndRejectsWhatIsNotHttp) {
  auto u = parse_mcp_url("HTTP://Example.COM:8080/mcp");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->origin, "http://example.com:8080");
  EXPECT_EQ(u->path, "/mcp");
  EXPECT_EQ(prm_path_aware_url(*u), "http://example.com:8080/.well-known/oauth-protected-resource/mcp");
  EXPECT_EQ(prm_root_url(*u), "http://example.com:8080/.well-known/oauth-protected-resource");
  EXPECT_FALSE(parse_mcp_url("example.com/mcp"));
  auto ftp = parse_mcp_url("ftp://example.com/mcp");
  ASSERT_FALSE(ftp);
  EXPECT_NE(ftp.error().find("http or https"), std::string::npos);
}

TEST(McpUrl, TrailingSlashTogglesBothWaysAndKeepsTheQuery) {
  EXPECT_EQ(toggle_trailing_slash("https://h/mcp"), "https://h/mcp/");
  EXPECT_EQ(toggle_trailing_slash("https://h/mcp/"), "https://h/mcp");
  EXPECT_EQ(toggle_trailing_slash("https://h/mcp?x=1"), "https://h/mcp/?x=1");
}

TEST(Resource, IgnoresOneTrailingSlashOnly) {
  EXPECT_TRUE(same_resource("https://h/mcp", "https://h/mcp/"));
  EXPECT_TRUE(same_resource("https://h/mcp/", "https://h/mcp"));
  EXPECT_FALSE(same_resource("https://h", "https://h/mcp"));  // RFC 9728 §3.3: no prefix match
  EXPECT_FALSE(same_resource("https://other/mcp", "https://h/mcp"));
}

TEST(Resource, FaultsNameTheMismatchAndTheMissingServers) {
  auto faults = protected_resource_faults(doc(R"({"resource":"https://public/mcp"})"), "http://127.0.0.1:9/mcp");
  ASSERT_EQ(faults.size(), 2u);
  EXPECT_NE(faults[0].find("https://public/mcp"), std::string::npos);
  EXPECT_NE(faults[0].find("public_url"), std::string::npos);
  EXPECT_NE(faults[1].find("authorization_servers"), std::string::npos);
  EXPECT_TRUE(protected_resource_faults(doc(R"({"resource":"https://h/mcp","authorization_servers":["https://h"]})"),
                                        "https://h/mcp")
                  .empty());
}

TEST(AsMetadataLocations, PathlessIssuerTriesRfc8414ThenOidcAtTheRoot) {
  auto l = as_metadata_locations("https://auth.example.com");
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0].url, "https://auth.example.com/.well-known/oauth-authorization-server");
  EXPECT_EQ(l[1].url, "https://auth.example.com/.well-known/openid-configuration");
}

TEST(AsMetadataLocations, IssuerWithAPathInsertsThenAppendsThenFallsBackToTheRoot) {
  auto l = as_metadata_locations("https://auth.example.com/t1/");
  ASSERT_EQ(l.size(), 5u);
  EXPECT_EQ(l[0].url, "https://auth.example.com/.well-known/oauth-authorization-server/t1");
  EXPECT_EQ(l[1].url, "https://auth.example.com/.well-known/openid-configuration/t1");
  EXPECT_EQ(l[2].url, "https://auth.example.com/t1/.well-known/openid-configuration");
  EXPECT_EQ(l[3].url, "https://auth.example.com/.well-known/oauth-authorization-server");
  EXPECT_TRUE(as_metadata_locations("not a url").empty());
}

TEST(AsMetadata, IssuerMustMatchByteForByte) {
  auto with_slash = check_issuer(doc(R"({"issuer":"https://h/"})"), "https://h", "https://h/.well-known/x");
  EXPECT_EQ(with_slash.outcome, Outcome::fail);
  EXPECT_NE(with_slash.reason.find("\"https://h/\""), std::string::npos);
  EXPECT_NE(with_slash.reason.find("RFC 8414 §3.3"), std::string::npos);
  EXPECT_EQ(check_issuer(doc(R"({"issuer":"https://h"})"), "https://h", "u").outcome, Outcome::pass);
}

TEST(AsMetadata, PkceNeedsS256AndPublicClientsNeedNone) {
  EXPECT_EQ(check_pkce(doc(R"({"code_challenge_methods_supported":["plain"]})")).outcome, Outcome::fail);
  EXPECT_EQ(check_pkce(doc(R"({})")).outcome, Outcome::fail);
  EXPECT_EQ(check_pkce(doc(R"({"code_challenge_methods_supported":["S256"]})")).outcome, Outcome::pass);
  auto absent = check_token_auth_none(doc(R"({})"));
  EXPECT_EQ(absent.outcome, Outcome::fail);
  EXPECT_NE(absent.reason.find("client_secret_basic"), std::string::npos);
  EXPECT_EQ(check_token_auth_none(doc(R"({"token_endpoint_auth_methods_supported":["none"]})")).outcome, Outcome::pass);
  EXPECT_EQ(check_response_type(doc(R"({"response_types_supported":["token"]})")).outcome, Outcome::fail);
}

TEST(AsMetadata, EndpointsMustBeHttpsOrOnTheIssuersOriginOrLoopback) {
  EXPECT_EQ(check_endpoints(doc(R"({"authorization_endpoint":"https://a/authorize"})"), "https://a").outcome,
            Outcome::fail);  // token_endpoint missing
  EXPECT_EQ(check_endpoints(doc(R"({"authorization_endpoint":"http://evil.example/authorize",
                                   "token_endpoint":"https://a/token"})"),
                            "https://a")
                .outcome,
            Outcome::fail);
  EXPECT_EQ(check_endpoints(doc(R"({"authorization_endpoint":"http://127.0.0.1:8080/authorize",
                                   "token_endpoint":"http://127.0.0.1:8080/token"})"),
                            "http://127.0.0.1:8080")
                .outcome,
            Outcome::pass);
}

}  // namespace
}  // namespace mcpedge::app::doctor
