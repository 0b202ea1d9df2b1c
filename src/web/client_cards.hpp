// One card per AI client on the connect page: how it connects (OAuth, a personal access token, or
// both), ready-to-paste configuration in that client's own format, and install links where it has them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mcpedge::web {

// Where API-key snippets take the user's personal access token; the page's script fills it in.
inline constexpr std::string_view k_token_placeholder = "YOUR_TOKEN";

enum class Access { oauth, api_key, both };
std::string_view access_label(Access access);  // "OAuth", "API key", "OAuth + API key"

struct Snippet {
  std::string id;     // element id, unique on the page
  std::string label;  // what it is and where it goes: "~/.cursor/mcp.json"
  std::string text;
  bool uses_token = false;  // an API-key variant: contains k_token_placeholder
};

struct InstallLink {
  std::string label;
  std::string href;
  bool uses_token = false;  // built by the page's script once a token exists (data-* attributes carry the parts)
};

struct ClientCard {
  std::string id;  // cursor, vscode, …
  std::string name;
  Access access = Access::oauth;
  std::vector<std::string> steps;  // plain text, one per list item
  std::vector<Snippet> snippets;
  std::vector<InstallLink> links;
};

struct CardInputs {
  std::string mcp_url;     // https://mcp.example.com/mcp
  std::string server_key;  // the server's name inside configs
  std::string product;
  bool personal_tokens = false;  // API-key variants are offered only when tokens can be created
};

// The cards for `clients` (ids from config::known_connect_clients()), in that order.
std::vector<ClientCard> client_cards(const CardInputs& in, const std::vector<std::string>& clients);

// Cursor's install deeplink for one server's mcp.json entry (base64 of its JSON).
std::string cursor_install_link(std::string_view server_key, std::string_view server_json);
// VS Code's install URL (vscode:mcp/install?<percent-encoded JSON>).
std::string vscode_install_link(std::string_view server_key, std::string_view mcp_url);

}  // namespace mcpedge::web
