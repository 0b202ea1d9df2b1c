// Redirect URIs: what may be registered, and exact matching with RFC 8252 loopback port flexibility.
#include "oauth/redirect_uri.hpp"

#include <gtest/gtest.h>

#include <cctype>

namespace mcpedge::oauth {
namespace {

// A test name from free text: gtest allows only letters, digits and underscores.
std::string test_name(std::string text) {
  for (char& c : text) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return text;
}

RegisteredClient native_client() {
  RegisteredClient client;
  client.application_type = ApplicationType::native;
  client.token_endpoint_auth_method = TokenEndpointAuthMethod::none;
  client.redirect_uris = {"http://127.0.0.1:8080/callback", "http://localhost/cb?x=1", "http://[::1]/cb",
                          "cursor://anysphere.cursor-mcp/oauth/callback", "https://vscode.dev/redirect"};
  return client;
}

RegisteredClient web_client() {
  RegisteredClient client;
  client.application_type = ApplicationType::web;
  // The loopback URI could only be registered with allow_insecure_web_loopback; still exact-only.
  client.redirect_uris = {"https://app.example.com/oauth/cb", "http://localhost:3000/cb"};
  return client;
}

struct Match {
  const char* requested;
  bool native;
  bool allowed;
  const char* why;
};

void PrintTo(const Match& m, std::ostream* os) { *os << '"' << m.requested << '"'; }

class RedirectAllowed : public ::testing::TestWithParam<Match> {};

TEST_P(RedirectAllowed, Table) {
  const Match& m = GetParam();
  const RegisteredClient client = m.native ? native_client() : web_client();
  EXPECT_EQ(redirect_allowed(client, m.requested), m.allowed) << m.requested << " (" << m.why << ")";
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RedirectAllowed,
    ::testing::Values(
        Match{"http://127.0.0.1:8080/callback", true, true, "exact"},
        Match{"http://127.0.0.1:51234/callback", true, true, "native loopback: any port"},
        Match{"http://127.0.0.1/callback", true, true, "native loopback: port omitted"},
        Match{"http://[::1]:40000/cb", true, true, "native [::1]: any port"},
        Match{"http://localhost:5000/cb?x=1", true, true, "native localhost: any port, same query"},
        Match{"http://127.0.0.1:8080/callback/", true, false, "trailing slash is another path"},
        Match{"http://127.0.0.1:9000/Callback", true, false, "path differs in case"},
        Match{"http://127.0.0.1:9000/other", true, false, "different path"},
        Match{"http://127.0.0.1:9000/callback?a=b", true, false, "query added"},
        Match{"http://localhost:5000/cb?x=2", true, false, "different query"},
        Match{"http://localhost:5000/cb", true, false, "query removed"},
        Match{"http://localhost:8080/callback", true, false, "localhost is not 127.0.0.1"},
        Match{"http://127.0.0.2:8080/callback", true, false, "other 127/8 addresses are not registered"},
        Match{"https://127.0.0.1:8080/callback", true, false, "scheme differs"},
        Match{"http://evil@127.0.0.1:8080/callback", true, false, "user information"},
        Match{"http://127.0.0.1.evil.example:8080/callback", true, false, "a name, not the loopback literal"},
        Match{"http://127.0.0.1:8080/callback#frag", true, false, "fragment"},
        Match{"http://127.0.0.1:8080/callback#", true, false, "empty fragment"},
        Match{"cursor://anysphere.cursor-mcp/oauth/callback", true, true, "custom scheme, exact"},
        Match{"cursor://anysphere.cursor-mcp/oauth/callback2", true, false, "custom scheme, different path"},
        Match{"cursor://anysphere.cursor-mcp:1/oauth/callback", true, false, "custom scheme: no port flexibility"},
        Match{"https://vscode.dev/redirect", true, true, "https, exact"},
        Match{"https://vscode.dev:444/redirect", true, false, "https: no port flexibility"},
        Match{"https://app.example.com/oauth/cb", false, true, "web exact"},
        Match{"https://APP.example.com/oauth/cb", false, false, "web: byte-exact, even the host's case"},
        Match{"https://app.example.com:443/oauth/cb", false, false, "web: explicit default port is not exact"},
        Match{"https://app.example.com/oauth/cb?next=/", false, false, "web: query added"},
        Match{"https://app.example.com/oauth/cb#", false, false, "web: fragment"},
        Match{"https://app.example.com/oauth/*", false, false, "no wildcards"},
        Match{"http://localhost:3000/cb", false, true, "web loopback, exact"},
        Match{"http://localhost:3001/cb", false, false, "web loopback: no port flexibility"},
        Match{"", false, false, "empty"}),
    [](const auto& info) { return test_name(info.param.why); });

struct Kind {
  const char* uri;
  std::optional<RedirectUriKind> kind;  // nullopt: refused outright
};

void PrintTo(const Kind& k, std::ostream* os) { *os << '"' << k.uri << '"'; }

class ClassifyRedirectUri : public ::testing::TestWithParam<Kind> {};

TEST_P(ClassifyRedirectUri, Table) {
  const Kind& k = GetParam();
  auto kind = classify_redirect_uri(k.uri);
  if (!k.kind) {
    EXPECT_FALSE(kind) << k.uri;
    return;
  }
  ASSERT_TRUE(kind) << k.uri << ": " << kind.error();
  EXPECT_EQ(*kind, *k.kind) << k.uri;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ClassifyRedirectUri,
    ::testing::Values(Kind{"https://app.example.com/cb", RedirectUriKind::https},
                      Kind{"http://127.0.0.1:1234/cb", RedirectUriKind::loopback_http},
                      Kind{"http://[::1]/cb", RedirectUriKind::loopback_http},
                      Kind{"http://LOCALHOST/cb", RedirectUriKind::loopback_http},
                      Kind{"http://127.0.0.2/cb", RedirectUriKind::insecure_http},
                      Kind{"http://localhost.evil.example/cb", RedirectUriKind::insecure_http},
                      Kind{"http://10.0.0.1/cb", RedirectUriKind::insecure_http},
                      Kind{"cursor://anysphere.cursor-mcp/oauth/callback", RedirectUriKind::private_use_scheme},
                      Kind{"com.example.app:/oauth2redirect", RedirectUriKind::private_use_scheme},
                      Kind{"https:///cb", std::nullopt}, Kind{"/relative/cb", std::nullopt},
                      Kind{"https://app.example.com/cb#x", std::nullopt},
                      Kind{"https://user:pass@app.example.com/cb", std::nullopt},
                      Kind{"javascript:alert(1)", std::nullopt}, Kind{"JavaScript:alert(1)", std::nullopt},
                      Kind{"file:///etc/passwd", std::nullopt}, Kind{"data:text/html,x", std::nullopt},
                      Kind{"not a uri", std::nullopt}),
    [](const auto& info) { return test_name(info.param.uri); });

}  // namespace
}  // namespace mcpedge::oauth
