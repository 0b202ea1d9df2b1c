// Tests for the IdP metadata check: exact issuer, https endpoints, PKCE S256, and the well-known URLs.
#include "identity/discovery.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <string>

namespace mcpedge::identity {
namespace {

namespace json = boost::json;

::testing::AssertionResult has_substr(const std::string& text, std::string_view part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

json::object okta_like() {
  return {
      {"issuer", "https://idp.example.com"},
      {"authorization_endpoint", "https://idp.example.com/oauth2/v1/authorize"},
      {"token_endpoint", "https://idp.example.com/oauth2/v1/token"},
      {"jwks_uri", "https://idp.example.com/oauth2/v1/keys"},
      {"userinfo_endpoint", "https://idp.example.com/oauth2/v1/userinfo"},
      {"introspection_endpoint", "https://idp.example.com/oauth2/v1/introspect"},
      {"revocation_endpoint", "https://idp.example.com/oauth2/v1/revoke"},
      {"end_session_endpoint", "https://idp.example.com/oauth2/v1/logout"},
      {"response_types_supported", json::array{"code", "id_token", "code id_token"}},
      {"scopes_supported", json::array{"openid", "profile", "email", "offline_access"}},
      {"token_endpoint_auth_methods_supported", json::array{"client_secret_basic", "none"}},
      {"id_token_signing_alg_values_supported", json::array{"RS256"}},
      {"code_challenge_methods_supported", json::array{"S256"}},
      {"authorization_response_iss_parameter_supported", true},
  };
}

DiscoveryExpectations expecting(std::string issuer = "https://idp.example.com") {
  DiscoveryExpectations e;
  e.issuer = std::move(issuer);
  return e;
}

std::string error_of(const json::object& doc, const DiscoveryExpectations& e = expecting()) {
  auto parsed = parse_discovery(doc, e);
  return parsed ? std::string("(accepted)") : parsed.error().message;
}

TEST(Discovery, CollectsEndpointsAndCapabilities) {
  auto meta = parse_discovery(json::serialize(okta_like()), expecting());
  ASSERT_TRUE(meta) << meta.error().message;
  EXPECT_EQ(meta->issuer, "https://idp.example.com");
  EXPECT_EQ(meta->authorization_endpoint, "https://idp.example.com/oauth2/v1/authorize");
  EXPECT_EQ(meta->token_endpoint, "https://idp.example.com/oauth2/v1/token");
  EXPECT_EQ(meta->jwks_uri, "https://idp.example.com/oauth2/v1/keys");
  EXPECT_EQ(meta->userinfo_endpoint, "https://idp.example.com/oauth2/v1/userinfo");
  EXPECT_EQ(meta->introspection_endpoint, "https://idp.example.com/oauth2/v1/introspect");
  EXPECT_EQ(meta->revocation_endpoint, "https://idp.example.com/oauth2/v1/revoke");
  EXPECT_EQ(meta->end_session_endpoint, "https://idp.example.com/oauth2/v1/logout");
  EXPECT_EQ(meta->scopes_supported.size(), 4u);
  EXPECT_EQ(meta->token_endpoint_auth_methods_supported, (std::vector<std::string>{"client_secret_basic", "none"}));
  EXPECT_EQ(meta->id_token_signing_alg_values_supported, std::vector<std::string>{"RS256"});
  EXPECT_EQ(meta->code_challenge_methods_supported, std::vector<std::string>{"S256"});
  EXPECT_TRUE(meta->authorization_response_iss_parameter_supported);
}

TEST(Discovery, OptionalEndpointsMayBeAbsent) {
  json::object doc = okta_like();
  for (const char* name : {"userinfo_endpoint", "introspection_endpoint", "revocation_endpoint", "end_session_endpoint",
                           "authorization_response_iss_parameter_supported"}) {
    doc.erase(name);
  }
  auto meta = parse_discovery(doc, expecting());
  ASSERT_TRUE(meta) << meta.error().message;
  EXPECT_EQ(meta->userinfo_endpoint, "");
  EXPECT_EQ(meta->end_session_endpoint, "");
  EXPECT_FALSE(meta->authorization_response_iss_parameter_supported);
}

TEST(Discovery, IssuerMustMatchByteForByte) {
  EXPECT_TRUE(has_substr(error_of(okta_like(), expecting("https://idp.example.com/")),
                         "names issuer \"https://idp.example.com\" but the configured issuer is "
                         "\"https://idp.example.com/\""));
  json::object doc = okta_like();
  doc["issuer"] = "https://idp.example.com/";
  EXPECT_TRUE(has_substr(error_of(doc), "RFC 8414 §3.3"));
  doc["issuer"] = "https://IDP.example.com";
  EXPECT_TRUE(has_substr(error_of(doc), "byte for byte"));
  doc.erase("issuer");
  EXPECT_TRUE(has_substr(error_of(doc), "has no issuer"));
}

TEST(Discovery, IssuerHasNoQueryOrFragment) {
  json::object doc = okta_like();
  doc["issuer"] = "https://idp.example.com?tenant=1";
  EXPECT_TRUE(has_substr(error_of(doc, expecting("https://idp.example.com?tenant=1")), "no query or fragment"));
}

TEST(Discovery, HttpEndpointsOnlyOnLoopback) {
  json::object doc = okta_like();
  doc["token_endpoint"] = "http://idp.example.com/oauth2/v1/token";
  EXPECT_TRUE(has_substr(error_of(doc), "token_endpoint \"http://idp.example.com/oauth2/v1/token\" must use https"));
  doc = okta_like();
  doc["issuer"] = "http://idp.example.com";
  EXPECT_TRUE(has_substr(error_of(doc, expecting("http://idp.example.com")), "must use https"));
  for (const std::string origin : {"http://127.0.0.1:4000", "http://localhost:4000", "http://[::1]:4000"}) {
    json::object local = okta_like();
    local["issuer"] = origin;
    for (const char* name : {"authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint",
                             "introspection_endpoint", "revocation_endpoint", "end_session_endpoint"}) {
      local[name] = origin + "/" + name;
    }
    auto meta = parse_discovery(local, expecting(origin));
    EXPECT_TRUE(meta) << origin << ": " << meta.error().message;
  }
}

TEST(Discovery, EndpointsMustBeAbsoluteUrls) {
  json::object doc = okta_like();
  doc["authorization_endpoint"] = "/oauth2/v1/authorize";
  EXPECT_TRUE(has_substr(error_of(doc), "is not an absolute URL"));
  doc = okta_like();
  doc["jwks_uri"] = 42;
  EXPECT_TRUE(has_substr(error_of(doc), "jwks_uri that is not a string"));
  EXPECT_FALSE(is_secure_endpoint("ftp://idp.example.com/keys"));
  EXPECT_FALSE(is_secure_endpoint("http://127.0.0.1.example.com/keys"));  // not loopback: a DNS name
  EXPECT_FALSE(is_secure_endpoint("http://localhost.example.com/keys"));
  EXPECT_TRUE(is_secure_endpoint("https://idp.example.com/keys"));
}

TEST(Discovery, MissingS256IsAClearError) {
  json::object doc = okta_like();
  doc["code_challenge_methods_supported"] = json::array{"plain"};
  const std::string plain_only = error_of(doc);
  EXPECT_TRUE(has_substr(plain_only, "the IdP does not advertise PKCE S256"));
  EXPECT_TRUE(has_substr(plain_only, "code_challenge_methods_supported: [plain]"));
  doc.erase("code_challenge_methods_supported");
  EXPECT_TRUE(has_substr(error_of(doc), "the IdP does not advertise PKCE S256 (no code_challenge_methods_supported)"));
  DiscoveryExpectations quirk = expecting();
  quirk.assume_s256 = true;
  EXPECT_EQ(error_of(doc, quirk), "(accepted)");
}

TEST(Discovery, RequiredEndpointsFollowWhatIdentityNeeds) {
  json::object doc = okta_like();
  doc.erase("token_endpoint");
  EXPECT_TRUE(has_substr(error_of(doc), "has no token_endpoint"));
  doc = okta_like();
  doc.erase("authorization_endpoint");
  EXPECT_TRUE(has_substr(error_of(doc), "has no authorization_endpoint"));

  doc = okta_like();
  doc.erase("jwks_uri");
  doc.erase("userinfo_endpoint");
  doc.erase("introspection_endpoint");
  EXPECT_TRUE(has_substr(error_of(doc), "has no jwks_uri"));
  DiscoveryExpectations e = expecting();
  e.need_jwks_uri = false;
  EXPECT_EQ(error_of(doc, e), "(accepted)");
  e.need_userinfo_endpoint = true;
  EXPECT_TRUE(has_substr(error_of(doc, e), "has no userinfo_endpoint"));
  e.need_userinfo_endpoint = false;
  e.need_introspection_endpoint = true;
  EXPECT_TRUE(has_substr(error_of(doc, e), "has no introspection_endpoint"));
}

TEST(Discovery, ResponseTypesMustIncludeCode) {
  json::object doc = okta_like();
  doc["response_types_supported"] = json::array{"id_token", "token id_token"};
  EXPECT_TRUE(has_substr(error_of(doc), "does not support the authorization code flow"));
  doc["response_types_supported"] = "code";
  EXPECT_TRUE(has_substr(error_of(doc), "response_types_supported that is not an array"));
}

TEST(Discovery, DocumentMustBeAJsonObject) {
  EXPECT_TRUE(has_substr(parse_discovery("<html>", expecting()).error().message, "not valid JSON"));
  EXPECT_TRUE(has_substr(parse_discovery("[]", expecting()).error().message, "not a JSON object"));
}

TEST(Discovery, WellKnownUrlsFollowOidcAndRfc8414) {
  EXPECT_EQ(*openid_configuration_url("https://idp.example.com"),
            "https://idp.example.com/.well-known/openid-configuration");
  EXPECT_EQ(*openid_configuration_url("https://login.example.com/tenant-1/v2.0/"),
            "https://login.example.com/tenant-1/v2.0/.well-known/openid-configuration");
  EXPECT_EQ(*authorization_server_metadata_url("https://idp.example.com"),
            "https://idp.example.com/.well-known/oauth-authorization-server");
  EXPECT_EQ(*authorization_server_metadata_url("https://idp.example.com/"),
            "https://idp.example.com/.well-known/oauth-authorization-server");
  EXPECT_EQ(*authorization_server_metadata_url("https://idp.example.com:8443/tenant/a/"),
            "https://idp.example.com:8443/.well-known/oauth-authorization-server/tenant/a");
  EXPECT_EQ(*authorization_server_metadata_url("http://127.0.0.1:4000"),
            "http://127.0.0.1:4000/.well-known/oauth-authorization-server");
  EXPECT_FALSE(openid_configuration_url("http://idp.example.com"));
  EXPECT_FALSE(authorization_server_metadata_url("https://idp.example.com/#frag"));
}

}  // namespace
}  // namespace mcpedge::identity
