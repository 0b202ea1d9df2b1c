// The discovery documents and challenges clients read before anything else.
#include "oauth/metadata.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace mcpedge::oauth {
namespace {

namespace json = boost::json;

ServerDescription server() {
  ServerDescription s;
  s.issuer = "https://mcp.example.com";
  s.scopes_supported = {"mcp:tools"};
  return s;
}

TEST(ProtectedResourceMetadata, ResourceIsTheExactMcpUrlAndNamesTheIssuerByteForByte) {
  auto doc = json::parse(protected_resource_metadata(server())).as_object();
  EXPECT_EQ(doc.at("resource"), "https://mcp.example.com/mcp");
  EXPECT_EQ(doc.at("authorization_servers"), json::parse(R"(["https://mcp.example.com"])"));
  EXPECT_EQ(doc.at("scopes_supported"), json::parse(R"(["mcp:tools"])"));
  EXPECT_EQ(protected_resource_metadata_url(server()),
            "https://mcp.example.com/.well-known/oauth-protected-resource/mcp");
}

TEST(AuthorizationServerMetadata, AdvertisesS256OnlyNoneAuthIssAndCimd) {
  auto doc = json::parse(authorization_server_metadata(server(), false)).as_object();
  EXPECT_EQ(doc.at("issuer"), "https://mcp.example.com");
  EXPECT_EQ(doc.at("code_challenge_methods_supported"), json::parse(R"(["S256"])"));
  EXPECT_NE(doc.at("token_endpoint_auth_methods_supported").as_array().begin()->as_string(), "");
  bool has_none = false;
  for (const auto& m : doc.at("token_endpoint_auth_methods_supported").as_array()) has_none |= m == "none";
  EXPECT_TRUE(has_none);
  EXPECT_EQ(doc.at("authorization_response_iss_parameter_supported"), true);
  EXPECT_EQ(doc.at("client_id_metadata_document_supported"), true);
  EXPECT_EQ(doc.at("registration_endpoint"), "https://mcp.example.com/register");
  EXPECT_FALSE(doc.contains("subject_types_supported"));
}

TEST(AuthorizationServerMetadata, RegistrationEndpointOnlyWhenRegistrationWorks) {
  ServerDescription s = server();
  s.registration = false;
  auto doc = json::parse(authorization_server_metadata(s, false)).as_object();
  EXPECT_FALSE(doc.contains("registration_endpoint"));
}

TEST(AuthorizationServerMetadata, OpenIdVariantAddsTheFieldsOidcDiscoveryRequires) {
  auto doc = json::parse(authorization_server_metadata(server(), true)).as_object();
  EXPECT_EQ(doc.at("issuer"), "https://mcp.example.com");
  EXPECT_TRUE(doc.contains("subject_types_supported"));
  EXPECT_TRUE(doc.contains("id_token_signing_alg_values_supported"));
}

TEST(WwwAuthenticate, NoErrorCodeWhenNoCredentialsWereSent) {
  EXPECT_EQ(www_authenticate(server(), Challenge{std::nullopt, "", "mcp:tools"}),
            "Bearer resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\", "
            "scope=\"mcp:tools\"");
}

TEST(WwwAuthenticate, InvalidTokenCarriesErrorAndEscapedDescription) {
  EXPECT_EQ(www_authenticate(server(), Challenge{"invalid_token", "token \"abc\" expired\r\n", ""}),
            "Bearer resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\", "
            "error=\"invalid_token\", error_description=\"token \\\"abc\\\" expired\"");
}

}  // namespace
}  // namespace mcpedge::oauth
