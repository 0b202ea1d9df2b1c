// Tests of the authorization server's HTML: escaping, the consent page and its security policy.
#include "web/pages.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace mcpedge::web {
namespace {

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

TEST(Escape, EscapesAllFiveCharacters) {
  EXPECT_EQ(escape(R"(<a href="x" title='y'>&</a>)"), "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
}

TEST(Escape, LeavesOtherTextAlone) {
  EXPECT_EQ(escape("Acme Workflows: r\xC3\xA9sum\xC3\xA9 / 100% ok"), "Acme Workflows: r\xC3\xA9sum\xC3\xA9 / 100% ok");
  EXPECT_EQ(escape(""), "");
}

TEST(Escape, EscapesAnAmpersandOnlyOnce) { EXPECT_EQ(escape("&amp;"), "&amp;amp;"); }

ConsentView view() {
  ConsentView v;
  v.product = "Acme Workflows";
  v.client_name = "Claude";
  v.redirect_uri = "https://claude.ai/api/mcp/auth_callback";
  v.redirect_host = "claude.ai";
  v.scopes = {"mcp", "workflows:read"};
  v.hidden = {{"request_id", "req-123"}, {"csrf", "tok-456"}};
  return v;
}

TEST(ConsentPage, EscapesAHostileClientNameAndRedirectUri) {
  ConsentView v = view();
  v.client_name = "<script>alert(1)</script>";
  v.redirect_uri = "https://evil.example/cb?x=\"><script>alert(2)</script>";
  v.redirect_host = "evil.example<script>";
  v.signed_in_as = "<img src=x onerror=alert(3)>";
  v.scopes = {"<b>mcp</b>"};
  v.hidden = {{"state", "\"><script>alert(4)</script>"}};
  std::string html = consent_page(v);
  EXPECT_FALSE(contains(html, "<script")) << html;
  EXPECT_FALSE(contains(html, "<img")) << html;
  EXPECT_FALSE(contains(html, "<b>mcp")) << html;
  EXPECT_TRUE(contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;")) << html;
  EXPECT_TRUE(contains(html, "value=\"&quot;&gt;&lt;script&gt;alert(4)&lt;/script&gt;\"")) << html;
}

TEST(ConsentPage, NamesTheClientTheRedirectAndTheProduct) {
  std::string html = consent_page(view());
  EXPECT_TRUE(contains(html, "<strong>Claude</strong>")) << html;
  EXPECT_TRUE(contains(html, "Acme Workflows")) << html;
  EXPECT_TRUE(contains(html, "https://claude.ai/api/mcp/auth_callback")) << html;
  EXPECT_TRUE(contains(html, "claude.ai")) << html;
}

TEST(ConsentPage, WarnsAboutLocalhostOnlyWhenAllRedirectsAreLocal) {
  ConsentView v = view();
  EXPECT_FALSE(contains(consent_page(v), "localhost"));
  EXPECT_FALSE(contains(consent_page(v), "class=\"warn\""));
  v.localhost_only = true;
  v.redirect_uri = "http://127.0.0.1:33418/callback";
  std::string html = consent_page(v);
  EXPECT_TRUE(contains(html, "class=\"warn\"")) << html;
  EXPECT_TRUE(contains(html, "localhost")) << html;
}

TEST(ConsentPage, ListsEveryScope) {
  std::string html = consent_page(view());
  EXPECT_TRUE(contains(html, "<li><code>mcp</code></li>")) << html;
  EXPECT_TRUE(contains(html, "<li><code>workflows:read</code></li>")) << html;
}

TEST(ConsentPage, CarriesHiddenFieldsAndBothDecisionsToPostConsent) {
  std::string html = consent_page(view());
  EXPECT_TRUE(contains(html, "<form method=\"post\" action=\"/consent\">")) << html;
  EXPECT_TRUE(contains(html, "<input type=\"hidden\" name=\"request_id\" value=\"req-123\">")) << html;
  EXPECT_TRUE(contains(html, "<input type=\"hidden\" name=\"csrf\" value=\"tok-456\">")) << html;
  EXPECT_TRUE(contains(html, "name=\"decision\" value=\"approve\"")) << html;
  EXPECT_TRUE(contains(html, "name=\"decision\" value=\"deny\"")) << html;
}

TEST(ConsentPage, ShowsTheMetadataDocumentUrlOnlyForCimdClients) {
  ConsentView v = view();
  v.client_id_display = "https://app.example.com/oauth/client.json";
  EXPECT_FALSE(contains(consent_page(v), "https://app.example.com/oauth/client.json"));
  v.metadata_document = true;
  EXPECT_TRUE(contains(consent_page(v), "https://app.example.com/oauth/client.json"));
}

TEST(ConsentPage, HasNoScript) {
  ConsentView v = view();
  v.localhost_only = true;
  v.metadata_document = true;
  v.signed_in_as = "ada@example.com";
  std::string html = consent_page(v);
  EXPECT_FALSE(contains(html, "<script")) << html;
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(\son[a-z]+\s*=)"))) << html;  // no onclick= and the like
}

TEST(ContentSecurityPolicy, ForbidsFramingScriptsAndForeignForms) {
  std::string csp = content_security_policy();
  EXPECT_TRUE(contains(csp, "frame-ancestors 'none'")) << csp;
  EXPECT_TRUE(contains(csp, "default-src 'none'")) << csp;
  EXPECT_TRUE(contains(csp, "form-action 'self'")) << csp;
  EXPECT_FALSE(contains(csp, "script-src")) << csp;
}

TEST(ContentSecurityPolicy, FormActionIncludesTheGivenTargets) {
  std::string csp = content_security_policy("'self' https://claude.ai");
  EXPECT_TRUE(contains(csp, "form-action 'self' https://claude.ai;")) << csp;
  EXPECT_TRUE(contains(csp, "frame-ancestors 'none'")) << csp;
}

TEST(ErrorPage, EscapesTheDescription) {
  std::string html = error_page("Acme", "invalid_request", "redirect_uri <script>x</script> is not registered");
  EXPECT_FALSE(contains(html, "<script")) << html;
  EXPECT_TRUE(contains(html, "<code>invalid_request</code>")) << html;
}

TEST(OrgPickerPage, ChecksTheFirstOrgAndEscapesNames) {
  std::string html =
      org_picker_page("Acme", "Ada", "Claude", {{"o1", "Acme & Co"}, {"o2", "<Globex>"}}, {{"request_id", "r1"}});
  EXPECT_TRUE(contains(html, "value=\"o1\" checked> Acme &amp; Co")) << html;
  EXPECT_TRUE(contains(html, "value=\"o2\"> &lt;Globex&gt;")) << html;
  EXPECT_TRUE(contains(html, "name=\"request_id\" value=\"r1\"")) << html;
}

}  // namespace
}  // namespace mcpedge::web
