// Tests of the upstream IdP leg that need no network: org claims, form encoding, the authorize URL.
#include "identity/upstream_idp.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <string>
#include <utility>
#include <vector>

namespace mcpedge::identity {
namespace {

namespace json = boost::json;
using Pairs = std::vector<std::pair<std::string, std::string>>;

std::vector<std::pair<std::string, std::string>> as_pairs(const std::vector<Org>& orgs) {
  Pairs out;
  for (const auto& org : orgs) out.emplace_back(org.id, org.name);
  return out;
}

Pairs orgs(std::string_view claim_json) { return as_pairs(orgs_from_claim(json::parse(claim_json))); }

TEST(OrgsFromClaim, ListOfIdAndName) {
  EXPECT_EQ(orgs(R"([{"id":"o1","name":"Acme"},{"id":"o2","name":"Globex"}])"),
            (Pairs{{"o1", "Acme"}, {"o2", "Globex"}}));
}

TEST(OrgsFromClaim, ListOfOrgIdAndOrgName) {
  EXPECT_EQ(orgs(R"([{"org_id":"o1","org_name":"Acme"}])"), (Pairs{{"o1", "Acme"}}));
}

TEST(OrgsFromClaim, NameFallsBackToDisplayNameThenId) {
  EXPECT_EQ(orgs(R"([{"id":"o1","display_name":"Acme Inc"},{"id":"o2"}])"), (Pairs{{"o1", "Acme Inc"}, {"o2", "o2"}}));
}

TEST(OrgsFromClaim, ListOfIdsUsesTheIdAsName) { EXPECT_EQ(orgs(R"(["a","b"])"), (Pairs{{"a", "a"}, {"b", "b"}})); }

TEST(OrgsFromClaim, PropelAuthMapOfIdToInfo) {
  EXPECT_EQ(orgs(R"({"id1":{"org_id":"id1","org_name":"X","user_role":"Owner"},"id2":{}})"),
            (Pairs{{"id1", "X"}, {"id2", "id2"}}));
}

TEST(OrgsFromClaim, JunkGivesNoOrgs) {
  EXPECT_TRUE(orgs(R"("acme")").empty());
  EXPECT_TRUE(orgs("42").empty());
  EXPECT_TRUE(orgs("null").empty());
  EXPECT_TRUE(orgs("[]").empty());
  EXPECT_TRUE(orgs("{}").empty());
}

TEST(OrgsFromClaim, JunkItemsOfAListAreSkipped) {
  EXPECT_EQ(orgs(R"([1, null, {"name":"no id"}, {"id":5}, {"id":""}, [], "ok"])"), (Pairs{{"ok", "ok"}}));
}

TEST(FormEncode, EscapesEverythingButUnreservedCharacters) {
  EXPECT_EQ(form_encode({{"a b", "x&y=z"}, {"redirect_uri", "https://h/p?q=1#f"}, {"keep", "AZaz09-._~"}}),
            "a%20b=x%26y%3Dz&redirect_uri=https%3A%2F%2Fh%2Fp%3Fq%3D1%23f&keep=AZaz09-._~");
}

TEST(FormEncode, PlusAndPercentAndUtf8AreEscaped) {
  EXPECT_EQ(form_encode({{"v", "1+1%"}, {"u", "\xC3\xBC"}}), "v=1%2B1%25&u=%C3%BC");
}

TEST(FormEncode, EmptyValuesAndEmptyList) {
  EXPECT_EQ(form_encode({{"e", ""}, {"f", "1"}}), "e=&f=1");
  EXPECT_EQ(form_encode({}), "");
}

config::IdpConfig idp_config() {
  config::IdpConfig c;
  c.issuer = "https://login.example.com";
  c.client_id = "mcp edge";
  c.scopes = {"openid", "profile"};
  c.identity = config::IdentitySource::id_token;
  return c;
}

ProviderMetadata metadata_at(std::string endpoint) {
  ProviderMetadata m;
  m.issuer = "https://login.example.com";
  m.authorization_endpoint = std::move(endpoint);
  return m;
}

constexpr const char* k_callback = "https://mcp.example.com/oauth/callback";

// The decoded query parameters of a URL, in order.
Pairs query_of(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  EXPECT_TRUE(parsed) << url;
  Pairs out;
  if (!parsed) return out;
  for (auto param : parsed->params()) out.emplace_back(param.key, param.value);
  return out;
}

std::vector<std::string> keys_of(const Pairs& pairs) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : pairs) keys.push_back(key);
  return keys;
}

std::string value_of(const Pairs& pairs, std::string_view key) {
  for (const auto& [k, v] : pairs)
    if (k == key) return v;
  return "<absent>";
}

TEST(AuthorizeUrl, CarriesTheCodeFlowWithPkceAndNonce) {
  UpstreamIdp idp(idp_config(), k_callback);
  std::string url = idp.authorize_url(metadata_at("https://login.example.com/authorize"), "st-1", "chal-1", "n-1");
  EXPECT_EQ(url.rfind("https://login.example.com/authorize?", 0), 0u) << url;
  Pairs q = query_of(url);
  EXPECT_EQ(keys_of(q), (std::vector<std::string>{"response_type", "client_id", "redirect_uri", "scope", "state",
                                                  "code_challenge", "code_challenge_method", "nonce"}));
  EXPECT_EQ(value_of(q, "response_type"), "code");
  EXPECT_EQ(value_of(q, "client_id"), "mcp edge");
  EXPECT_EQ(value_of(q, "redirect_uri"), k_callback);
  EXPECT_EQ(value_of(q, "scope"), "openid profile");
  EXPECT_EQ(value_of(q, "state"), "st-1");
  EXPECT_EQ(value_of(q, "code_challenge"), "chal-1");
  EXPECT_EQ(value_of(q, "code_challenge_method"), "S256");
  EXPECT_EQ(value_of(q, "nonce"), "n-1");
  // The callback travels percent-encoded, not raw inside the query.
  EXPECT_NE(url.find("redirect_uri=https%3A%2F%2Fmcp.example.com%2Foauth%2Fcallback"), std::string::npos) << url;
  EXPECT_EQ(url.find(' '), std::string::npos) << url;
}

TEST(AuthorizeUrl, NoNonceWhenIdentityDoesNotComeFromAnIdToken) {
  for (auto source : {config::IdentitySource::userinfo, config::IdentitySource::introspection}) {
    auto c = idp_config();
    c.identity = source;
    UpstreamIdp idp(c, k_callback);
    Pairs q = query_of(idp.authorize_url(metadata_at("https://login.example.com/authorize"), "s", "c", "n-1"));
    EXPECT_EQ(value_of(q, "nonce"), "<absent>");
    EXPECT_EQ(value_of(q, "code_challenge_method"), "S256");
  }
}

TEST(AuthorizeUrl, ResourceOnlyWhenConfigured) {
  UpstreamIdp without(idp_config(), k_callback);
  Pairs q = query_of(without.authorize_url(metadata_at("https://login.example.com/authorize"), "s", "c", "n"));
  EXPECT_EQ(value_of(q, "resource"), "<absent>");

  auto c = idp_config();
  c.resource = "https://api.example.com/v1";
  UpstreamIdp with(c, k_callback);
  q = query_of(with.authorize_url(metadata_at("https://login.example.com/authorize"), "s", "c", "n"));
  EXPECT_EQ(value_of(q, "resource"), "https://api.example.com/v1");
}

TEST(AuthorizeUrl, ExtraAuthorizeParamsComeLastInConfiguredOrder) {
  auto c = idp_config();
  c.authorize_params = {{"prompt", "login"}, {"audience", "https://api.example.com"}};
  UpstreamIdp idp(c, k_callback);
  Pairs q = query_of(idp.authorize_url(metadata_at("https://login.example.com/authorize"), "s", "c", "n"));
  ASSERT_GE(q.size(), 2u);
  EXPECT_EQ(q[q.size() - 2], (std::pair<std::string, std::string>{"prompt", "login"}));
  EXPECT_EQ(q[q.size() - 1], (std::pair<std::string, std::string>{"audience", "https://api.example.com"}));
}

TEST(AuthorizeUrl, KeepsAnExistingQueryOfTheEndpoint) {
  UpstreamIdp idp(idp_config(), k_callback);
  std::string url =
      idp.authorize_url(metadata_at("https://login.example.com/oauth2/authorize?p=B2C_1_signin"), "s", "c", "n");
  EXPECT_EQ(url.rfind("https://login.example.com/oauth2/authorize?p=B2C_1_signin&response_type=code&", 0), 0u) << url;
  EXPECT_EQ(url.find("??"), std::string::npos);
  Pairs q = query_of(url);
  EXPECT_EQ(value_of(q, "p"), "B2C_1_signin");
  EXPECT_EQ(value_of(q, "state"), "s");
}

TEST(AuthorizeUrl, HostileStateIsEncoded) {
  UpstreamIdp idp(idp_config(), k_callback);
  std::string url =
      idp.authorize_url(metadata_at("https://login.example.com/authorize"), "a&redirect_uri=https://evil", "c", "n");
  Pairs q = query_of(url);
  EXPECT_EQ(value_of(q, "state"), "a&redirect_uri=https://evil");
  EXPECT_EQ(value_of(q, "redirect_uri"), k_callback);
}

}  // namespace
}  // namespace mcpedge::identity
