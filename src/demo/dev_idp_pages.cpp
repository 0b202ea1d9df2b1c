// The development IdP's pages: plain HTML with inline styles, every value escaped, no scripts.
#include "demo/dev_idp_pages.hpp"

#include "demo/media.hpp"

#include <algorithm>

namespace mcpedge::demo::detail {

namespace {

constexpr std::string_view k_style = R"css(
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #202124; }
.banner { background: #b3261e; color: #fff; padding: 16px 24px; font-size: 22px; font-weight: 700; }
.banner small { display: block; font-size: 14px; font-weight: 400; }
main { max-width: 480px; margin: 32px auto; background: #fff; padding: 24px 32px; border-radius: 8px;
       box-shadow: 0 1px 3px rgba(0,0,0,.15); }
label { display: block; margin: 12px 0 4px; font-weight: 600; }
input[type=text] { width: 100%; box-sizing: border-box; padding: 8px; font-size: 16px; }
fieldset { margin-top: 16px; border: 1px solid #dadce0; border-radius: 4px; }
fieldset label { font-weight: 400; margin: 4px 0; }
.error { background: #fce8e6; color: #b3261e; padding: 8px 12px; border-radius: 4px; }
button { margin-top: 20px; padding: 10px 20px; font-size: 16px; background: #1a73e8; color: #fff;
         border: 0; border-radius: 4px; cursor: pointer; }
code { background: #f1f3f4; padding: 1px 4px; }
)css";

std::string document(std::string_view title, const std::string& body) {
  std::string html = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<meta name=\"robots\" content=\"noindex\">\n";
  html += "<title>" + xml_escape(title) + " (development only)</title>\n<style>";
  html += k_style;
  html += "</style>\n</head>\n<body>\n";
  html +=
      "<div class=\"banner\" role=\"alert\">Development sign-in &mdash; not for production"
      "<small>DEVELOPMENT ONLY: anyone who can open this page signs in as whoever they type. "
      "Configure your real identity provider before going live.</small></div>\n";
  html += "<main>\n" + body + "</main>\n</body>\n</html>\n";
  return html;
}

}  // namespace

std::string sign_in_page(const SignInForm& form) {
  std::string body = "<h1>Sign in</h1>\n";
  body += "<p>Application <code>" + xml_escape(form.client_id) + "</code> asks who you are; you will return to <code>" +
          xml_escape(form.return_origin) + "</code>.</p>\n";
  if (!form.error.empty()) body += "<p class=\"error\" role=\"alert\">" + xml_escape(form.error) + "</p>\n";
  // Relative action: /dev-idp/authorize on whatever origin served this page.
  body += "<form method=\"post\" action=\"authorize\">\n";
  body += "<input type=\"hidden\" name=\"request\" value=\"" + xml_escape(form.sealed_request) + "\">\n";
  body += "<label for=\"name\">Your name</label>\n";
  body += "<input type=\"text\" id=\"name\" name=\"name\" required autofocus autocomplete=\"name\" maxlength=\"100\"";
  body += " placeholder=\"Ada Lovelace\" value=\"" + xml_escape(form.name) + "\">\n";
  if (form.orgs && !form.orgs->empty()) {
    body += "<fieldset>\n<legend>Organizations you belong to</legend>\n";
    for (const auto& [id, name] : *form.orgs) {
      const bool checked = std::find(form.checked.begin(), form.checked.end(), id) != form.checked.end();
      body += "<label><input type=\"checkbox\" name=\"orgs\" value=\"" + xml_escape(id) + "\"" +
              (checked ? " checked" : "") + "> " + xml_escape(name) + " <code>" + xml_escape(id) + "</code></label>\n";
    }
    body += "</fieldset>\n";
  }
  body += "<button type=\"submit\">Sign in</button>\n</form>\n";
  return document("Development sign-in", body);
}

std::string error_page(std::string_view title, std::string_view message) {
  return document(title, "<h1>" + xml_escape(title) + "</h1>\n<p>" + xml_escape(message) + "</p>\n");
}

std::string about_page(std::string_view issuer) {
  const std::string base = xml_escape(issuer);
  std::string body = "<h1>Development identity provider</h1>\n";
  body +=
      "<p>A minimal OAuth 2.0 provider built into <code>mcpedge demo</code> so that the sign-in flow works "
      "without a real identity provider. Its issuer is <code>" +
      base + "</code>; metadata is at <code>" + base + "/.well-known/openid-configuration</code>.</p>\n";
  return document("Development identity provider", body);
}

http::Reply page_reply(http::Status status, std::string html) {
  http::Reply reply = http::make_reply(status, std::move(html), "text/html; charset=utf-8");
  // No form-action: browsers apply it to every redirect after the POST, and the sign-in's chain ends
  // at the MCP client's redirect URI, which this page cannot know (mcpedge's callback sends it on).
  std::string csp = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";
  reply.head.set("Content-Security-Policy", csp);
  reply.head.set(http::Field::x_frame_options, "DENY");
  reply.head.set(http::Field::cache_control, "no-store");
  reply.head.set("Referrer-Policy", "no-referrer");
  reply.head.set("X-Content-Type-Options", "nosniff");
  return reply;
}

}  // namespace mcpedge::demo::detail
