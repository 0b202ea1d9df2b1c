// Tests of the connect page's client cards and HTML: each client's real config format, the install
// links, token placeholders only where tokens exist, escaping, and a CSP without inline code.
#include "web/client_cards.hpp"
#include "web/connect_page.hpp"

#include "crypto/encoding.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>
#include <boost/url/decode_view.hpp>
#include <boost/url/parse.hpp>

namespace mcpedge::web {
namespace {

namespace json = boost::json;

const CardInputs k_inputs{"https://mcp.acme.example/mcp", "acme", "Acme", true};

const ClientCard& card(const std::vector<ClientCard>& cards, std::string_view id) {
  for (const auto& c : cards)
    if (c.id == id) return c;
  throw std::runtime_error("no card " + std::string(id));
}

const Snippet& snippet(const ClientCard& c, std::string_view id) {
  for (const auto& s : c.snippets)
    if (s.id == id) return s;
  throw std::runtime_error("no snippet " + std::string(id));
}

json::value parsed(const Snippet& s) { return json::parse(s.text); }

TEST(ClientCards, CardsFollowTheConfiguredOrder) {
  auto cards = client_cards(k_inputs, {"vscode", "cursor"});
  ASSERT_EQ(cards.size(), 2u);
  EXPECT_EQ(cards[0].id, "vscode");
  EXPECT_EQ(cards[1].id, "cursor");
}

TEST(ClientCards, EachClientGetsItsOwnConfigFormat) {
  auto cards = client_cards(k_inputs, {"cursor", "vscode", "windsurf", "gemini-cli", "claude-desktop", "claude-code"});
  EXPECT_EQ(parsed(snippet(card(cards, "cursor"), "cursor-oauth")).at_pointer("/mcpServers/acme/url"),
            "https://mcp.acme.example/mcp");
  auto vscode = parsed(snippet(card(cards, "vscode"), "vscode-oauth"));
  EXPECT_EQ(vscode.at_pointer("/servers/acme/type"), "http");
  EXPECT_EQ(vscode.at_pointer("/servers/acme/url"), "https://mcp.acme.example/mcp");
  EXPECT_EQ(parsed(snippet(card(cards, "windsurf"), "windsurf-oauth")).at_pointer("/mcpServers/acme/serverUrl"),
            "https://mcp.acme.example/mcp");
  EXPECT_EQ(parsed(snippet(card(cards, "gemini-cli"), "gemini-cli-oauth")).at_pointer("/mcpServers/acme/httpUrl"),
            "https://mcp.acme.example/mcp");
  auto desktop = parsed(snippet(card(cards, "claude-desktop"), "claude-desktop-token"));
  EXPECT_EQ(desktop.at_pointer("/mcpServers/acme/command"), "npx");
  EXPECT_EQ(desktop.at_pointer("/mcpServers/acme/args/1"), "mcp-remote");
  EXPECT_EQ(desktop.at_pointer("/mcpServers/acme/env/AUTH_HEADER"), "Bearer YOUR_TOKEN");
  EXPECT_EQ(snippet(card(cards, "claude-code"), "claude-code-oauth").text,
            "claude mcp add --transport http acme https://mcp.acme.example/mcp");
}

TEST(ClientCards, SnippetsArePrettyPrintedWithTwoSpaces) {
  auto cards = client_cards(k_inputs, {"cursor"});
  EXPECT_EQ(snippet(cards[0], "cursor-oauth").text,
            "{\n  \"mcpServers\": {\n    \"acme\": {\n      \"url\": \"https://mcp.acme.example/mcp\"\n    }\n  }\n}");
}

TEST(ClientCards, WithoutPersonalTokensOnlyOAuthIsOffered) {
  CardInputs no_tokens = k_inputs;
  no_tokens.personal_tokens = false;
  for (const auto& c : client_cards(no_tokens, {"claude-ai", "claude-desktop", "cursor", "vscode", "other"})) {
    EXPECT_EQ(c.access, Access::oauth) << c.id;
    for (const auto& s : c.snippets) EXPECT_EQ(s.text.find(k_token_placeholder), std::string::npos) << s.id;
  }
}

TEST(ClientCards, OAuthOnlyClientsSayHowToAddTheUrl) {
  auto cards = client_cards(k_inputs, {"claude-ai", "chatgpt"});
  for (const auto& c : cards) {
    EXPECT_EQ(c.access, Access::oauth);
    EXPECT_EQ(c.snippets.at(0).text, "https://mcp.acme.example/mcp");
    EXPECT_FALSE(c.steps.empty());
  }
}

TEST(ClientCards, CursorDeeplinkCarriesBase64Config) {
  auto cards = client_cards(k_inputs, {"cursor"});
  const auto& link = cards[0].links.at(0);
  auto url = boost::urls::parse_uri(link.href);
  ASSERT_TRUE(url) << link.href;
  EXPECT_EQ(url->scheme(), "cursor");
  EXPECT_EQ(url->encoded_host(), "anysphere.cursor-deeplink");
  EXPECT_EQ(url->encoded_path(), "/mcp/install");
  auto params = url->params();
  EXPECT_EQ((*params.find("name")).value, "acme");
  auto config = crypto::base64_decode((*params.find("config")).value);
  ASSERT_TRUE(config);
  EXPECT_EQ(json::parse(*config), json::parse(R"({"url":"https://mcp.acme.example/mcp"})"));
  EXPECT_TRUE(cards[0].links.at(1).uses_token);
}

TEST(ClientCards, VsCodeInstallUrlIsPercentEncodedJson) {
  std::string href = vscode_install_link("acme", "https://mcp.acme.example/mcp");
  ASSERT_EQ(href.rfind("vscode:mcp/install?", 0), 0u);
  std::string encoded = href.substr(std::string("vscode:mcp/install?").size());
  EXPECT_EQ(encoded.find('"'), std::string::npos);
  EXPECT_EQ(encoded.find(' '), std::string::npos);
  auto decoded = boost::urls::make_pct_string_view(encoded);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(json::parse(decoded->decode()),
            json::parse(R"({"name":"acme","type":"http","url":"https://mcp.acme.example/mcp"})"));
}

TEST(ConnectPage, EscapesEverythingItShowsAndUsesNoInlineCode) {
  ConnectView view;
  view.product = "<Acme & Co>";
  view.mcp_url = "https://mcp.acme.example/mcp";
  view.signed_in = true;
  view.user = "\"><script>alert(1)</script>";
  view.csrf = "c\"srf";
  view.personal_tokens = true;
  view.token_days = {7, 30};
  view.tokens.push_back({"t1", "<b>laptop</b>", "2026-11-25 10:00 UTC", "never", "not yet", false});
  view.clients.push_back({"cid", "Evil <img>", "https://x/cb?a=1&b=2", "not yet", "not yet"});
  view.cards = client_cards(k_inputs, {"cursor"});
  std::string html = connect_page(view);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("<b>laptop"), std::string::npos);
  EXPECT_EQ(html.find("Evil <img>"), std::string::npos);
  EXPECT_NE(html.find("&lt;Acme &amp; Co&gt;"), std::string::npos);
  EXPECT_NE(html.find("value=\"c&quot;srf\""), std::string::npos);
  EXPECT_EQ(html.find("<script>"), std::string::npos) << "only the external script";
  EXPECT_EQ(html.find("<style"), std::string::npos);
  EXPECT_EQ(html.find(" style="), std::string::npos);
  EXPECT_EQ(html.find("onclick"), std::string::npos);
  EXPECT_NE(html.find("<script src=\"/connect/assets/connect.js\" defer></script>"), std::string::npos);
  EXPECT_NE(html.find("<option value=\"30\" selected>"), std::string::npos);
  EXPECT_EQ(html.find("value=\"never\""), std::string::npos);
  std::string csp = connect_content_security_policy();
  EXPECT_EQ(csp.find("unsafe"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
}

TEST(ConnectPage, SignedOutShowsOnlyTheUrlAndSignIn) {
  ConnectView view;
  view.product = "Acme";
  view.mcp_url = "https://mcp.acme.example/mcp";
  view.cards = client_cards(k_inputs, {"cursor"});
  std::string html = connect_page(view);
  EXPECT_NE(html.find("href=\"/connect/signin\""), std::string::npos);
  EXPECT_EQ(html.find("class=\"card\""), std::string::npos);
  EXPECT_EQ(html.find("/connect/tokens"), std::string::npos);
}

}  // namespace
}  // namespace mcpedge::web
