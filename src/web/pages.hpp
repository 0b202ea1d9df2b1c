// Server-rendered HTML of the authorization server: consent, organisation picker and error pages.
// Plain HTML and one inline stylesheet; no script, so a strict CSP holds (ARCHITECTURE.md, web/).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mcpedge::web {

// Escapes & < > " ' for text and attribute values.
std::string escape(std::string_view text);

// The Content-Security-Policy every page is served with: nothing but its own inline style, forms to
// `form_action` (itself plus the redirect targets it posts on to), never framed.
std::string content_security_policy(std::string_view form_action = "'self'");

// A whole document: <title>, heading, body HTML (already escaped by the caller).
std::string page(std::string_view product, std::string_view title, std::string_view body_html);

struct ConsentView {
  std::string product;  // e.g. "Acme Workflows"
  std::string client_name;
  std::string redirect_uri;
  std::string redirect_host;
  bool localhost_only = false;     // every redirect URI is loopback: warn (a local app, or a look-alike)
  bool metadata_document = false;  // the client is named by a URL (CIMD)
  std::string client_id_display;
  std::vector<std::string> scopes;
  std::vector<std::pair<std::string, std::string>> hidden;  // name, value: carried to POST /consent
  std::string signed_in_as;                                 // empty when the browser has no session yet
};
std::string consent_page(const ConsentView& view);

struct OrgChoice {
  std::string id;
  std::string name;
};
std::string org_picker_page(std::string_view product, std::string_view user, std::string_view client_name,
                            const std::vector<OrgChoice>& orgs,
                            const std::vector<std::pair<std::string, std::string>>& hidden);

// An error the browser shows when the client cannot be sent back (unknown client, bad redirect URI,
// broken state): what happened, the OAuth error code, and what to do.
std::string error_page(std::string_view product, std::string_view error, std::string_view description);

}  // namespace mcpedge::web
