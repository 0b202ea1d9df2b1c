// Tests of the auth and store sections: every field, the defaults, and the errors an operator sees.
#include "config/config.hpp"

#include "config_test_support.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <algorithm>
#include <utility>

namespace mcpedge::config {
namespace {

using testing::all_errors;
using testing::k_upstream;
using testing::load_ok;
using Case = testing::ErrorCase;

namespace json = boost::json;
using namespace std::chrono_literals;
using Pairs = std::vector<std::pair<std::string, std::string>>;
using Strings = std::vector<std::string>;

constexpr const char* k_full = R"(upstream: { base_url: http://u }
tools:
  - name: list_workflows
    description: d
    input_schema: {}
    scopes: [workflows:read, mcp]
    http: { path: /w }
auth:
  scopes: [mcp, workflows]
  access_token_ttl_s: 900
  refresh_token_ttl_s: 86400
  code_ttl_s: 30
  login_ttl_s: 300
  browser_session_ttl_s: 0
  api_key_passthrough: true
  allow_insecure_loopback_redirects: true
  cimd: { allow_private: true }
  idp:
    issuer: https://login.example.com
    discovery_url: https://login.example.com/custom/openid-configuration
    client_id: mcpedge
    client_secret: s3cret
    token_endpoint_auth: client_secret_post
    scopes: [openid, email, offline_access]
    identity: userinfo
    authorize_params: { prompt: login, audience: "https://api.example.com", access_type: offline }
    token_params: { audience: "https://api.example.com" }
    resource: https://api.example.com
    subject_claim: user_id
    name_claim: nickname
    org_claim: org_id_to_org_info
    timeout_ms: 2500
  credential:
    strategy: mint
    mint:
      method: post
      url: "https://auth.example.com/api/backend/v1/end_user_api_keys?user={subject}&org={org}"
      headers: { Authorization: "Bearer backend-key" }
      body: { user_id: "{subject}", org_id: "{org}", expires_at_seconds: "{expires_at}" }
      token_field: data.api_key_token
      ttl_s: 86400
    token_exchange:
      endpoint: https://login.example.com/oauth/exchange
      audience: https://api.example.com
      scope: "workflows:read"
      requested_token_type: "urn:ietf:params:oauth:token-type:jwt"
    service:
      credential: svc-key
      headers: { X-User-Id: "{subject}", X-Org-Id: "{org}" }
store:
  sqlite: /var/lib/mcpedge/store.db
)";

TEST(AuthSection, FullSectionParsesEveryField) {
  Config c = load_ok(k_full);
  const AuthConfig& a = c.auth;
  EXPECT_TRUE(a.enabled);
  EXPECT_EQ(a.scopes, (Strings{"mcp", "workflows"}));
  EXPECT_EQ(a.access_token_ttl, 900s);
  EXPECT_EQ(a.refresh_token_ttl, 86400s);
  EXPECT_EQ(a.code_ttl, 30s);
  EXPECT_EQ(a.login_ttl, 300s);
  EXPECT_EQ(a.browser_session_ttl, 0s);
  EXPECT_TRUE(a.api_key_passthrough);
  EXPECT_TRUE(a.allow_insecure_loopback_redirects);
  EXPECT_TRUE(a.cimd_allow_private);
  EXPECT_FALSE(a.dev_idp);

  const IdpConfig& idp = a.idp;
  EXPECT_EQ(idp.issuer, "https://login.example.com");
  EXPECT_EQ(idp.discovery_url, "https://login.example.com/custom/openid-configuration");
  EXPECT_EQ(idp.client_id, "mcpedge");
  EXPECT_EQ(idp.client_secret, "s3cret");
  EXPECT_EQ(idp.token_endpoint_auth, "client_secret_post");
  // offline_access is the IdP's business here; only auth.scopes refuses it.
  EXPECT_EQ(idp.scopes, (Strings{"openid", "email", "offline_access"}));
  EXPECT_EQ(idp.identity, IdentitySource::userinfo);
  // Kept in the order written, not sorted: some IdPs are sensitive to it and operators read logs.
  EXPECT_EQ(idp.authorize_params,
            (Pairs{{"prompt", "login"}, {"audience", "https://api.example.com"}, {"access_type", "offline"}}));
  EXPECT_EQ(idp.token_params, (Pairs{{"audience", "https://api.example.com"}}));
  EXPECT_EQ(idp.resource, "https://api.example.com");
  EXPECT_EQ(idp.subject_claim, "user_id");
  EXPECT_EQ(idp.name_claim, "nickname");
  EXPECT_EQ(idp.org_claim, "org_id_to_org_info");
  EXPECT_EQ(idp.timeout, 2500ms);

  const CredentialConfig& cred = a.credential;
  EXPECT_EQ(cred.strategy, CredentialStrategy::mint);
  EXPECT_EQ(cred.mint.method, "POST");
  EXPECT_EQ(cred.mint.url, "https://auth.example.com/api/backend/v1/end_user_api_keys?user={subject}&org={org}");
  EXPECT_EQ(cred.mint.headers, (Pairs{{"Authorization", "Bearer backend-key"}}));
  EXPECT_EQ(json::parse(cred.mint.body),
            json::parse(R"({"user_id":"{subject}","org_id":"{org}","expires_at_seconds":"{expires_at}"})"));
  EXPECT_EQ(cred.mint.token_field, "data.api_key_token");
  EXPECT_EQ(cred.mint.ttl, 86400s);
  EXPECT_EQ(cred.token_exchange.endpoint, "https://login.example.com/oauth/exchange");
  EXPECT_EQ(cred.token_exchange.audience, "https://api.example.com");
  EXPECT_EQ(cred.token_exchange.scope, "workflows:read");
  EXPECT_EQ(cred.token_exchange.requested_token_type, "urn:ietf:params:oauth:token-type:jwt");
  EXPECT_EQ(cred.service_credential, "svc-key");
  EXPECT_EQ(cred.identity_headers, (Pairs{{"X-User-Id", "{subject}"}, {"X-Org-Id", "{org}"}}));

  EXPECT_EQ(c.store.sqlite, "/var/lib/mcpedge/store.db");
  ASSERT_EQ(c.tools.size(), 1u);
  EXPECT_EQ(c.tools[0].scopes, (Strings{"workflows:read", "mcp"}));
}

TEST(AuthSection, NoSectionMeansNoAuthorizationServer) {
  Config c = load_ok(k_upstream);
  EXPECT_FALSE(c.auth.enabled);
  EXPECT_EQ(c.store.sqlite, "mcpedge-data/store.db");
}

TEST(AuthSection, MinimalSectionIsEnabledWithDefaults) {
  Config c = load_ok(std::string(k_upstream) + "auth:\n  idp: { issuer: https://login.example.com, client_id: c }\n");
  const AuthConfig& a = c.auth;
  EXPECT_TRUE(a.enabled);
  EXPECT_EQ(a.scopes, (Strings{"mcp"}));
  EXPECT_EQ(a.access_token_ttl, 3600s);
  EXPECT_FALSE(a.api_key_passthrough);
  EXPECT_EQ(a.idp.scopes, (Strings{"openid", "profile", "email"}));
  EXPECT_EQ(a.idp.identity, IdentitySource::id_token);
  // A public client: no secret, so PKCE alone and no client authentication at the token endpoint.
  EXPECT_EQ(a.idp.client_secret, "");
  EXPECT_EQ(a.idp.token_endpoint_auth, "none");
  EXPECT_TRUE(a.idp.authorize_params.empty());
  EXPECT_EQ(a.idp.resource, "");
  EXPECT_EQ(a.idp.subject_claim, "sub");
  EXPECT_EQ(a.credential.strategy, CredentialStrategy::idp_token);
}

TEST(AuthSection, SecretWithoutAuthMethodUsesClientSecretBasic) {
  Config c = load_ok(std::string(k_upstream) +
                     "auth:\n  idp: { issuer: https://login.example.com, client_id: c, client_secret: s }\n");
  EXPECT_EQ(c.auth.idp.token_endpoint_auth, "client_secret_basic");
}

TEST(AuthSection, IntrospectionWithSecretIsAccepted) {
  Config c = load_ok(std::string(k_upstream) +
                     "auth:\n  idp: { issuer: https://login.example.com, client_id: c, client_secret: s, identity: "
                     "introspection }\n");
  EXPECT_EQ(c.auth.idp.identity, IdentitySource::introspection);
}

TEST(AuthSection, HttpIssuerIsAllowedOnLoopback) {
  Config c = load_ok(std::string(k_upstream) + "auth:\n  idp: { issuer: \"http://127.0.0.1:9000\", client_id: c }\n");
  EXPECT_EQ(c.auth.idp.issuer, "http://127.0.0.1:9000");
}

TEST(AuthSection, DevIdpNeedsNoIdpSection) {
  Config c = load_ok(std::string(k_upstream) + "auth: { dev_idp: true }\n");
  EXPECT_TRUE(c.auth.enabled);
  EXPECT_TRUE(c.auth.dev_idp);
}

TEST(AuthSection, DisabledSectionNeedsNoIdp) {
  Config c = load_ok(std::string(k_upstream) + "auth: { enabled: false }\n");
  EXPECT_FALSE(c.auth.enabled);
}

TEST(AuthSection, ServiceAndTokenExchangeStrategies) {
  Config service = load_ok(std::string(k_upstream) +
                           "auth:\n"
                           "  idp: { issuer: https://login.example.com, client_id: c }\n"
                           "  credential: { strategy: service, service: { credential: k, headers: { X-User: "
                           "\"{subject}\" } } }\n");
  EXPECT_EQ(service.auth.credential.strategy, CredentialStrategy::service);
  EXPECT_EQ(service.auth.credential.service_credential, "k");
  EXPECT_EQ(service.auth.credential.identity_headers, (Pairs{{"X-User", "{subject}"}}));

  Config exchange = load_ok(std::string(k_upstream) +
                            "auth:\n"
                            "  idp: { issuer: https://login.example.com, client_id: c }\n"
                            "  credential: { strategy: token_exchange, token_exchange: { audience: api } }\n");
  EXPECT_EQ(exchange.auth.credential.strategy, CredentialStrategy::token_exchange);
  EXPECT_EQ(exchange.auth.credential.token_exchange.audience, "api");
  EXPECT_EQ(exchange.auth.credential.token_exchange.endpoint, "");  // the IdP's own token endpoint
  EXPECT_EQ(exchange.auth.credential.token_exchange.requested_token_type,
            "urn:ietf:params:oauth:token-type:access_token");
}

TEST(AuthSection, ToolScopeUnderAnOfferedScopeIsAccepted) {
  Config c = load_ok(std::string(k_upstream) +
                     "tools:\n"
                     "  - { name: t, description: d, input_schema: {}, scopes: [\"workflows:write\"], http: { path: "
                     "/t } }\n"
                     "auth:\n  scopes: [workflows]\n  dev_idp: true\n");
  ASSERT_EQ(c.tools.size(), 1u);
  EXPECT_EQ(c.tools[0].scopes, (Strings{"workflows:write"}));
}

class AuthSectionError : public ::testing::TestWithParam<Case> {};

TEST_P(AuthSectionError, ReportsFileLineKeyAndWhatToDo) { testing::expect_reported(GetParam()); }

std::string with_idp(const std::string& rest) {
  return std::string(k_upstream) + "auth:\n  idp: { issuer: https://login.example.com, client_id: c }\n" + rest;
}

std::string tool_with_scopes(const std::string& scopes) {
  return "tools:\n  - { name: t, description: d, input_schema: {}, scopes: " + scopes + ", http: { path: /t } }\n";
}

const Case k_cases[] = {
    {"MissingIdp", std::string(k_upstream) + "auth:\n  scopes: [mcp]\n",
     "test.yaml:2: auth.idp: is required; add idp: { issuer, client_id, client_secret } (the identity provider users "
     "sign in with)"},
    {"IssuerOverHttpOnAPublicHost",
     std::string(k_upstream) + "auth:\n  idp:\n    issuer: http://login.example.com\n    client_id: c\n",
     "test.yaml:4: auth.idp.issuer: must use https (http only for localhost, 127.0.0.1 or [::1]), got "
     "\"http://login.example.com\""},
    {"IssuerNotAUrl", std::string(k_upstream) + "auth:\n  idp:\n    issuer: login.example.com\n    client_id: c\n",
     "test.yaml:4: auth.idp.issuer: must be an absolute URL such as https://login.example.com, got "
     "\"login.example.com\""},
    {"MissingClientId", std::string(k_upstream) + "auth:\n  idp:\n    issuer: https://login.example.com\n",
     "test.yaml:3: auth.idp.client_id: is required; add client_id: the id mcpedge is registered under at the IdP"},
    {"IntrospectionWithoutSecret",
     std::string(k_upstream) +
         "auth:\n  idp:\n    issuer: https://login.example.com\n    client_id: c\n    identity: introspection\n",
     "test.yaml:3: auth.idp.identity: introspection needs a confidential client: set client_secret (RFC 7662 §2.1)"},
    {"UnknownIdentitySource",
     std::string(k_upstream) +
         "auth:\n  idp:\n    issuer: https://login.example.com\n    client_id: c\n    identity: saml\n",
     R"(test.yaml:6: auth.idp.identity: unknown value "saml"; use one of: id_token, userinfo, introspection)"},
    {"BasicAuthWithoutSecret",
     std::string(k_upstream) + "auth:\n  idp:\n    issuer: https://login.example.com\n    client_id: c\n    "
                               "token_endpoint_auth: client_secret_basic\n",
     "test.yaml:3: auth.idp.client_secret: is required with token_endpoint_auth client_secret_basic; set "
     "client_secret: ${IDP_SECRET}"},
    {"UnknownStrategy", with_idp("  credential:\n    strategy: minted\n"),
     R"(test.yaml:5: auth.credential.strategy: unknown value "minted"; use one of: idp_token, mint, token_exchange, service)"},
    {"MintStrategyWithoutMint", with_idp("  credential:\n    strategy: mint\n"),
     "test.yaml:4: auth.credential.mint: strategy mint needs mint: { url, headers, body, token_field } (the call that "
     "creates a user's API key)"},
    {"MintUrlOverHttp",
     with_idp("  credential:\n    strategy: mint\n    mint:\n      url: \"http://keys.example.com/{subject}\"\n"),
     "test.yaml:7: auth.credential.mint.url: must use https (http only for localhost, 127.0.0.1 or [::1]), got "
     "\"http://keys.example.com/x\""},
    {"ServiceStrategyWithoutCredential", with_idp("  credential:\n    strategy: service\n"),
     "test.yaml:4: auth.credential.service.credential: strategy service needs service: { credential: "
     "${API_SERVICE_KEY}, headers: { X-User-Id: \"{subject}\" } }"},
    {"OfflineAccessInAuthScopes", with_idp("  scopes: [mcp, offline_access]\n"),
     "test.yaml:2: auth.scopes: leave offline_access out: clients request everything listed, and refresh tokens are "
     "issued anyway"},
    {"ScopeWithASpace", with_idp("  scopes: [mcp, \"read write\"]\n"),
     R"(test.yaml:4: auth.scopes: invalid scope "read write"; a scope is printable ASCII without spaces, quotes or \)"},
    {"ScopeWithAQuote", with_idp("  scopes: ['say\"hi']\n"),
     R"(test.yaml:4: auth.scopes: invalid scope "say"hi"; a scope is printable ASCII without spaces, quotes or \)"},
    {"ToolScopeNotOffered", with_idp("  scopes: [mcp, workflows]\n") + tool_with_scopes("[admin]"),
     R"(test.yaml:6: tools[0].scopes: scope "admin" is not in auth.scopes (nor under one of them); add it there)"},
    {"ToolScopeSharingOnlyAPrefix", with_idp("  scopes: [workflows]\n") + tool_with_scopes("[\"workflowsx:read\"]"),
     R"(test.yaml:6: tools[0].scopes: scope "workflowsx:read" is not in auth.scopes (nor under one of them); add it there)"},
};

INSTANTIATE_TEST_SUITE_P(Table, AuthSectionError, ::testing::ValuesIn(k_cases),
                         [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace mcpedge::config
