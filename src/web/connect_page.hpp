// The /connect page: sign-in, one card per AI client, personal access tokens and connected clients.
// Server-rendered; one same-origin stylesheet and one small script (copy buttons, the token in the URL
// fragment), so the CSP allows no inline code at all.
#pragma once

#include "web/client_cards.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace mcpedge::web {

struct TokenRow {
  std::string id;
  std::string name;
  std::string created;
  std::string expires;  // "never" when it does not expire
  std::string last_used;
  bool expired = false;
};

struct ClientRow {
  std::string client_id;
  std::string name;
  std::string redirect_uri;
  std::string first_used;
  std::string last_used;
};

struct ConnectView {
  std::string product;
  std::string intro;
  std::string help_url;
  bool has_logo = false;  // served at /connect/logo
  std::string mcp_url;
  bool signed_in = false;
  std::string user;  // name or subject
  std::string org;
  std::string csrf;
  std::string notice;  // a confirmation ("The token was revoked.")
  std::string error;   // why something failed
  std::vector<ClientCard> cards;
  bool personal_tokens = false;
  std::vector<int> token_days;  // the expiry choices, in days
  int default_token_days = 30;
  bool allow_no_expiry = false;
  std::vector<TokenRow> tokens;
  std::vector<ClientRow> clients;
};

std::string connect_page(const ConnectView& view);

std::string connect_content_security_policy();
std::string_view connect_stylesheet();
std::string_view connect_script();

}  // namespace mcpedge::web
