// Redirect URIs: which ones a client may register, and whether an authorization request's matches.
#pragma once

#include "base/expected.hpp"
#include "oauth/clients.hpp"

#include <string>
#include <string_view>

namespace mcpedge::oauth {

enum class RedirectUriKind {
  https,               // https://host/...
  loopback_http,       // http://127.0.0.1, http://[::1] or http://localhost, any port (RFC 8252 §7.3)
  insecure_http,       // http to any other host: never registrable
  private_use_scheme,  // cursor://..., com.example.app:/cb (RFC 8252 §7.1)
};

// What kind of redirect URI `uri` is, or why it can never be one (not absolute, has a fragment,
// carries user information, uses a scheme browsers run in-page such as javascript: or data:).
Expected<RedirectUriKind, std::string> classify_redirect_uri(std::string_view uri);

// Whether an authorization request may redirect to `requested`: an exact string match against one
// of the client's registered URIs (shared/mcp-spec.md §6: no patterns, no wildcards). The one
// exception is RFC 8252 §7.3: for native clients a loopback http URI matches a registered one that
// differs only in the port, since the operating system picks the port at run time.
bool redirect_allowed(const RegisteredClient& client, std::string_view requested);

}  // namespace mcpedge::oauth
