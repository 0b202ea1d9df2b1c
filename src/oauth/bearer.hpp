// The resource server's check of every MCP request: mcpedge access tokens (sealed, audience-bound,
// no store read), personal access tokens (a store lookup by hash), and API keys passed through only
// where the config enables it.
#pragma once

#include "config/config.hpp"
#include "crypto/key_ring.hpp"
#include "mcp/caller.hpp"
#include "oauth/access_token_cache.hpp"
#include "oauth/metadata.hpp"
#include "oauth/personal_tokens.hpp"
#include "oauth/revocation_list.hpp"
#include "oauth/usage.hpp"
#include "store/store.hpp"

#include <memory>

namespace mcpedge::oauth {

class BearerAuthenticator final : public mcp::Authenticator {
 public:
  BearerAuthenticator(std::shared_ptr<const crypto::KeyRing> keys, ServerDescription server,
                      const config::AuthConfig& auth, const RevocationList& revoked, store::Store& store,
                      PersonalTokens& personal_tokens);

  boost::asio::awaitable<Expected<mcp::Caller, http::Reply>> authenticate(http::Incoming& in) const override;
  http::Reply insufficient_scope(const std::vector<std::string>& needed) const override;

  // 401 with `WWW-Authenticate: Bearer resource_metadata=…, scope=…` (+ error when a credential was sent).
  http::Reply unauthorized(std::optional<std::string> error, std::string description) const;

 private:
  std::shared_ptr<const crypto::KeyRing> keys_;
  ServerDescription server_;
  const config::AuthConfig& auth_;
  const RevocationList& revoked_;
  std::string default_scope_;
  store::Store& store_;
  PersonalTokens& personal_tokens_;
  mutable UsageThrottle usage_;      // "last used" of connected clients
  mutable AccessTokenCache opened_;  // access tokens already opened, by digest

  mcp::Caller caller_for(const identity::UpstreamGrant& who, std::string credential) const;
  // The opened access token: from the cache, or opened now and cached; a 401 reply if it is not valid.
  Expected<AccessTokenCache::Found, http::Reply> open_cached(std::string_view bearer) const;
};

// The key that binds sessions and streams to a signed-in user (and organisation).
std::string user_key(std::string_view subject, std::string_view org);

}  // namespace mcpedge::oauth
