// The client profiles, from each client's observed registrations (sources cited per entry).
#include "app/doctor_profiles.hpp"

namespace mcpedge::app::doctor {

const std::vector<ClientProfile>& client_profiles() {
  static const std::vector<ClientProfile> profiles = [] {
    std::vector<ClientProfile> p;
    // claude.ai / Claude Desktop custom connectors: CIMD when the AS advertises it together with
    // token auth "none", else DCR (brendanlong/lion-reader#1519); hosted callback.
    p.push_back({.name = "Claude",
                 .cimd = true,
                 .client_name = "Claude",
                 .redirect_uris = {"https://claude.ai/api/mcp/auth_callback"},
                 .application_type = "web",
                 .cors_origin = "https://claude.ai",
                 .protocol_version = "2025-06-18"});
    // ChatGPT connectors: DCR with the connector platform's hosted callback.
    p.push_back({.name = "ChatGPT",
                 .client_name = "ChatGPT",
                 .redirect_uris = {"https://chatgpt.com/connector_platform_oauth_redirect"},
                 .application_type = "web",
                 .protocol_version = "2025-06-18"});
    // Cursor IDE: DCR with its private-use scheme callback (cursor.com/docs/mcp; makeplane/plane-mcp-server#159).
    p.push_back({.name = "Cursor",
                 .client_name = "Cursor",
                 .redirect_uris = {"cursor://anysphere.cursor-mcp/oauth/callback"},
                 .application_type = "native",
                 .protocol_version = "2025-06-18"});
    // VS Code: CIMD when advertised, else DCR with its loopback and vscode.dev redirects
    // (microsoft/vscode#278512).
    p.push_back({.name = "VS Code",
                 .cimd = true,
                 .client_name = "Visual Studio Code",
                 .redirect_uris = {"http://127.0.0.1:33418/", "https://vscode.dev/redirect"},
                 .application_type = "native",
                 .cors_origin = "https://vscode.dev",
                 .protocol_version = "2025-11-25"});
    // Claude Code: CIMD (claude.ai's document) when advertised, else DCR with a loopback callback
    // whose port is picked per sign-in (anthropics/claude-code#36861; Flagsmith/flagsmith#8141).
    p.push_back({.name = "Claude Code",
                 .cimd = true,
                 .cimd_client_id = "https://claude.ai/oauth/claude-code-client-metadata",
                 .client_name = "Claude Code",
                 .redirect_uris = {"http://localhost:53682/callback"},
                 .application_type = "native",
                 .protocol_version = "2025-11-25"});
    // Gemini CLI: DCR as "Gemini CLI MCP Client" with its fixed port-7777 callback.
    p.push_back({.name = "Gemini CLI",
                 .client_name = "Gemini CLI MCP Client",
                 .redirect_uris = {"http://localhost:7777/oauth/callback"},
                 .application_type = "native",
                 .protocol_version = "2025-06-18"});
    // Windsurf: DCR as a desktop app. Its callback is not documented publicly; a loopback one stands
    // in, registered the way desktop clients do (RFC 8252 §7.3).
    p.push_back({.name = "Windsurf",
                 .client_name = "Windsurf",
                 .redirect_uris = {"http://127.0.0.1:29170/callback"},
                 .application_type = "native",
                 .protocol_version = "2025-06-18"});
    // mcp-remote and other 2025-03-26 clients: AS metadata at the MCP origin's root, DCR with a
    // loopback callback (mcp-remote's default port 3334), and the legacy /sse endpoint.
    p.push_back({.name = "mcp-remote (2025-03-26)",
                 .discovery = Discovery::origin_root,
                 .client_name = "MCP CLI Client",
                 .redirect_uris = {"http://localhost:3334/oauth/callback"},
                 .protocol_version = "2025-03-26",
                 .legacy_sse = true});
    // A client written to the 2025-11-25 text: CIMD preferred, DCR otherwise, application_type sent.
    p.push_back({.name = "spec client (2025-11-25)",
                 .cimd = true,
                 .client_name = "spec-compliant MCP client",
                 .redirect_uris = {"http://127.0.0.1:8976/callback"},
                 .application_type = "native",
                 .protocol_version = "2025-11-25"});
    return p;
  }();
  return profiles;
}

}  // namespace mcpedge::app::doctor
