// The HTML of the consent, organisation and error pages.
#include "web/pages.hpp"

namespace mcpedge::web {

namespace {

constexpr std::string_view k_style = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:#1d2430;margin:0}
main{max-width:34rem;margin:3rem auto;background:#fff;border:1px solid #d6dae1;border-radius:10px;padding:2rem}
h1{font-size:1.35rem;margin:0 0 1rem}
p,li{line-height:1.5}
code{background:#eef0f3;padding:.1rem .3rem;border-radius:4px;word-break:break-all}
.warn{background:#fff4e5;border:1px solid #c77700;border-radius:6px;padding:.6rem .8rem}
.actions{display:flex;gap:.75rem;margin-top:1.5rem}
button{font:inherit;padding:.55rem 1.2rem;border-radius:6px;border:1px solid #1d2430;background:#fff;color:#1d2430;cursor:pointer}
button.primary{background:#0b57d0;border-color:#0b57d0;color:#fff}
button:focus-visible,input:focus-visible{outline:3px solid #f29900;outline-offset:2px}
label{display:block;padding:.35rem 0}
.muted{color:#4a5566;font-size:.92rem}
)";

std::string hidden_inputs(const std::vector<std::pair<std::string, std::string>>& hidden) {
  std::string out;
  for (const auto& [name, value] : hidden)
    out += "<input type=\"hidden\" name=\"" + escape(name) + "\" value=\"" + escape(value) + "\">\n";
  return out;
}

}  // namespace

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string content_security_policy(std::string_view form_action) {
  return "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action " +
         std::string(form_action) + "; frame-ancestors 'none'; base-uri 'none'";
}

std::string page(std::string_view product, std::string_view title, std::string_view body_html) {
  std::string out =
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<meta name=\"referrer\" content=\"same-origin\"><title>";
  out += escape(title) + " · " + escape(product) + "</title><style>" + std::string(k_style) + "</style></head>\n";
  out += "<body><main>\n<h1>" + escape(title) + "</h1>\n" + std::string(body_html) + "\n</main></body></html>\n";
  return out;
}

std::string consent_page(const ConsentView& v) {
  std::string body;
  body +=
      "<p><strong>" + escape(v.client_name) + "</strong> wants to use " + escape(v.product) + " on your behalf.</p>\n";
  if (!v.signed_in_as.empty()) body += "<p class=\"muted\">Signed in as " + escape(v.signed_in_as) + ".</p>\n";
  body += "<p>After you approve, you will be sent back to <strong>" + escape(v.redirect_host) + "</strong>:<br><code>" +
          escape(v.redirect_uri) + "</code></p>\n";
  if (v.localhost_only)
    body +=
        "<p class=\"warn\">This application receives your approval on this computer (localhost). Approve only "
        "if you just started the connection from an app you trust.</p>\n";
  if (v.metadata_document)
    body += "<p class=\"muted\">Client identified by <code>" + escape(v.client_id_display) + "</code>.</p>\n";
  body += "<p>It asks for:</p>\n<ul>\n";
  for (const auto& scope : v.scopes) body += "<li><code>" + escape(scope) + "</code></li>\n";
  body += "</ul>\n<form method=\"post\" action=\"/consent\">\n" + hidden_inputs(v.hidden);
  body +=
      "<div class=\"actions\"><button class=\"primary\" type=\"submit\" name=\"decision\" value=\"approve\">"
      "Approve</button><button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></div>\n</form>";
  return page(v.product, "Allow " + v.client_name + "?", body);
}

std::string org_picker_page(std::string_view product, std::string_view user, std::string_view client_name,
                            const std::vector<OrgChoice>& orgs,
                            const std::vector<std::pair<std::string, std::string>>& hidden) {
  std::string body = "<p>" + escape(user) + ", you belong to several organisations. Which one should <strong>" +
                     escape(client_name) + "</strong> act in?</p>\n<form method=\"post\" action=\"/oauth/org\">\n" +
                     "<fieldset><legend>Organisation</legend>\n";
  bool first = true;
  for (const auto& org : orgs) {
    body += "<label><input type=\"radio\" name=\"org\" value=\"" + escape(org.id) + "\"" + (first ? " checked" : "") +
            "> " + escape(org.name) + "</label>\n";
    first = false;
  }
  body += "</fieldset>\n" + hidden_inputs(hidden) +
          "<div class=\"actions\"><button class=\"primary\" type=\"submit\">Continue</button></div>\n</form>";
  return page(product, "Choose an organisation", body);
}

std::string error_page(std::string_view product, std::string_view error, std::string_view description) {
  std::string body = "<p>" + escape(description) + "</p>\n<p class=\"muted\">Error code: <code>" + escape(error) +
                     "</code>. Start the connection again from your AI assistant.</p>";
  return page(product, "This sign-in cannot continue", body);
}

}  // namespace mcpedge::web
