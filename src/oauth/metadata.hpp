// Discovery documents of the authorization server and the resource server, and 401/403 challenges.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcpedge::oauth {

// What the documents describe. `issuer` is the public origin with no trailing slash; every document
// and challenge spells it byte for byte the same (RFC 8414 §3.3; shared/mcp-spec.md §8).
struct ServerDescription {
  std::string issuer;  // https://mcp.example.com
  std::string mcp_path = "/mcp";
  std::vector<std::string> scopes_supported;  // minimal; never offline_access (2026-07-28 #refresh-tokens)
  bool registration = true;                   // RFC 7591 endpoint advertised
  bool client_id_metadata_documents = true;
  std::string resource_name;  // human name of the protected resource, optional

  std::string resource() const { return issuer + mcp_path; }  // RFC 9728 §3.3: the exact MCP URL
};

// RFC 9728 protected-resource metadata; served at /.well-known/oauth-protected-resource/mcp and at
// the root.
std::string protected_resource_metadata(const ServerDescription& server);

// RFC 8414 authorization-server metadata; `openid` adds the OIDC discovery fields that document needs.
std::string authorization_server_metadata(const ServerDescription& server, bool openid);

// The well-known URL of the protected-resource metadata for the MCP path (RFC 9728 §3.1).
std::string protected_resource_metadata_url(const ServerDescription& server);

struct Challenge {
  std::optional<std::string> error;  // absent when no credentials were sent (RFC 6750 §3.1)
  std::string description;
  std::string scope;  // the scopes the operation needs, space-separated
};

// `Bearer resource_metadata="…", scope="…", error="…", error_description="…"` with quoted-string
// escaping (RFC 9110 §5.6.4).
std::string www_authenticate(const ServerDescription& server, const Challenge& challenge);

}  // namespace mcpedge::oauth
