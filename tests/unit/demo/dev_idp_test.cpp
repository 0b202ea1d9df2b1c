// DevIdentityProvider: discovery, the sign-in page, code + PKCE, client authentication, userinfo, introspection.
#include "sample_api_fixture.hpp"

#include "crypto/encoding.hpp"
#include "crypto/key_ring.hpp"
#include "demo/api_support.hpp"
#include "demo/dev_idp.hpp"

#include <array>
#include <map>

namespace mcpedge::demo::testing {
namespace {

using Form = std::vector<std::pair<std::string, std::string>>;

// RFC 7636 Appendix B.
constexpr std::string_view k_verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr std::string_view k_challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
constexpr std::string_view k_issuer = "http://127.0.0.1:8080/dev-idp";
constexpr std::string_view k_redirect = "http://127.0.0.1:8080/oauth/callback";
constexpr std::string_view k_redirect_with_query = "http://127.0.0.1:8080/oauth/callback?";
constexpr std::string_view k_client = "mcpedge-demo";
constexpr std::string_view k_secret = "s3cret:with+reserved/chars";

std::string form_encode(const Form& form) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (const auto& [name, value] : form) {
    if (!out.empty()) out += '&';
    for (const std::string* part : {&name, &value}) {
      for (unsigned char c : *part) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
          out += static_cast<char>(c);
        } else {
          out += '%';
          out += k_hex[c >> 4];
          out += k_hex[c & 15];
        }
      }
      if (part == &name) out += '=';
    }
  }
  return out;
}

// The query of a Location header as a map (first value wins).
std::map<std::string, std::string> location_params(const std::string& location) {
  std::map<std::string, std::string> params;
  const auto q = location.find('?');
  if (q == std::string::npos) return params;
  for (auto& [k, v] : detail::query_pairs(std::string_view(location).substr(q + 1))) params.emplace(k, v);
  return params;
}

std::string basic(std::string_view id, std::string_view secret) {
  // RFC 6749 §2.3.1: each half form-urlencoded, then base64.
  std::string encoded_id = form_encode({{"x", std::string(id)}}).substr(2);
  std::string encoded_secret = form_encode({{"x", std::string(secret)}}).substr(2);
  return "Basic " + crypto::base64_encode(encoded_id + ":" + encoded_secret);
}

class DevIdpTest : public ::testing::Test {
 protected:
  static constexpr std::int64_t k_start_s = 1751328000;  // 2025-07-01T00:00:00Z

  static DevIdpOptions options(std::shared_ptr<std::atomic<std::int64_t>> now) {
    DevIdpOptions o;
    o.issuer = k_issuer;
    o.client_id = k_client;
    o.client_secret = k_secret;
    o.orgs = {{"org_acme", "Acme <R&D> \"Labs\""}, {"org_globex", "Globex"}};
    o.clock = [now] { return std::chrono::system_clock::time_point(std::chrono::seconds(now->load())); };
    return o;
  }

  void advance(std::chrono::seconds by) { *now_s_ += by.count(); }

  TestReply call(http::Verb method, const std::string& target, const Headers& headers = {},
                 const std::string& body = "") {
    http::Request req{method, target, 11};
    for (const auto& [name, value] : headers) req.set(name, value);
    if (!body.empty()) req.set(http::Field::content_type, "application/x-www-form-urlencoded");
    req.body() = body;
    req.prepare_payload();
    http::Reply reply = run_request(worker_, req, [this](http::Incoming& in) { return idp_.handle(in); });
    TestReply out;
    out.status = static_cast<unsigned>(reply.head.result_int());
    out.head = std::move(reply.head);
    return out;
  }
  TestReply get(const std::string& path, const Headers& headers = {}) {
    return call(http::Verb::get, std::string(DevIdentityProvider::k_prefix) + path, headers);
  }
  TestReply post(const std::string& path, const Form& form, const Headers& headers = {}) {
    return call(http::Verb::post, std::string(DevIdentityProvider::k_prefix) + path, headers, form_encode(form));
  }

  static Form authorize_request() {
    return {{"response_type", "code"},
            {"client_id", std::string(k_client)},
            {"redirect_uri", std::string(k_redirect)},
            {"state", "st <1> & two"},
            {"code_challenge", std::string(k_challenge)},
            {"code_challenge_method", "S256"},
            {"scope", "openid profile mcp"}};
  }
  static Form without(Form form, std::string_view name) {
    std::erase_if(form, [name](const auto& p) { return p.first == name; });
    return form;
  }
  static Form with(Form form, std::string_view name, std::string value) {
    form = without(std::move(form), name);
    form.emplace_back(name, std::move(value));
    return form;
  }
  TestReply authorize(const Form& query) { return get("/authorize?" + form_encode(query)); }

  // The sealed request the sign-in page carries in its hidden field.
  static std::string hidden_request(const std::string& html) {
    const std::string marker = "name=\"request\" value=\"";
    const auto at = html.find(marker);
    if (at == std::string::npos) return {};
    const auto start = at + marker.size();
    return html.substr(start, html.find('"', start) - start);
  }

  // Through the page and the form, as a browser would: the redirect's Location.
  std::string sign_in(const std::string& name, const std::vector<std::string>& orgs = {}) {
    TestReply page = authorize(authorize_request());
    EXPECT_EQ(page.status, 200u) << page.body();
    Form form = {{"request", hidden_request(page.body())}, {"name", name}};
    for (const std::string& org : orgs) form.emplace_back("orgs", org);
    TestReply done = post("/authorize", form);
    EXPECT_EQ(done.status, 302u) << done.body();
    return done.header("Location");
  }
  std::string code_for(const std::string& name, const std::vector<std::string>& orgs = {}) {
    return location_params(sign_in(name, orgs))["code"];
  }

  Headers client_auth() const { return {{"Authorization", basic(k_client, k_secret)}}; }

  TestReply exchange(const std::string& code, std::string_view verifier = k_verifier) {
    return post("/token",
                {{"grant_type", "authorization_code"},
                 {"code", code},
                 {"redirect_uri", std::string(k_redirect)},
                 {"code_verifier", std::string(verifier)}},
                client_auth());
  }
  std::string access_token_for(const std::string& name, const std::vector<std::string>& orgs = {}) {
    TestReply tokens = exchange(code_for(name, orgs));
    EXPECT_EQ(tokens.status, 200u) << tokens.body();
    return std::string(tokens.object().at("access_token").as_string());
  }
  TestReply userinfo(const std::string& token) { return get("/userinfo", {{"Authorization", "Bearer " + token}}); }

  std::shared_ptr<std::atomic<std::int64_t>> now_s_ = std::make_shared<std::atomic<std::int64_t>>(k_start_s);
  std::shared_ptr<const crypto::KeyRing> keys_ = crypto::KeyRing::from_keys({crypto::KeyRing::Key{7, 1, 2, 3}});
  DevIdentityProvider idp_{keys_, options(now_s_)};
  http::ServerLimits limits_;
  http::Worker worker_{0, limits_};
};

TEST_F(DevIdpTest, DiscoveryDescribesTheEndpoints) {
  for (const std::string path : {"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"}) {
    TestReply r = get(path);
    ASSERT_EQ(r.status, 200u) << path;
    EXPECT_EQ(r.content_type(), "application/json");
    const json::object doc = r.object();
    const std::string issuer(k_issuer);
    EXPECT_EQ(doc.at("issuer"), json::value(issuer));
    EXPECT_EQ(doc.at("authorization_endpoint"), json::value(issuer + "/authorize"));
    EXPECT_EQ(doc.at("token_endpoint"), json::value(issuer + "/token"));
    EXPECT_EQ(doc.at("userinfo_endpoint"), json::value(issuer + "/userinfo"));
    EXPECT_EQ(doc.at("introspection_endpoint"), json::value(issuer + "/introspect"));
    EXPECT_EQ(doc.at("response_types_supported"), (json::array{"code"}));
    EXPECT_EQ(doc.at("grant_types_supported"), (json::array{"authorization_code", "refresh_token"}));
    EXPECT_EQ(doc.at("code_challenge_methods_supported"), (json::array{"S256"}));
    EXPECT_EQ(doc.at("token_endpoint_auth_methods_supported"),
              (json::array{"client_secret_basic", "client_secret_post"}));
    EXPECT_EQ(doc.at("scopes_supported"), (json::array{"openid", "profile", "email", "offline_access"}));
    EXPECT_EQ(doc.at("subject_types_supported"), (json::array{"public"}));
    EXPECT_EQ(doc.at("id_token_signing_alg_values_supported"), (json::array{"RS256"}));
    EXPECT_EQ(doc.at("authorization_response_iss_parameter_supported"), true);
    EXPECT_FALSE(doc.contains("jwks_uri"));
  }
  TestReply rfc8414 = call(http::Verb::get, std::string(DevIdentityProvider::k_rfc8414_metadata_path));
  EXPECT_EQ(rfc8414.body(), get("/.well-known/openid-configuration").body());
}

TEST_F(DevIdpTest, AuthorizePageIsEscapedAndLockedDown) {
  TestReply r = authorize(authorize_request());
  ASSERT_EQ(r.status, 200u) << r.body();
  EXPECT_EQ(r.content_type(), "text/html; charset=utf-8");
  EXPECT_EQ(r.header("Content-Security-Policy"),
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'");
  EXPECT_EQ(r.header("X-Frame-Options"), "DENY");
  EXPECT_EQ(r.header("Cache-Control"), "no-store");
  const std::string html = r.body();
  EXPECT_NE(html.find("Development sign-in &mdash; not for production"), std::string::npos);
  EXPECT_NE(html.find("DEVELOPMENT ONLY"), std::string::npos);
  EXPECT_NE(html.find("<label for=\"name\">Your name</label>"), std::string::npos);
  EXPECT_NE(html.find("name=\"name\""), std::string::npos);
  EXPECT_NE(html.find("Acme &lt;R&amp;D&gt; &quot;Labs&quot;"), std::string::npos);
  EXPECT_EQ(html.find("<R&D>"), std::string::npos);
  EXPECT_NE(html.find("name=\"orgs\" value=\"org_acme\">"), std::string::npos) << "not checked by default";
  EXPECT_NE(html.find("name=\"orgs\" value=\"org_globex\">"), std::string::npos);
  EXPECT_EQ(html.find(" checked"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("st <1>"), std::string::npos) << "the state travels sealed, not in clear";
  EXPECT_FALSE(hidden_request(html).empty());
  EXPECT_NE(html.find("<form method=\"post\" action=\"authorize\">"), std::string::npos);
}

TEST_F(DevIdpTest, BadClientOrRedirectUriIsAPageNotARedirect) {
  TestReply unknown = authorize(with(authorize_request(), "client_id", "<evil>"));
  EXPECT_EQ(unknown.status, 400u);
  EXPECT_TRUE(unknown.header("Location").empty());
  EXPECT_NE(unknown.body().find("&lt;evil&gt;"), std::string::npos);
  EXPECT_EQ(unknown.body().find("<evil>"), std::string::npos);
  for (const std::string bad :
       {"http://127.0.0.1:8080/elsewhere", "javascript:alert(1)//oauth/callback",
        "http://127.0.0.1:8080/oauth/callback#frag", "/oauth/callback", "http://a;b/oauth/callback", ""}) {
    TestReply r = authorize(with(authorize_request(), "redirect_uri", bad));
    EXPECT_EQ(r.status, 400u) << bad;
    EXPECT_TRUE(r.header("Location").empty()) << bad;
    EXPECT_NE(r.body().find("Invalid redirect_uri"), std::string::npos) << bad;
  }
}

TEST_F(DevIdpTest, MissingPkceRedirectsWithAnError) {
  auto error_of = [&](const Form& query) {
    TestReply r = authorize(query);
    EXPECT_EQ(r.status, 302u);
    const std::string location = r.header("Location");
    EXPECT_TRUE(location.starts_with(k_redirect_with_query)) << location;
    auto params = location_params(location);
    EXPECT_EQ(params["state"], "st <1> & two");
    EXPECT_EQ(params["iss"], k_issuer);
    EXPECT_FALSE(params.contains("code"));
    return params["error"];
  };
  EXPECT_EQ(error_of(without(authorize_request(), "code_challenge")), "invalid_request");
  EXPECT_EQ(error_of(without(authorize_request(), "code_challenge_method")), "invalid_request");
  EXPECT_EQ(error_of(with(authorize_request(), "code_challenge_method", "plain")), "invalid_request");
  EXPECT_EQ(error_of(with(authorize_request(), "code_challenge", "too-short")), "invalid_request");
  EXPECT_EQ(error_of(with(authorize_request(), "response_type", "token")), "unsupported_response_type");
}

TEST_F(DevIdpTest, SignInRedirectsWithCodeStateAndIss) {
  const std::string location = sign_in("Ada Lovelace", {"org_acme"});
  EXPECT_TRUE(location.starts_with(k_redirect_with_query)) << location;
  auto params = location_params(location);
  EXPECT_FALSE(params["code"].empty());
  EXPECT_EQ(params["state"], "st <1> & two");
  EXPECT_EQ(params["iss"], k_issuer);
}

TEST_F(DevIdpTest, EmptyNameShowsThePageAgain) {
  TestReply page = authorize(authorize_request());
  const std::string request = hidden_request(page.body());
  TestReply again = post("/authorize", {{"request", request}, {"name", "   "}, {"orgs", "org_globex"}});
  EXPECT_EQ(again.status, 400u);
  EXPECT_TRUE(again.header("Location").empty());
  EXPECT_NE(again.body().find("Enter your name"), std::string::npos);
  EXPECT_EQ(hidden_request(again.body()), request);
  EXPECT_NE(again.body().find("value=\"org_globex\" checked"), std::string::npos) << "choices are kept";
  EXPECT_EQ(again.header("X-Frame-Options"), "DENY");
  TestReply unknown_org = post("/authorize", {{"request", request}, {"name", "Ada"}, {"orgs", "org_<x>"}});
  EXPECT_EQ(unknown_org.status, 400u);
  EXPECT_NE(unknown_org.body().find("org_&lt;x&gt;"), std::string::npos);
  for (const std::string bad : {"Ada\x01", "Ada \xff", "\xc0\xaf", "\xed\xa0\x80"}) {
    TestReply r = post("/authorize", {{"request", request}, {"name", bad}});
    EXPECT_EQ(r.status, 400u);
    EXPECT_NE(r.body().find("not UTF-8"), std::string::npos);
  }
  TestReply forged = post("/authorize", {{"request", request + "A"}, {"name", "Ada"}});
  EXPECT_EQ(forged.status, 400u);
  EXPECT_NE(forged.body().find("sign in again"), std::string::npos);
}

TEST_F(DevIdpTest, ExchangesTheCodeWhenTheVerifierMatches) {
  TestReply r = exchange(code_for("Ada Lovelace"));
  ASSERT_EQ(r.status, 200u) << r.body();
  EXPECT_EQ(r.header("Cache-Control"), "no-store");
  const json::object tokens = r.object();
  EXPECT_FALSE(tokens.at("access_token").as_string().empty());
  EXPECT_FALSE(tokens.at("refresh_token").as_string().empty());
  EXPECT_EQ(tokens.at("token_type"), "Bearer");
  EXPECT_EQ(tokens.at("expires_in"), 3600);
  EXPECT_EQ(tokens.at("scope"), "openid profile") << "unknown scopes are not granted";
}

TEST_F(DevIdpTest, RejectsAWrongVerifierAReplayAndAnotherRedirectUri) {
  const std::string code = code_for("Ada Lovelace");
  TestReply wrong = exchange(code, "a-verifier-that-is-long-enough-but-not-the-right-one-at-all");
  EXPECT_EQ(wrong.status, 400u);
  EXPECT_EQ(wrong.error(), "invalid_grant");
  EXPECT_EQ(wrong.header("Cache-Control"), "no-store");
  TestReply elsewhere = post("/token",
                             {{"grant_type", "authorization_code"},
                              {"code", code},
                              {"redirect_uri", "http://127.0.0.1:9999/oauth/callback"},
                              {"code_verifier", std::string(k_verifier)}},
                             client_auth());
  EXPECT_EQ(elsewhere.error(), "invalid_grant");
  EXPECT_EQ(exchange(code).status, 200u) << "failed attempts do not use the code up";
  TestReply replay = exchange(code);
  EXPECT_EQ(replay.status, 400u);
  EXPECT_EQ(replay.error(), "invalid_grant");
  EXPECT_EQ(exchange("not-a-code").error(), "invalid_grant");
  EXPECT_EQ(post("/token", {{"grant_type", "authorization_code"}, {"code", code}}, client_auth()).error(),
            "invalid_request");
  EXPECT_EQ(post("/token", {{"grant_type", "password"}}, client_auth()).error(), "unsupported_grant_type");
}

TEST_F(DevIdpTest, AuthenticatesTheClientByBasicOrPost) {
  const std::string code = code_for("Ada Lovelace");
  const Form grant = {{"grant_type", "authorization_code"},
                      {"code", code},
                      {"redirect_uri", std::string(k_redirect)},
                      {"code_verifier", std::string(k_verifier)}};
  TestReply wrong_basic = post("/token", grant, {{"Authorization", basic(k_client, "wrong")}});
  EXPECT_EQ(wrong_basic.status, 401u);
  EXPECT_EQ(wrong_basic.error(), "invalid_client");
  EXPECT_EQ(wrong_basic.header("WWW-Authenticate"), "Basic realm=\"dev-idp\"");
  Form wrong_post = grant;
  wrong_post.emplace_back("client_id", std::string(k_client));
  wrong_post.emplace_back("client_secret", "wrong");
  EXPECT_EQ(post("/token", wrong_post).status, 401u);
  TestReply none = post("/token", grant);
  EXPECT_EQ(none.status, 401u);
  EXPECT_EQ(none.error(), "invalid_client");
  Form good_post = grant;
  good_post.emplace_back("client_id", std::string(k_client));
  good_post.emplace_back("client_secret", std::string(k_secret));
  EXPECT_EQ(post("/token", good_post).status, 200u) << "client_secret_post";
  TestReply both = post("/token", good_post, client_auth());
  EXPECT_EQ(both.status, 400u);
  EXPECT_EQ(both.error(), "invalid_request");
}

TEST_F(DevIdpTest, UserinfoNamesTheUserAndTheirOrgs) {
  const std::string token = access_token_for("  Ada   Lovelace! ", {"org_globex", "org_acme"});
  TestReply r = userinfo(token);
  ASSERT_EQ(r.status, 200u) << r.body();
  EXPECT_EQ(r.header("Cache-Control"), "no-store");
  EXPECT_EQ(r.object(),
            (json::object{{"sub", "ada-lovelace"},
                          {"name", "Ada   Lovelace!"},
                          {"orgs", json::array{json::object{{"id", "org_acme"}, {"name", "Acme <R&D> \"Labs\""}},
                                               json::object{{"id", "org_globex"}, {"name", "Globex"}}}}}));
  const std::string other_script =
      std::string(userinfo(access_token_for("\xe6\x9d\x8e\xe9\x9b\xb7")).object().at("sub").as_string());
  EXPECT_TRUE(other_script.starts_with("user-")) << other_script;
  EXPECT_EQ(userinfo(access_token_for("Bob")).object().at("orgs"), json::array()) << "no org ticked";

  TestReply bad = userinfo(token + "x");
  EXPECT_EQ(bad.status, 401u);
  EXPECT_TRUE(bad.header("WWW-Authenticate").starts_with("Bearer error=\"invalid_token\""))
      << bad.header("WWW-Authenticate");
  TestReply missing = get("/userinfo");
  EXPECT_EQ(missing.status, 401u);
  EXPECT_EQ(missing.header("WWW-Authenticate"), "Bearer realm=\"dev-idp\"");
}

TEST_F(DevIdpTest, IntrospectionSaysWhetherATokenIsActive) {
  TestReply tokens = exchange(code_for("Ada Lovelace", {"org_acme"}));
  const std::string access(tokens.object().at("access_token").as_string());
  const std::string refresh(tokens.object().at("refresh_token").as_string());
  TestReply active = post("/introspect", {{"token", access}}, client_auth());
  ASSERT_EQ(active.status, 200u) << active.body();
  const json::object a = active.object();
  EXPECT_EQ(a.at("active"), true);
  EXPECT_EQ(a.at("sub"), "ada-lovelace");
  EXPECT_EQ(a.at("name"), "Ada Lovelace");
  EXPECT_EQ(a.at("orgs"), (json::array{json::object{{"id", "org_acme"}, {"name", "Acme <R&D> \"Labs\""}}}));
  EXPECT_EQ(a.at("client_id"), json::value(std::string(k_client)));
  EXPECT_EQ(a.at("scope"), "openid profile");
  EXPECT_EQ(a.at("exp"), k_start_s + 3600);
  EXPECT_EQ(a.at("token_type"), "Bearer");
  for (const std::string& inactive : {std::string("garbage"), refresh}) {
    TestReply r = post("/introspect", {{"token", inactive}}, client_auth());
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.object(), (json::object{{"active", false}}));
  }
  EXPECT_EQ(post("/introspect", {{"token", access}}).status, 401u) << "needs client authentication";
  EXPECT_EQ(post("/introspect", {}, client_auth()).error(), "invalid_request");
}

TEST_F(DevIdpTest, RefreshTokenGivesNewTokens) {
  TestReply first = exchange(code_for("Ada Lovelace"));
  const std::string refresh(first.object().at("refresh_token").as_string());
  TestReply renewed = post("/token", {{"grant_type", "refresh_token"}, {"refresh_token", refresh}}, client_auth());
  ASSERT_EQ(renewed.status, 200u) << renewed.body();
  EXPECT_EQ(renewed.header("Cache-Control"), "no-store");
  const json::object tokens = renewed.object();
  EXPECT_EQ(tokens.at("token_type"), "Bearer");
  EXPECT_EQ(tokens.at("scope"), "openid profile");
  EXPECT_NE(tokens.at("refresh_token"), json::value(refresh));
  EXPECT_EQ(userinfo(std::string(tokens.at("access_token").as_string())).object().at("sub"), "ada-lovelace");

  TestReply narrower =
      post("/token", {{"grant_type", "refresh_token"}, {"refresh_token", refresh}, {"scope", "openid"}}, client_auth());
  EXPECT_EQ(narrower.object().at("scope"), "openid");
  TestReply wider =
      post("/token", {{"grant_type", "refresh_token"}, {"refresh_token", refresh}, {"scope", "openid email"}},
           client_auth());
  EXPECT_EQ(wider.error(), "invalid_scope");
  const std::string access(first.object().at("access_token").as_string());
  EXPECT_EQ(post("/token", {{"grant_type", "refresh_token"}, {"refresh_token", access}}, client_auth()).error(),
            "invalid_grant")
      << "an access token is not a refresh token";
}

TEST_F(DevIdpTest, CodesAndAccessTokensExpire) {
  const std::string code = code_for("Ada Lovelace");
  advance(std::chrono::seconds(61));
  EXPECT_EQ(exchange(code).error(), "invalid_grant");

  TestReply tokens = exchange(code_for("Ada Lovelace"));
  const std::string access(tokens.object().at("access_token").as_string());
  const std::string refresh(tokens.object().at("refresh_token").as_string());
  advance(std::chrono::seconds(3599));
  EXPECT_EQ(userinfo(access).status, 200u);
  advance(std::chrono::seconds(1));
  TestReply expired = userinfo(access);
  EXPECT_EQ(expired.status, 401u);
  EXPECT_NE(expired.header("WWW-Authenticate").find("expired"), std::string::npos);
  EXPECT_EQ(post("/introspect", {{"token", access}}, client_auth()).object().at("active"), false);
  EXPECT_EQ(post("/token", {{"grant_type", "refresh_token"}, {"refresh_token", refresh}}, client_auth()).status, 200u)
      << "the refresh token outlives the access token";
}

TEST_F(DevIdpTest, UnknownPathsAndMethods) {
  EXPECT_EQ(get("/nothing").status, 404u);
  EXPECT_EQ(call(http::Verb::get, "/dev-idpx/authorize").status, 404u);
  TestReply token_get = get("/token");
  EXPECT_EQ(token_get.status, 405u);
  EXPECT_EQ(token_get.header("Allow"), "POST");
  TestReply about = get("");
  EXPECT_EQ(about.status, 200u);
  EXPECT_NE(about.body().find("DEVELOPMENT ONLY"), std::string::npos);
}

TEST(DevIdpOptions, RejectsAnIssuerWithATrailingSlash) {
  auto keys = crypto::KeyRing::from_keys({crypto::KeyRing::Key{1}});
  DevIdpOptions o;
  o.issuer = "http://127.0.0.1:8080/dev-idp/";
  o.client_id = "c";
  o.client_secret = "s";
  EXPECT_THROW(DevIdentityProvider(keys, o), std::invalid_argument);
}

}  // namespace
}  // namespace mcpedge::demo::testing
