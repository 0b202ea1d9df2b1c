// The MCP clients `mcpedge doctor` imitates: how each discovers, registers and redirects.
#pragma once

#include <string>
#include <vector>

namespace mcpedge::app::doctor {

enum class Discovery {
  // 2025-06-18 / 2025-11-25: 401 challenge → protected-resource metadata (challenge URL, then
  // path-aware, then root well-known) → AS metadata at the issuer's RFC 8414 / OIDC locations.
  protected_resource,
  // 2025-03-26: no PRM; AS metadata at the MCP origin's root, else /authorize, /token, /register there.
  origin_root,
};

struct ClientProfile {
  std::string name;
  Discovery discovery = Discovery::protected_resource;
  bool cimd = false;           // uses a client ID metadata document when the AS advertises it
  std::string cimd_client_id;  // the document URL, when known
  std::string client_name;     // sent in the DCR body
  std::vector<std::string> redirect_uris;
  std::string application_type;  // "native" or "web"; empty: not sent
  std::string cors_origin;       // browser-based: discovery is fetched with this Origin
  std::string protocol_version;  // MCP-Protocol-Version it sends
  bool legacy_sse = false;       // also connects to GET /sse (HTTP+SSE, 2024-11-05)
};

const std::vector<ClientProfile>& client_profiles();

}  // namespace mcpedge::app::doctor
