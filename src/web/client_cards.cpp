// The cards: each client's real configuration format, as its documentation gives it.
#include "web/client_cards.hpp"

#include "crypto/encoding.hpp"

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace mcpedge::web {

namespace json = boost::json;

namespace {

// Two-space indented JSON, the way the clients' own docs show their files.
void pretty(const json::value& v, std::string& out, int depth) {
  auto indent = [&](int d) { out += '\n' + std::string(static_cast<std::size_t>(d) * 2, ' '); };
  if (v.is_object()) {
    const auto& o = v.as_object();
    if (o.empty()) {
      out += "{}";
      return;
    }
    out += '{';
    bool first = true;
    for (const auto& [key, value] : o) {
      if (!first) out += ',';
      first = false;
      indent(depth + 1);
      out += json::serialize(json::string(key)) + ": ";
      pretty(value, out, depth + 1);
    }
    indent(depth);
    out += '}';
  } else if (v.is_array()) {
    const auto& a = v.as_array();
    bool scalars = true;
    for (const auto& item : a) scalars = scalars && !item.is_object() && !item.is_array();
    out += '[';
    bool first = true;
    for (const auto& item : a) {
      if (!first) out += scalars ? ", " : ",";
      first = false;
      if (!scalars) indent(depth + 1);
      pretty(item, out, depth + 1);
    }
    if (!scalars && !a.empty()) indent(depth);
    out += ']';
  } else {
    out += json::serialize(v);
  }
}

std::string pretty(const json::value& v) {
  std::string out;
  pretty(v, out, 0);
  return out;
}

std::string bearer_placeholder() { return "Bearer " + std::string(k_token_placeholder); }

// {"mcpServers": {key: entry}}: Claude Desktop, Cursor, Windsurf and Gemini CLI share this shape.
std::string mcp_servers(std::string_view key, json::object entry) {
  json::object servers;
  servers[key] = std::move(entry);
  return pretty(json::object{{"mcpServers", std::move(servers)}});
}

json::object with_token_header(json::object entry) {
  entry["headers"] = json::object{{"Authorization", bearer_placeholder()}};
  return entry;
}

Snippet oauth_url(const CardInputs& in, const std::string& id) {
  return {id + "-url", "Server URL", in.mcp_url, false};
}

ClientCard claude_ai(const CardInputs& in) {
  ClientCard c{"claude-ai", "Claude (claude.ai)", Access::oauth, {}, {}, {}};
  c.steps = {"Open Settings → Connectors and choose Add custom connector.",
             "Name it " + in.product + " and paste the server URL below.",
             "Choose Connect and sign in; Claude then lists the tools in each chat's tools menu."};
  c.snippets.push_back(oauth_url(in, c.id));
  return c;
}

ClientCard claude_desktop(const CardInputs& in) {
  ClientCard c{"claude-desktop", "Claude Desktop", in.personal_tokens ? Access::both : Access::oauth, {}, {}, {}};
  c.steps = {
      "Sign in with OAuth: open Settings → Connectors → Add custom connector, paste the server URL and "
      "choose Connect."};
  c.snippets.push_back(oauth_url(in, c.id));
  if (in.personal_tokens) {
    c.steps.push_back(
        "Or with a personal access token: add this to claude_desktop_config.json (Settings → Developer → Edit "
        "Config; needs Node.js for mcp-remote) and restart Claude Desktop.");
    json::object entry{
        {"command", "npx"},
        {"args", json::array{"-y", "mcp-remote", in.mcp_url, "--header", "Authorization:${AUTH_HEADER}"}},
        {"env", json::object{{"AUTH_HEADER", bearer_placeholder()}}}};
    c.snippets.push_back({c.id + "-token", "claude_desktop_config.json (personal access token)",
                          mcp_servers(in.server_key, std::move(entry)), true});
  }
  return c;
}

ClientCard claude_code(const CardInputs& in) {
  ClientCard c{"claude-code", "Claude Code", in.personal_tokens ? Access::both : Access::oauth, {}, {}, {}};
  c.steps = {"Run this in a terminal, then type /mcp in Claude Code and choose Authenticate to sign in."};
  c.snippets.push_back(
      {c.id + "-oauth", "Terminal", "claude mcp add --transport http " + in.server_key + " " + in.mcp_url, false});
  if (in.personal_tokens) {
    c.steps.push_back("Or with a personal access token:");
    c.snippets.push_back({c.id + "-token", "Terminal (personal access token)",
                          "claude mcp add --transport http " + in.server_key + " " + in.mcp_url +
                              " --header \"Authorization: " + bearer_placeholder() + "\"",
                          true});
  }
  return c;
}

ClientCard chatgpt(const CardInputs& in) {
  ClientCard c{"chatgpt", "ChatGPT", Access::oauth, {}, {}, {}};
  c.steps = {"Open Settings → Apps & Connectors → Advanced settings and turn on Developer mode.",
             "Choose Create, name the connector " + in.product + ", paste the server URL below and pick OAuth.",
             "Choose Create and sign in when ChatGPT asks."};
  c.snippets.push_back(oauth_url(in, c.id));
  return c;
}

ClientCard cursor(const CardInputs& in) {
  ClientCard c{"cursor", "Cursor", in.personal_tokens ? Access::both : Access::oauth, {}, {}, {}};
  json::object entry{{"url", in.mcp_url}};
  c.steps = {"Use the install button, or add this to ~/.cursor/mcp.json (or .cursor/mcp.json in a project).",
             "Cursor shows a Needs login button next to the server: choose it to sign in."};
  c.links.push_back({"Add to Cursor", cursor_install_link(in.server_key, json::serialize(entry)), false});
  c.snippets.push_back({c.id + "-oauth", "~/.cursor/mcp.json", mcp_servers(in.server_key, entry), false});
  if (in.personal_tokens) {
    c.steps.push_back("Or with a personal access token (no sign-in in Cursor):");
    c.snippets.push_back({c.id + "-token", "~/.cursor/mcp.json (personal access token)",
                          mcp_servers(in.server_key, with_token_header(entry)), true});
    c.links.push_back({"Add to Cursor with the token", "", true});
  }
  return c;
}

ClientCard vscode(const CardInputs& in) {
  ClientCard c{"vscode", "VS Code", in.personal_tokens ? Access::both : Access::oauth, {}, {}, {}};
  c.steps = {"Use the install button, or add this to .vscode/mcp.json (or run MCP: Add Server).",
             "VS Code asks you to sign in the first time it starts the server."};
  c.links.push_back({"Install in VS Code", vscode_install_link(in.server_key, in.mcp_url), false});
  json::object servers;
  servers[in.server_key] = json::object{{"type", "http"}, {"url", in.mcp_url}};
  c.snippets.push_back({c.id + "-oauth", ".vscode/mcp.json", pretty(json::object{{"servers", servers}}), false});
  if (in.personal_tokens) {
    c.steps.push_back("Or with a personal access token: VS Code prompts for it once and keeps it in its secret store.");
    std::string input = in.server_key + "-token";
    json::object keyed;
    keyed[in.server_key] = json::object{{"type", "http"},
                                        {"url", in.mcp_url},
                                        {"headers", json::object{{"Authorization", "Bearer ${input:" + input + "}"}}}};
    json::object file{{"inputs", json::array{json::object{{"type", "promptString"},
                                                          {"id", input},
                                                          {"description", in.product + " personal access token"},
                                                          {"password", true}}}},
                      {"servers", keyed}};
    c.snippets.push_back({c.id + "-token", ".vscode/mcp.json (personal access token)", pretty(file), false});
  }
  return c;
}

ClientCard windsurf(const CardInputs& in) {
  ClientCard c{"windsurf", "Windsurf", in.personal_tokens ? Access::both : Access::oauth, {}, {}, {}};
  json::object entry{{"serverUrl", in.mcp_url}};
  c.steps = {
      "Open the MCP panel in Cascade → Configure, add this to ~/.codeium/windsurf/mcp_config.json and "
      "refresh; Windsurf opens the browser to sign in."};
  c.snippets.push_back(
      {c.id + "-oauth", "~/.codeium/windsurf/mcp_config.json", mcp_servers(in.server_key, entry), false});
  if (in.personal_tokens) {
    c.steps.push_back("Or with a personal access token:");
    c.snippets.push_back({c.id + "-token", "~/.codeium/windsurf/mcp_config.json (personal access token)",
                          mcp_servers(in.server_key, with_token_header(entry)), true});
  }
  return c;
}

ClientCard gemini_cli(const CardInputs& in) {
  ClientCard c{"gemini-cli", "Gemini CLI", in.personal_tokens ? Access::both : Access::oauth, {}, {}, {}};
  json::object entry{{"httpUrl", in.mcp_url}};
  c.steps = {"Run the command, or add the entry to ~/.gemini/settings.json; then run /mcp auth " + in.server_key +
             " in Gemini CLI to sign in."};
  c.snippets.push_back(
      {c.id + "-command", "Terminal", "gemini mcp add --transport http " + in.server_key + " " + in.mcp_url, false});
  c.snippets.push_back({c.id + "-oauth", "~/.gemini/settings.json", mcp_servers(in.server_key, entry), false});
  if (in.personal_tokens) {
    c.steps.push_back("Or with a personal access token:");
    c.snippets.push_back({c.id + "-token", "~/.gemini/settings.json (personal access token)",
                          mcp_servers(in.server_key, with_token_header(entry)), true});
  }
  return c;
}

ClientCard other(const CardInputs& in) {
  ClientCard c{"other", "Any other MCP client", in.personal_tokens ? Access::both : Access::oauth, {}, {}, {}};
  c.steps = {
      "Clients with remote MCP support (Streamable HTTP, or HTTP+SSE at /sse) take the URL and sign in "
      "with OAuth.",
      "Clients that only start local servers can reach it through mcp-remote (Node.js):"};
  c.snippets.push_back(oauth_url(in, c.id));
  c.snippets.push_back({c.id + "-stdio", "Local (stdio) server entry",
                        mcp_servers(in.server_key, json::object{{"command", "npx"},
                                                                {"args", json::array{"-y", "mcp-remote", in.mcp_url}}}),
                        false});
  if (in.personal_tokens) {
    c.steps.push_back("Or send a personal access token with every request:");
    c.snippets.push_back({c.id + "-token", "HTTP header", "Authorization: " + bearer_placeholder(), true});
  }
  return c;
}

}  // namespace

std::string_view access_label(Access access) {
  switch (access) {
    case Access::oauth:
      return "OAuth";
    case Access::api_key:
      return "API key";
    case Access::both:
      return "OAuth + API key";
  }
  return "";
}

std::string cursor_install_link(std::string_view server_key, std::string_view server_json) {
  return "cursor://anysphere.cursor-deeplink/mcp/install?name=" +
         boost::urls::encode(server_key, boost::urls::unreserved_chars) +
         "&config=" + boost::urls::encode(crypto::base64_encode(server_json), boost::urls::unreserved_chars);
}

std::string vscode_install_link(std::string_view server_key, std::string_view mcp_url) {
  json::object server{{"name", server_key}, {"type", "http"}, {"url", mcp_url}};
  return "vscode:mcp/install?" + boost::urls::encode(json::serialize(server), boost::urls::unreserved_chars);
}

std::vector<ClientCard> client_cards(const CardInputs& in, const std::vector<std::string>& clients) {
  std::vector<ClientCard> cards;
  for (const auto& id : clients) {
    if (id == "claude-ai") cards.push_back(claude_ai(in));
    if (id == "claude-desktop") cards.push_back(claude_desktop(in));
    if (id == "claude-code") cards.push_back(claude_code(in));
    if (id == "chatgpt") cards.push_back(chatgpt(in));
    if (id == "cursor") cards.push_back(cursor(in));
    if (id == "vscode") cards.push_back(vscode(in));
    if (id == "windsurf") cards.push_back(windsurf(in));
    if (id == "gemini-cli") cards.push_back(gemini_cli(in));
    if (id == "other") cards.push_back(other(in));
  }
  return cards;
}

}  // namespace mcpedge::web
