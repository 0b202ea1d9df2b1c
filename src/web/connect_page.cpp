// The HTML of the /connect page.
#include "web/connect_page.hpp"

#include "web/pages.hpp"

namespace mcpedge::web {

namespace {

std::string csrf_input(const ConnectView& v) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + escape(v.csrf) + "\">";
}

std::string copy_button(const std::string& target, const std::string& label_id) {
  // Hidden until the script runs: without JavaScript there is nothing to copy with.
  return "<button type=\"button\" class=\"copy\" data-copy=\"" + escape(target) + "\" aria-describedby=\"" +
         escape(label_id) + "\" hidden>Copy</button>";
}

std::string snippet_html(const Snippet& s) {
  std::string label_id = s.id + "-label";
  std::string out = "<figure class=\"snippet\"><figcaption id=\"" + escape(label_id) + "\">" + escape(s.label) +
                    "</figcaption>\n<pre id=\"" + escape(s.id) + "\" tabindex=\"0\" aria-labelledby=\"" +
                    escape(label_id) + "\"" + (s.uses_token ? " data-uses-token" : "") + "><code>" + escape(s.text) +
                    "</code></pre>" + copy_button(s.id, label_id) + "</figure>\n";
  return out;
}

std::string card_html(const ClientCard& c) {
  std::string badge_class = c.access == Access::oauth ? "badge oauth" : "badge both";
  std::string out = "<section class=\"card\" id=\"client-" + escape(c.id) + "\" aria-labelledby=\"client-" +
                    escape(c.id) + "-name\">\n<h3 id=\"client-" + escape(c.id) + "-name\">" + escape(c.name) +
                    " <span class=\"" + badge_class + "\">" + escape(access_label(c.access)) + "</span></h3>\n<ol>";
  for (const auto& step : c.steps) out += "<li>" + escape(step) + "</li>";
  out += "</ol>\n";
  for (const auto& link : c.links) {
    // A link that carries the token is built by the script from the token in the URL fragment.
    if (link.uses_token)
      out += "<p><a class=\"install\" href=\"#tokens\" data-token-link=\"" + escape(c.id) + "\" hidden>" +
             escape(link.label) + "</a></p>\n";
    else
      out += "<p><a class=\"install\" href=\"" + escape(link.href) + "\">" + escape(link.label) + "</a></p>\n";
  }
  for (const auto& s : c.snippets) out += snippet_html(s);
  out += "</section>\n";
  return out;
}

std::string header_html(const ConnectView& v) {
  std::string out = "<header class=\"top\">";
  if (v.has_logo) out += "<img src=\"/connect/logo\" alt=\"\" class=\"logo\" width=\"40\" height=\"40\">";
  out += "<div><h1>Connect " + escape(v.product) + " to your AI assistant</h1>";
  if (v.signed_in) {
    out += "<p class=\"muted\">Signed in as <strong>" + escape(v.user) + "</strong>";
    if (!v.org.empty()) out += " · " + escape(v.org);
    out += "</p>";
  }
  out += "</div>";
  if (v.signed_in)
    out += "<form method=\"post\" action=\"/connect/signout\" class=\"signout\">" + csrf_input(v) +
           "<button type=\"submit\">Sign out</button></form>";
  out += "</header>\n";
  return out;
}

std::string tokens_html(const ConnectView& v) {
  std::string out =
      "<section id=\"tokens\" aria-labelledby=\"tokens-heading\">\n<h2 id=\"tokens-heading\">Personal access "
      "tokens</h2>\n<p>For clients without OAuth sign-in. A token acts as you; it is shown once, right after you "
      "create it.</p>\n"
      "<div id=\"new-token\" class=\"notice\" role=\"status\" aria-live=\"polite\" hidden><p><strong>Your new "
      "token</strong>: copy it now, it will not be shown again. The configurations above now contain it.</p>"
      "<pre id=\"new-token-value\" tabindex=\"0\" aria-label=\"New token\"><code></code></pre>" +
      copy_button("new-token-value", "tokens-heading") +
      "</div>\n<noscript><p class=\"notice\">Turn on JavaScript to see a new token: it travels only in the page "
      "address after #, which never reaches the server.</p></noscript>\n"
      "<form method=\"post\" action=\"/connect/tokens\" class=\"create\">" +
      csrf_input(v) +
      "<div><label for=\"token-name\">Name</label><input id=\"token-name\" name=\"name\" required maxlength=\"80\" "
      "placeholder=\"e.g. Laptop, Windsurf\" autocomplete=\"off\"></div>"
      "<div><label for=\"token-expiry\">Expires after</label><select id=\"token-expiry\" name=\"expires_in_days\">";
  for (int days : v.token_days) {
    out += "<option value=\"" + std::to_string(days) + "\"" + (days == v.default_token_days ? " selected" : "") + ">" +
           std::to_string(days) + (days == 1 ? " day" : " days") + "</option>";
  }
  if (v.allow_no_expiry) out += "<option value=\"never\">Never (until revoked)</option>";
  out += "</select></div><button type=\"submit\" class=\"primary\">Create token</button></form>\n";
  if (v.tokens.empty()) {
    out += "<p class=\"muted\" id=\"no-tokens\">You have no personal access tokens.</p>\n";
  } else {
    out +=
        "<table id=\"token-list\"><caption class=\"visually-hidden\">Your personal access tokens</caption><thead><tr>"
        "<th scope=\"col\">Name</th><th scope=\"col\">Created</th><th scope=\"col\">Expires</th>"
        "<th scope=\"col\">Last used</th><th scope=\"col\"><span class=\"visually-hidden\">Action</span></th>"
        "</tr></thead><tbody>\n";
    for (const auto& t : v.tokens) {
      out += "<tr data-token-id=\"" + escape(t.id) + "\"><td>" + escape(t.name) + "</td><td>" + escape(t.created) +
             "</td><td>" + escape(t.expires) + (t.expired ? " (expired)" : "") + "</td><td>" + escape(t.last_used) +
             "</td><td><form method=\"post\" action=\"/connect/tokens/revoke\">" + csrf_input(v) +
             "<input type=\"hidden\" name=\"id\" value=\"" + escape(t.id) +
             "\"><button type=\"submit\" aria-label=\"Revoke token " + escape(t.name) +
             "\">Revoke</button></form></td></tr>\n";
    }
    out += "</tbody></table>\n";
  }
  out += "</section>\n";
  return out;
}

std::string clients_html(const ConnectView& v) {
  std::string out =
      "<section id=\"clients\" aria-labelledby=\"clients-heading\">\n<h2 id=\"clients-heading\">Connected "
      "clients</h2>\n";
  if (v.clients.empty())
    return out + "<p class=\"muted\" id=\"no-clients\">No client has signed in as you yet.</p>\n</section>\n";
  out +=
      "<p>Revoking a client signs it out at once: its next request is refused.</p>\n<table id=\"client-list\">"
      "<caption class=\"visually-hidden\">Clients you have approved</caption><thead><tr><th scope=\"col\">Client</th>"
      "<th scope=\"col\">Redirect URI</th><th scope=\"col\">First used</th><th scope=\"col\">Last used</th>"
      "<th scope=\"col\"><span class=\"visually-hidden\">Action</span></th></tr></thead><tbody>\n";
  for (const auto& c : v.clients) {
    out += "<tr><td>" + escape(c.name) + "</td><td><code>" + escape(c.redirect_uri) + "</code></td><td>" +
           escape(c.first_used) + "</td><td>" + escape(c.last_used) +
           "</td><td><form method=\"post\" action=\"/connect/clients/revoke\">" + csrf_input(v) +
           "<input type=\"hidden\" name=\"client_id\" value=\"" + escape(c.client_id) +
           "\"><button type=\"submit\" aria-label=\"Revoke " + escape(c.name) + "\">Revoke</button></form></td></tr>\n";
  }
  out += "</tbody></table>\n</section>\n";
  return out;
}

}  // namespace

std::string connect_page(const ConnectView& v) {
  std::string body = header_html(v);
  if (!v.notice.empty()) body += "<p class=\"notice\" role=\"status\">" + escape(v.notice) + "</p>\n";
  if (!v.error.empty()) body += "<p class=\"error\" role=\"alert\">" + escape(v.error) + "</p>\n";
  if (!v.intro.empty()) body += "<p>" + escape(v.intro) + "</p>\n";
  body +=
      "<section aria-labelledby=\"url-heading\"><h2 id=\"url-heading\">Server URL</h2>"
      "<pre id=\"mcp-url\" tabindex=\"0\" aria-labelledby=\"url-heading\"><code>" +
      escape(v.mcp_url) + "</code></pre>" + copy_button("mcp-url", "url-heading") + "</section>\n";
  if (!v.signed_in) {
    body += "<section aria-labelledby=\"signin-heading\"><h2 id=\"signin-heading\">Sign in</h2><p>Sign in with your " +
            escape(v.product) +
            " account to get the configuration for your assistant, create tokens and manage connected clients.</p>"
            "<p><a class=\"button primary\" href=\"/connect/signin\">Sign in</a></p></section>\n";
  } else {
    body +=
        "<section aria-labelledby=\"clients-cards-heading\"><h2 id=\"clients-cards-heading\">Set up your "
        "assistant</h2>\n<div class=\"cards\">\n";
    for (const auto& card : v.cards) body += card_html(card);
    body += "</div></section>\n";
    if (v.personal_tokens) body += tokens_html(v);
    body += clients_html(v);
  }
  if (!v.help_url.empty())
    body += "<footer><a href=\"" + escape(v.help_url) + "\" rel=\"noopener\">Help</a></footer>\n";
  std::string out =
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<meta name=\"referrer\" content=\"same-origin\"><title>Connect · " +
      escape(v.product) +
      "</title><link rel=\"stylesheet\" href=\"/connect/assets/connect.css\">"
      "<script src=\"/connect/assets/connect.js\" defer></script></head>\n<body><main class=\"wide\">\n" +
      body + "</main></body></html>\n";
  return out;
}

std::string connect_content_security_policy() {
  return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
         "frame-ancestors 'none'; base-uri 'none'";
}

}  // namespace mcpedge::web
